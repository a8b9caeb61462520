package dev.omnichannel.monitor.stream;

import java.io.Serializable;
import java.time.Duration;

/**
 * The event-time settings of stream mode.
 *
 * @param outOfOrderness how far behind the newest event an event may come and still be in order
 *     (the watermark trails the largest event time by this much)
 * @param idleness a source partition without records for this long stops holding the watermark back
 *     (zero: never)
 * @param allowedLateness events behind the watermark by more than this go to {@code late_events};
 *     events wait this long (on top of the stitch delay) before they are processed, so the ones
 *     that come late by less are still taken in order
 * @param stitchDelay events wait this long in event time for identity links before they are given a
 *     person (see the package documentation)
 * @param dedupTtl how long an event_id is remembered for de-duplication (processing time)
 */
public record StreamSettings(
    Duration outOfOrderness,
    Duration idleness,
    Duration allowedLateness,
    Duration stitchDelay,
    Duration dedupTtl)
    implements Serializable {
  /** Validates; an {@link IllegalArgumentException} names the bad value. */
  public StreamSettings {
    check("out-of-orderness", outOfOrderness);
    check("idleness", idleness);
    check("allowed lateness", allowedLateness);
    check("stitch delay", stitchDelay);
    if (dedupTtl.isZero() || dedupTtl.isNegative()) {
      throw new IllegalArgumentException(
          "the de-duplication TTL must be positive, got " + dedupTtl);
    }
  }

  private static void check(String what, Duration d) {
    if (d == null || d.isNegative()) {
      throw new IllegalArgumentException("the " + what + " must not be negative, got " + d);
    }
  }

  /** Defaults: 1 min out of order, 1 min idleness, no allowed lateness, 10 min stitch delay. */
  public static StreamSettings defaults() {
    return new StreamSettings(
        Duration.ofMinutes(1),
        Duration.ofMinutes(1),
        Duration.ZERO,
        Duration.ofMinutes(10),
        Duration.ofDays(7));
  }
}
