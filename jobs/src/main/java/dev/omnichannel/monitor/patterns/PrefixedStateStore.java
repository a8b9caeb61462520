package dev.omnichannel.monitor.patterns;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.AggregatingState;
import org.apache.flink.api.common.state.AggregatingStateDescriptor;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReducingState;
import org.apache.flink.api.common.state.ReducingStateDescriptor;
import org.apache.flink.api.common.state.State;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;

/**
 * A {@link KeyedStateStore} that puts a prefix before every state name, so that several users of
 * fixed state names (Flink CEP's {@code SharedBuffer}, one per pattern) can share one keyed
 * operator. Only the value, list and map states of the classic API are offered, and their
 * descriptors must carry a serializer (not a type to be resolved later); everything else throws
 * {@link UnsupportedOperationException}.
 */
public final class PrefixedStateStore implements KeyedStateStore {
  private final String prefix;
  private final Backing backing;
  private final List<State> handedOut = new ArrayList<>();
  private final List<StateDescriptor<?, ?>> descriptors = new ArrayList<>();

  /** Where the renamed states really live: a keyed state store or a function's context. */
  private interface Backing {
    <T> ValueState<T> value(ValueStateDescriptor<T> d);

    <T> ListState<T> list(ListStateDescriptor<T> d);

    <K, V> MapState<K, V> map(MapStateDescriptor<K, V> d);
  }

  private PrefixedStateStore(String prefix, Backing backing) {
    this.prefix = prefix;
    this.backing = backing;
  }

  /** States of a keyed function: {@code ctx} must be the runtime context of a keyed stream. */
  public static PrefixedStateStore over(RuntimeContext ctx, String prefix) {
    return new PrefixedStateStore(
        prefix,
        new Backing() {
          @Override
          public <T> ValueState<T> value(ValueStateDescriptor<T> d) {
            return ctx.getState(d);
          }

          @Override
          public <T> ListState<T> list(ListStateDescriptor<T> d) {
            return ctx.getListState(d);
          }

          @Override
          public <K, V> MapState<K, V> map(MapStateDescriptor<K, V> d) {
            return ctx.getMapState(d);
          }
        });
  }

  /** States of an operator's keyed state store. */
  public static PrefixedStateStore over(KeyedStateStore store, String prefix) {
    return new PrefixedStateStore(
        prefix,
        new Backing() {
          @Override
          public <T> ValueState<T> value(ValueStateDescriptor<T> d) {
            return store.getState(d);
          }

          @Override
          public <T> ListState<T> list(ListStateDescriptor<T> d) {
            return store.getListState(d);
          }

          @Override
          public <K, V> MapState<K, V> map(MapStateDescriptor<K, V> d) {
            return store.getMapState(d);
          }
        });
  }

  /** The name a state of this store is kept under. */
  public String name(String stateName) {
    return prefix + stateName;
  }

  @Override
  public <T> ValueState<T> getState(ValueStateDescriptor<T> d) {
    requireSerializer(d);
    ValueStateDescriptor<T> renamed =
        new ValueStateDescriptor<>(name(d.getName()), d.getSerializer());
    descriptors.add(renamed);
    return handOut(backing.value(renamed));
  }

  @Override
  public <T> ListState<T> getListState(ListStateDescriptor<T> d) {
    requireSerializer(d);
    ListStateDescriptor<T> renamed =
        new ListStateDescriptor<>(name(d.getName()), d.getElementSerializer());
    descriptors.add(renamed);
    return handOut(backing.list(renamed));
  }

  @Override
  public <K, V> MapState<K, V> getMapState(MapStateDescriptor<K, V> d) {
    requireSerializer(d);
    MapStateDescriptor<K, V> renamed =
        new MapStateDescriptor<>(name(d.getName()), d.getKeySerializer(), d.getValueSerializer());
    descriptors.add(renamed);
    return handOut(backing.map(renamed));
  }

  private <S extends State> S handOut(S state) {
    handedOut.add(state);
    return state;
  }

  /** The (renamed) descriptors of the states this store has handed out. */
  public List<StateDescriptor<?, ?>> descriptors() {
    return List.copyOf(descriptors);
  }

  /** Clears, for the current key, every state this store has handed out. */
  public void clear() {
    for (State s : handedOut) {
      s.clear();
    }
  }

  /** True when the current key holds nothing in any state this store has handed out. */
  public boolean isEmpty() throws Exception {
    for (State s : handedOut) {
      if (s instanceof ValueState<?> v && v.value() != null) {
        return false;
      }
      if (s instanceof MapState<?, ?> m && !m.isEmpty()) {
        return false;
      }
      if (s instanceof ListState<?> l) {
        Iterable<?> items = l.get();
        if (items != null && items.iterator().hasNext()) {
          return false;
        }
      }
    }
    return true;
  }

  private static void requireSerializer(StateDescriptor<?, ?> d) {
    if (!d.isSerializerInitialized()) {
      throw new IllegalArgumentException(
          "state " + d.getName() + " must be declared with a serializer to be renamed");
    }
    if (d.getTtlConfig().isEnabled()) {
      throw new IllegalArgumentException("state " + d.getName() + " has a TTL, not carried over");
    }
  }

  @Override
  public <T> ReducingState<T> getReducingState(ReducingStateDescriptor<T> d) {
    throw unsupported();
  }

  @Override
  public <IN, ACC, OUT> AggregatingState<IN, OUT> getAggregatingState(
      AggregatingStateDescriptor<IN, ACC, OUT> d) {
    throw unsupported();
  }

  @Override
  public <T> org.apache.flink.api.common.state.v2.ValueState<T> getValueState(
      org.apache.flink.api.common.state.v2.ValueStateDescriptor<T> d) {
    throw unsupported();
  }

  @Override
  public <T> org.apache.flink.api.common.state.v2.ListState<T> getListState(
      org.apache.flink.api.common.state.v2.ListStateDescriptor<T> d) {
    throw unsupported();
  }

  @Override
  public <UK, UV> org.apache.flink.api.common.state.v2.MapState<UK, UV> getMapState(
      org.apache.flink.api.common.state.v2.MapStateDescriptor<UK, UV> d) {
    throw unsupported();
  }

  @Override
  public <T> org.apache.flink.api.common.state.v2.ReducingState<T> getReducingState(
      org.apache.flink.api.common.state.v2.ReducingStateDescriptor<T> d) {
    throw unsupported();
  }

  @Override
  public <IN, ACC, OUT>
      org.apache.flink.api.common.state.v2.AggregatingState<IN, OUT> getAggregatingState(
          org.apache.flink.api.common.state.v2.AggregatingStateDescriptor<IN, ACC, OUT> d) {
    throw unsupported();
  }

  @Override
  public String getBackendTypeIdentifier() {
    throw unsupported();
  }

  private static UnsupportedOperationException unsupported() {
    return new UnsupportedOperationException(
        "only value, list and map states (classic API) can be renamed");
  }
}
