package dev.omnichannel.monitor.flow;

import java.io.Serializable;
import java.time.Duration;

/**
 * When things close: the one difference between the two modes inside the shared dataflow.
 *
 * <ul>
 *   <li><b>Bounded</b> (backfill, BATCH execution): every keyed operator decides at the end of its
 *       key's input (one end-of-input timer; in BATCH execution a key's timers fire once all its
 *       records are in), with full knowledge.
 *   <li><b>Event time</b> (stream): operators decide when the watermark passes the times involved;
 *       events wait {@code releaseDelay} (the stitch delay plus the allowed lateness) for identity
 *       links before journeys and patterns see them.
 * </ul>
 *
 * @param bounded true for a backfill
 * @param releaseDelayMs how long events wait for identity links, in event time (0 when bounded)
 * @param fixedEndOfInput the end of input for journey closing when a backfill is bounded by {@code
 *     --to}; null to use the largest accepted event time
 * @param dedupTtl how long an event_id is remembered in stream mode (null when bounded)
 */
public record Timing(boolean bounded, long releaseDelayMs, Long fixedEndOfInput, Duration dedupTtl)
    implements Serializable {

  /** A backfill's timing. */
  public static Timing bounded(Long fixedEndOfInput) {
    return new Timing(true, 0L, fixedEndOfInput, null);
  }

  /** Stream mode's timing. */
  public static Timing eventTime(Duration releaseDelay, Duration dedupTtl) {
    return new Timing(false, releaseDelay.toMillis(), null, dedupTtl);
  }

  /** The event-time timer that releases something at {@code time}: the end of input if bounded. */
  public long at(long time) {
    if (bounded) {
      return Long.MAX_VALUE;
    }
    return time > Long.MAX_VALUE - releaseDelayMs ? Long.MAX_VALUE : time + releaseDelayMs;
  }
}
