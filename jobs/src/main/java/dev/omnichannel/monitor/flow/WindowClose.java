package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.attribution.AttributionWindows;
import java.io.Serializable;
import java.time.Duration;

/**
 * When an attribution window can be solved. In a backfill: at the end of input. In stream mode:
 * when the watermark passes the window's end plus {@code after} (the stitch delay plus the
 * inactivity gap, by which every journey ending in the window has been emitted: ABANDONED journeys
 * are only known a gap after their last event). A window over the whole data ({@link
 * AttributionWindows#SPAN_OF_DATA}) closes only at the end of input.
 */
public final class WindowClose implements Serializable {
  private final AttributionWindows windows;
  private final Long after;

  private WindowClose(AttributionWindows windows, Long after) {
    this.windows = windows;
    this.after = after;
  }

  /** Every window closes at the end of input. */
  public static WindowClose atEndOfInput(AttributionWindows windows) {
    return new WindowClose(windows, null);
  }

  /** Each window closes {@code after} past its end (the span-of-data window at end of input). */
  public static WindowClose after(AttributionWindows windows, Duration after) {
    return new WindowClose(windows, after.toMillis());
  }

  /** The event-time timer at which the window with key {@code window} closes. */
  public long at(long window) {
    if (after == null || window == AttributionWindows.SPAN_OF_DATA) {
      return Long.MAX_VALUE;
    }
    long end = windows.bounds(window, window, window)[1];
    return end > Long.MAX_VALUE - after ? Long.MAX_VALUE : end + after;
  }
}
