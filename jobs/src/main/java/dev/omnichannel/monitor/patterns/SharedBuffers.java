package dev.omnichannel.monitor.patterns;

import java.lang.reflect.Field;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
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
 * Flink CEP {@link SharedBuffer}s with a plain, single-threaded cache in place of each of their two
 * Guava caches.
 *
 * <p>A {@code SharedBuffer} reads its events and nodes through a write-back cache: an update goes
 * to the cache, a read looks in the cache and then in the keyed state (keeping what it found in the
 * cache), an entry evicted for size is written to the state, and {@code flushCache} (when a {@code
 * SharedBufferAccessor} closes, once per {@code NFA} call here) writes every cached entry to the
 * state and empties the cache. Which entries sit in the cache rather than the state in between
 * changes nothing that can be observed: after each flush the state holds the same entries either
 * way. So a plain cache that never evicts (emptied at every flush, so it holds only what one call
 * touched) gives the same states, matches and checkpoints as Guava's bounded, thread-safe cache
 * with its locks, recency queues and statistics, which cost about as much as the matching itself.
 *
 * <p>The caches are private fields of {@code SharedBuffer}, replaced by reflection right after it
 * is built. Should that fail (a Flink version whose fields differ), the buffer keeps its Guava
 * caches: slower, same results. The statistics timer thread that every buffer starts (it logs the
 * cache statistics) is stopped, as the plain caches keep none.
 */
final class SharedBuffers {
  private static final Logger LOG = LoggerFactory.getLogger(SharedBuffers.class);
  private static final Field EVENTS = field("eventsBufferCache");
  private static final Field ENTRIES = field("entryCache");
  private static volatile boolean warned;

  private SharedBuffers() {}

  /** A shared buffer over {@code store}, with plain caches when they can be put in. */
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

