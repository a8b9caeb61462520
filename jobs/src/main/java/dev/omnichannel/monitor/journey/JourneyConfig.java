package dev.omnichannel.monitor.journey;

import java.io.Serializable;
import java.time.Duration;

/**
 * Journey and touch settings: {@code journey.inactivity-gap}, {@code journey.max-events}, {@code
 * journey.max-duration}, {@code touch.visit-timeout} and the attribution dimension.
 */
public record JourneyConfig(
    Duration inactivityGap,
    int maxEvents,
    Duration maxDuration,
    Duration visitTimeout,
    AttributionDimension dimension)
    implements Serializable {

  /** Default maximum number of events per journey. */
  public static final int DEFAULT_MAX_EVENTS = 5000;

  /**
   * Validates every field.
   *
   * @throws IllegalArgumentException naming the field and its value when a duration is null or not
   *     positive, {@code maxEvents < 1}, or the dimension is null
   */
  public JourneyConfig {
    requirePositive("inactivityGap", inactivityGap);
    requirePositive("maxDuration", maxDuration);
    requirePositive("visitTimeout", visitTimeout);
    if (maxEvents < 1) {
      throw new IllegalArgumentException("maxEvents must be at least 1, got " + maxEvents);
    }
    if (dimension == null) {
      throw new IllegalArgumentException("dimension must not be null, got null");
    }
  }

  /** The contract defaults: 30 days, 5,000 events, 90 days, 30 minutes, CHANNEL. */
  public static JourneyConfig defaults() {
    return new JourneyConfig(
        Duration.ofDays(30),
        DEFAULT_MAX_EVENTS,
        Duration.ofDays(90),
        Duration.ofMinutes(30),
        AttributionDimension.CHANNEL);
  }

  /** A copy with another attribution dimension. */
  public JourneyConfig withDimension(AttributionDimension d) {
    return new JourneyConfig(inactivityGap, maxEvents, maxDuration, visitTimeout, d);
  }

  private static void requirePositive(String field, Duration d) {
    if (d == null || d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(field + " must be a positive duration, got " + d);
    }
  }
}
