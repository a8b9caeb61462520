package dev.omnichannel.monitor.journey;

import dev.omnichannel.monitor.identity.PersonIds;
import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * One closed (or, at end of input, OPEN) journey of a person: its events in order and the touches
 * they form. Immutable.
 *
 * @param <E> the event type
 */
public final class Journey<E extends TimelineEvent> implements Serializable {
  /** The event type that converts a journey. */
  public static final String PURCHASE = "PURCHASE";

  private final String journeyId;
  private final String personId;
  private final JourneyStatus status;
  private final List<E> events;
  private final List<Touch> touches;

  private Journey(String personId, JourneyStatus status, List<E> events, List<Touch> touches) {
    this.personId = Objects.requireNonNull(personId, "personId");
    this.status = Objects.requireNonNull(status, "status");
    this.events = List.copyOf(events);
    this.touches = List.copyOf(touches);
    if (this.events.isEmpty()) {
      throw new IllegalArgumentException("a journey needs at least one event");
    }
    if (status == JourneyStatus.CONVERTED && !PURCHASE.equals(last().eventType())) {
      throw new IllegalArgumentException(
          "a CONVERTED journey must end with a PURCHASE, got " + last().eventType());
    }
    this.journeyId = "j-" + PersonIds.sha256Hex16(personId + ":" + this.events.get(0).eventId());
  }

  /**
   * Builds a journey from its events (in {@link JourneyBuilder#ORDER}), computing its touches with
   * the config's dimension and visit timeout.
   */
  public static <E extends TimelineEvent> Journey<E> of(
      String personId, JourneyStatus status, List<E> events, JourneyConfig config) {
    return new Journey<>(
        personId, status, events, touchesOf(events, config.dimension(), config.visitTimeout()));
  }

  /**
   * The touches of {@code events}: maximal runs of consecutive events with the same dimension value
   * where each event comes at most {@code visitTimeout} after the previous one.
   */
  public static List<Touch> touchesOf(
      List<? extends TimelineEvent> events, AttributionDimension dimension, Duration visitTimeout) {
    long timeout = visitTimeout.toMillis();
    List<Touch> out = new ArrayList<>();
    String value = null;
    long start = 0;
    long end = 0;
    int count = 0;
    for (TimelineEvent e : events) {
      String v = dimension.of(e);
      long t = e.eventTime();
      if (count > 0 && v.equals(value) && t - end <= timeout) {
        end = t;
        count++;
      } else {
        if (count > 0) {
          out.add(new Touch(value, start, end, count));
        }
        value = v;
        start = t;
        end = t;
        count = 1;
      }
    }
    if (count > 0) {
      out.add(new Touch(value, start, end, count));
    }
    return out;
  }

  /** {@code "j-"} plus the first 16 hex characters of SHA-256(personId + ":" + firstEventId). */
  public String journeyId() {
    return journeyId;
  }

  public String personId() {
    return personId;
  }

  public JourneyStatus status() {
    return status;
  }

  /** The journey's events, in order. */
  public List<E> events() {
    return events;
  }

  /** The journey's touches, in order. */
  public List<Touch> touches() {
    return touches;
  }

  /** The first event's time. */
  public long startTime() {
    return events.get(0).eventTime();
  }

  /** The last event's time. */
  public long endTime() {
    return last().eventTime();
  }

  public int eventCount() {
    return events.size();
  }

  public int touchCount() {
    return touches.size();
  }

  /** The touches' dimension values joined by {@code " > "}. */
  public String channelPath() {
    StringBuilder sb = new StringBuilder();
    for (Touch t : touches) {
      if (sb.length() > 0) {
        sb.append(" > ");
      }
      sb.append(t.dimensionValue());
    }
    return sb.toString();
  }

  /** The distinct channels of the events, sorted. */
  public List<String> channels() {
    TreeSet<String> s = new TreeSet<>();
    for (E e : events) {
      s.add(AttributionDimension.CHANNEL.of(e));
    }
    return List.copyOf(s);
  }

  /** The number of consecutive touch pairs whose dimension values differ. */
  public int handoffs() {
    int n = 0;
    for (int i = 1; i < touches.size(); i++) {
      if (!touches.get(i).dimensionValue().equals(touches.get(i - 1).dimensionValue())) {
        n++;
      }
    }
    return n;
  }

  public boolean converted() {
    return status == JourneyStatus.CONVERTED;
  }

  /** The closing PURCHASE's value; null when not converted (or the purchase has no value). */
  public Double conversionValue() {
    return converted() ? last().value() : null;
  }

  /** The closing PURCHASE's event id; null when not converted. */
  public String conversionEventId() {
    return converted() ? last().eventId() : null;
  }

  private E last() {
    return events.get(events.size() - 1);
  }

  @Override
  public String toString() {
    return "Journey{"
        + journeyId
        + ", person="
        + personId
        + ", "
        + status
        + ", events="
        + events.size()
        + ", path="
        + channelPath()
        + "}";
  }
}