  /** True when {@code buffer}'s caches are plain caches (for tests). */
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
   * The part of Guava's {@link Cache} that {@code SharedBuffer} uses: no eviction, no statistics,
   * one thread (the operator's). What one NFA call touches is mostly a handful of entries, so they
   * sit in two small arrays, found by {@code equals} alone: Flink's {@code EventId} and {@code
   * NodeId} hash through {@code Objects.hash} (an array and a boxed long on every call), which cost
   * more than the rest of a lookup. Past {@value #SMALL} entries they move to a {@link HashMap}
   * until the next {@link #invalidateAll}.
   */
  static final class PlainCache<K, V> implements Cache<K, V> {
    static final int SMALL = 16;

    private final Object[] keys = new Object[SMALL];
    private final Object[] values = new Object[SMALL];
    private int size;
    private HashMap<K, V> large;
    private final View view = new View();

    private int indexOf(Object key) {
      for (int i = size - 1; i >= 0; i--) {
        Object k = keys[i];
        if (k == key || k.equals(key)) {
          return i;
        }
      }
      return -1;
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getIfPresent(Object key) {
      if (large != null) {
        return large.get(key);
      }
      int i = indexOf(key);
      return i < 0 ? null : (V) values[i];
    }

    @Override
    public V get(K key, Callable<? extends V> loader) throws ExecutionException {
      V v = getIfPresent(key);
      if (v == null) {
        try {
          v = loader.call();
        } catch (Exception e) {
          throw new ExecutionException(e);
        }
        put(key, v);
      }
      return v;
    }

    @Override
    public ImmutableMap<K, V> getAllPresent(Iterable<? extends Object> keys) {
      ImmutableMap.Builder<K, V> b = ImmutableMap.builder();
      for (Object k : keys) {
        V v = getIfPresent(k);
        if (v != null) {
          @SuppressWarnings("unchecked")
          K key = (K) k;
          b.put(key, v);
        }
      }
      return b.buildKeepingLast();
    }

    @Override
    @SuppressWarnings("unchecked")
    public void put(K key, V value) {
      if (key == null || value == null) {
        throw new NullPointerException();
      }
      if (large != null) {
        large.put(key, value);
        return;
      }
      int i = indexOf(key);
      if (i >= 0) {
        values[i] = value;
      } else if (size < SMALL) {
        keys[size] = key;
        values[size] = value;
        size++;
      } else {
        large = new HashMap<>(4 * SMALL);
        for (int j = 0; j < size; j++) {
          large.put((K) keys[j], (V) values[j]);
        }
        clearArrays();
        large.put(key, value);
      }
    }

    @Override
    public void putAll(Map<? extends K, ? extends V> m) {
      m.forEach(this::put);
    }

    @Override
    public void invalidate(Object key) {
      if (large != null) {
        large.remove(key);
        return;
      }
      int i = indexOf(key);
      if (i >= 0) {
        size--;
        keys[i] = keys[size];
        values[i] = values[size];
        keys[size] = null;
        values[size] = null;
      }
    }

    @Override
    public void invalidateAll(Iterable<? extends Object> keys) {
      for (Object k : keys) {
        invalidate(k);
      }
    }

    @Override
    public void invalidateAll() {
      large = null;
      clearArrays();
    }

    private void clearArrays() {
      for (int i = 0; i < size; i++) {
        keys[i] = null;
        values[i] = null;
      }
      size = 0;
    }

    @Override
    public long size() {
      return large != null ? large.size() : size;
    }

    @Override
    public CacheStats stats() {
      return new CacheStats(0, 0, 0, 0, 0, 0);
    }

    /** A live view: what {@code flushCache} writes to the state, and what it checks for empty. */
    @Override
    public ConcurrentMap<K, V> asMap() {
      return view;
    }

    @Override
    public void cleanUp() {}

    /** The cache as a map (a view; changes go through the cache). */
    private final class View extends AbstractMap<K, V> implements ConcurrentMap<K, V> {
      @Override
      public int size() {
        return (int) PlainCache.this.size();
      }

      @Override
      public boolean isEmpty() {
        return size() == 0;
      }

      @Override
      public boolean containsKey(Object key) {
        return PlainCache.this.getIfPresent(key) != null;
      }

      @Override
      public V get(Object key) {
        return PlainCache.this.getIfPresent(key);
      }

      @Override
      public V put(K key, V value) {
        V old = PlainCache.this.getIfPresent(key);
        PlainCache.this.put(key, value);
        return old;
      }

      @Override
      public V remove(Object key) {
        V old = PlainCache.this.getIfPresent(key);
        PlainCache.this.invalidate(key);
        return old;
      }

      @Override
      public void clear() {
        PlainCache.this.invalidateAll();
      }

      @Override
      public V putIfAbsent(K key, V value) {
        V old = get(key);
        if (old == null) {
          PlainCache.this.put(key, value);
        }
        return old;
      }

      @Override
      public boolean remove(Object key, Object value) {
        V old = get(key);
        if (old != null && old.equals(value)) {
          PlainCache.this.invalidate(key);
          return true;
        }
        return false;
      }

      @Override
      public boolean replace(K key, V oldValue, V newValue) {
        V old = get(key);
        if (old != null && old.equals(oldValue)) {
          PlainCache.this.put(key, newValue);
          return true;
        }
        return false;
      }

      @Override
      public V replace(K key, V value) {
        V old = get(key);
        if (old != null) {
          PlainCache.this.put(key, value);
        }
        return old;
      }

      @Override
      public Set<Map.Entry<K, V>> entrySet() {
        return new AbstractSet<>() {
          @Override
          public int size() {
            return View.this.size();
          }

          @Override
          public Iterator<Map.Entry<K, V>> iterator() {
            if (large != null) {
              return large.entrySet().iterator();
            }
            return new Iterator<>() {
              private int next;
              private int last = -1;

              @Override
              public boolean hasNext() {
                return next < size;
              }

              @Override
              @SuppressWarnings("unchecked")
              public Map.Entry<K, V> next() {
                if (next >= size) {
                  throw new NoSuchElementException();
                }
                last = next++;
                return new AbstractMap.SimpleImmutableEntry<>((K) keys[last], (V) values[last]);
              }

              @Override
              public void remove() {
                if (last < 0) {
                  throw new IllegalStateException();
                }
                // the last element moves into the removed slot: visit that slot again
                PlainCache.this.invalidate(keys[last]);
                next = last;
                last = -1;
              }
            };
          }
        };
      }
    }
  }
}
