package dev.omnichannel.monitor.patterns;

import java.lang.reflect.Field;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.ExecutionException;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.cep.configuration.SharedBufferCacheConfig;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.shaded.guava33.com.google.common.cache.Cache;
import org.apache.flink.shaded.guava33.com.google.common.cache.CacheStats;
import org.apache.flink.shaded.guava33.com.google.common.collect.ImmutableMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flink CEP {@link SharedBuffer}s with a plain map in place of each of their two Guava caches.
 *
 * <p>A {@code SharedBuffer} reads its events and nodes through a write-back cache: an update goes
 * to the cache, a read looks in the cache and then in the keyed state (keeping what it found in the
 * cache), an entry evicted for size is written to the state, and {@code flushCache} (when a {@code
 * SharedBufferAccessor} closes, once per {@code NFA} call here) writes every cached entry to the
 * state and empties the cache. Which entries sit in the cache rather than the state in between
 * changes nothing that can be observed: after each flush the state holds the same entries either
 * way. So a plain map that never evicts (emptied at every flush, so it holds only what one call
 * touched) gives the same states, matches and checkpoints as Guava's bounded, thread-safe cache
 * with its locks, recency queues and statistics, which cost about as much as the matching itself.
 *
 * <p>The caches are private fields of {@code SharedBuffer}, replaced by reflection right after it
 * is built. Should that fail (a Flink version whose fields differ), the buffer keeps its Guava
 * caches: slower, same results. The statistics timer thread that every buffer starts (it logs the
 * cache statistics) is stopped, as the plain maps keep none.
 */
final class SharedBuffers {
  private static final Logger LOG = LoggerFactory.getLogger(SharedBuffers.class);
  private static final Field EVENTS = field("eventsBufferCache");
  private static final Field ENTRIES = field("entryCache");
  private static volatile boolean warned;

  private SharedBuffers() {}

  /** A shared buffer over {@code store}, with plain-map caches when they can be put in. */
  static <V> SharedBuffer<V> create(KeyedStateStore store, TypeSerializer<V> serializer) {
    SharedBuffer<V> buffer = new SharedBuffer<>(store, serializer, new SharedBufferCacheConfig());
    if (EVENTS != null && ENTRIES != null) {
      try {
        EVENTS.set(buffer, new PlainCache<>());
        ENTRIES.set(buffer, new PlainCache<>());
        buffer.releaseCacheStatisticsTimer();
        return buffer;
      } catch (ReflectiveOperationException | RuntimeException e) {
        warn(e);
      }
    } else {
      warn(null);
    }
    return buffer;
  }

  /** True when {@code buffer}'s caches are plain maps (for tests). */
  static boolean hasPlainCaches(SharedBuffer<?> buffer) throws IllegalAccessException {
    return EVENTS != null
        && EVENTS.get(buffer) instanceof PlainCache
        && ENTRIES.get(buffer) instanceof PlainCache;
  }

  private static Field field(String name) {
    try {
      Field f = SharedBuffer.class.getDeclaredField(name);
      if (!Cache.class.isAssignableFrom(f.getType())) {
        return null;
      }
      f.setAccessible(true);
      return f;
    } catch (ReflectiveOperationException | RuntimeException e) {
      return null;
    }
  }

  private static void warn(Exception e) {
    if (!warned) {
      warned = true;
      LOG.warn("Flink CEP shared buffers keep their Guava caches (slower, same results)", e);
    }
  }

  /**
   * The part of Guava's {@link Cache} that {@code SharedBuffer} uses, over a {@link HashMap}: no
   * eviction, no statistics, one thread (the operator's).
   */
  static final class PlainCache<K, V> implements Cache<K, V> {
    /** Above this size, emptying the map drops it rather than clearing its table. */
    private static final int KEEP = 64;

    private Entries<K, V> map = new Entries<>();

    /** A {@link HashMap} typed as the {@link ConcurrentMap} that {@link Cache#asMap} returns. */
    private static final class Entries<K, V> extends HashMap<K, V> implements ConcurrentMap<K, V> {
      private static final long serialVersionUID = 1L;
    }

    @Override
    public V getIfPresent(Object key) {
      return map.get(key);
    }

    @Override
    public V get(K key, Callable<? extends V> loader) throws ExecutionException {
      V v = map.get(key);
      if (v == null) {
        try {
          v = loader.call();
        } catch (Exception e) {
          throw new ExecutionException(e);
        }
        map.put(key, v);
      }
      return v;
    }

    @Override
    public ImmutableMap<K, V> getAllPresent(Iterable<? extends Object> keys) {
      ImmutableMap.Builder<K, V> b = ImmutableMap.builder();
      for (Object k : keys) {
        V v = map.get(k);
        if (v != null) {
          @SuppressWarnings("unchecked")
          K key = (K) k;
          b.put(key, v);
        }
      }
      return b.buildKeepingLast();
    }

    @Override
    public void put(K key, V value) {
      map.put(key, value);
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
      map.putAll(m);
    }

    @Override
    public void invalidate(Object key) {
      map.remove(key);
    }

    @Override
    public void invalidateAll(Iterable<? extends Object> keys) {
      for (Object k : keys) {
        map.remove(k);
      }
    }

    @Override
    public void invalidateAll() {
      if (map.size() > KEEP) {
        map = new Entries<>();
      } else if (!map.isEmpty()) {
        map.clear();
      }
    }

    @Override
    public long size() {
      return map.size();
    }

    @Override
    public CacheStats stats() {
      return new CacheStats(0, 0, 0, 0, 0, 0);
    }

    @Override
    public ConcurrentMap<K, V> asMap() {
      return map;
    }

    @Override
    public void cleanUp() {}
  }
}
