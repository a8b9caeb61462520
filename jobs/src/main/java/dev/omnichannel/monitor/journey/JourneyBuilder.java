package dev.omnichannel.monitor.journey;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * Cuts one person's ordered events into journeys, following the contract's "Journeys" section and
 * its exact boundaries:
 *
 * <ul>
 *   <li>an event at least {@code inactivityGap} after the previous one closes the open journey
 *       ABANDONED and starts a new one;
 *   <li>else an event that would be the {@code maxEvents + 1}-th, or that comes more than {@code
 *       maxDuration} after the journey's first event, closes it TRUNCATED and starts a new one;
 *   <li>a PURCHASE closes the journey CONVERTED, including it;
 *   <li>at the end of input the open journey closes ABANDONED when the gap has passed, else OPEN.
 * </ul>
 *
 * Not thread-safe.
 *
 * @param <E> the event type
 */
public final class JourneyBuilder<E extends TimelineEvent> implements Serializable {
  /** The timeline order: event time, then event id. */
  public static final Comparator<TimelineEvent> ORDER =
      Comparator.comparingLong(TimelineEvent::eventTime).thenComparing(TimelineEvent::eventId);

  private final JourneyConfig config;
  private final String personId;
  private final long gapMs;
  private final long maxDurationMs;
  private final List<E> open = new ArrayList<>();
  private boolean seen;
  private long lastTime = Long.MIN_VALUE;
  private String lastId;

  public JourneyBuilder(JourneyConfig config, String personId) {
    this.config = Objects.requireNonNull(config, "config");
    this.personId = Objects.requireNonNull(personId, "personId");
    this.gapMs = config.inactivityGap().toMillis();
    this.maxDurationMs = config.maxDuration().toMillis();
  }

  /**
   * Adds the person's next event.
   *
   * @return the journeys this event closed, in order: none, one, or two (e.g. a gap closes the
   *     previous journey ABANDONED and this PURCHASE closes the new one CONVERTED)
   * @throws IllegalArgumentException when the event comes before the previous one in {@link #ORDER}
   */
  public List<Journey<E>> add(E event) {
    Objects.requireNonNull(event, "event");
    long t = event.eventTime();
    if (seen && (t < lastTime || (t == lastTime && event.eventId().compareTo(lastId) < 0))) {
      throw new IllegalArgumentException(
          "event "
              + event.eventId()
              + " at "
              + t
              + " comes before the previous event "
              + lastId
              + " at "
              + lastTime
              + " of person "
              + personId);
    }
    List<Journey<E>> closed = new ArrayList<>(2);
    if (!open.isEmpty()) {
      if (t - lastTime >= gapMs) {
        closed.add(close(JourneyStatus.ABANDONED));
      } else if (open.size() >= config.maxEvents() || t - open.get(0).eventTime() > maxDurationMs) {
        closed.add(close(JourneyStatus.TRUNCATED));
      }
    }
    open.add(event);
    seen = true;
    lastTime = t;
    lastId = event.eventId();
    if (Journey.PURCHASE.equals(event.eventType())) {
      closed.add(close(JourneyStatus.CONVERTED));
    }
    return closed;
  }

  /**
   * End of input: closes the open journey ABANDONED when {@code endOfInput - lastEventTime >=
   * inactivityGap}, else OPEN.
   *
   * @return the closed journey, or an empty list when no journey is open
   */
  public List<Journey<E>> finish(long endOfInput) {
    if (open.isEmpty()) {
      return List.of();
    }
    JourneyStatus s = endOfInput - lastTime >= gapMs ? JourneyStatus.ABANDONED : JourneyStatus.OPEN;
    return List.of(close(s));
  }

  /** True when events have been added since the last journey closed. */
  public boolean hasOpenJourney() {
    return !open.isEmpty();
  }

  /** The open journey's events, in order (a read-only view). */
  public List<E> openEvents() {
    return java.util.Collections.unmodifiableList(open);
  }

  /** The number of events in the open journey. */
  public int openEventCount() {
    return open.size();
  }

  /** The time of the last event added, or {@link Long#MIN_VALUE} before the first one. */
  public long lastEventTime() {
    return lastTime;
  }

  private Journey<E> close(JourneyStatus status) {
    Journey<E> j = Journey.of(personId, status, open, config);
    open.clear();
    return j;
  }
}
