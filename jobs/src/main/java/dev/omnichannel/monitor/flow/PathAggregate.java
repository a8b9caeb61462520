package dev.omnichannel.monitor.flow;

import java.math.BigDecimal;

/**
 * The journeys of one window with one path, summed: the input of the data-driven models. A Flink
 * POJO.
 */
public class PathAggregate {
  public long window;
  public String path;

  /** The path's touches (the elements of {@link #path}). */
  public String[] touches;

  public long conversions;

  /**
   * The total conversion value as an exact decimal ({@link BigDecimal#toString()}), so the sum does
   * not depend on the order the journeys were added in (parallelism, input order).
   */
  public String value;

  public long nulls;

  /** The earliest and latest journey end times (the bounds of a window over the data's span). */
  public long minEnd;

  public long maxEnd;

  public PathAggregate() {}

  /** One journey's contribution. */
  public static PathAggregate of(JourneyPath p) {
    PathAggregate a = new PathAggregate();
    a.window = p.window;
    a.path = p.path();
    a.touches = p.touches;
    a.conversions = p.converted ? 1 : 0;
    a.value =
        (p.converted && p.value != null ? new BigDecimal(p.value) : BigDecimal.ZERO).toString();
    a.nulls = p.converted ? 0 : 1;
    a.minEnd = p.endTime;
    a.maxEnd = p.endTime;
    return a;
  }

  /** The total value as a double (rounded once, from the exact sum). */
  public double valueAsDouble() {
    return new BigDecimal(value).doubleValue();
  }

  /** The sum of two aggregates of the same window and path. */
  public static PathAggregate merge(PathAggregate x, PathAggregate y) {
    PathAggregate a = new PathAggregate();
    a.window = x.window;
    a.path = x.path;
    a.touches = x.touches;
    a.conversions = x.conversions + y.conversions;
    a.value = new BigDecimal(x.value).add(new BigDecimal(y.value)).toString();
    a.nulls = x.nulls + y.nulls;
    a.minEnd = Math.min(x.minEnd, y.minEnd);
    a.maxEnd = Math.max(x.maxEnd, y.maxEnd);
    return a;
  }
}
