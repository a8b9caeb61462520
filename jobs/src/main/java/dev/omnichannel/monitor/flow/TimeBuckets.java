package dev.omnichannel.monitor.flow;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.state.MapState;

/** Records waiting in keyed state for an event-time timer, bucketed by the timer's time. */
public final class TimeBuckets {
  private TimeBuckets() {}

  /** Adds {@code value} to the bucket of {@code time}. */
  public static <T> void add(MapState<Long, List<T>> buckets, long time, T value) throws Exception {
    List<T> at = buckets.get(time);
    if (at == null) {
      at = new ArrayList<>(2);
    }
    at.add(value);
    buckets.put(time, at);
  }

  /** Removes and returns the bucket of {@code time}; null when there is none. */
  public static <T> List<T> take(MapState<Long, List<T>> buckets, long time) throws Exception {
    List<T> at = buckets.get(time);
    if (at != null) {
      buckets.remove(time);
    }
    return at;
  }
}
