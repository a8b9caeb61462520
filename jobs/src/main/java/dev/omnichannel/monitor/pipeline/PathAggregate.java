package dev.omnichannel.monitor.pipeline;

/**
 * The journeys of one window with one path, summed: the input of the data-driven models. A Flink
 * POJO.
 */
public class PathAggregate {
  public long window;
  public String path;

  /** The path's touches (the elements of {@link #path}). */
  public String[] touches;

  public double conversions;
  public double value;
  public double nulls;

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
    a.value = p.converted && p.value != null ? p.value : 0;
    a.nulls = p.converted ? 0 : 1;
    a.minEnd = p.endTime;
    a.maxEnd = p.endTime;
    return a;
  }

  /** The sum of two aggregates of the same window and path. */
  public static PathAggregate merge(PathAggregate x, PathAggregate y) {
    PathAggregate a = new PathAggregate();
    a.window = x.window;
    a.path = x.path;
    a.touches = x.touches;
    a.conversions = x.conversions + y.conversions;
    a.value = x.value + y.value;
    a.nulls = x.nulls + y.nulls;
    a.minEnd = Math.min(x.minEnd, y.minEnd);
    a.maxEnd = Math.max(x.maxEnd, y.maxEnd);
    return a;
  }
}
