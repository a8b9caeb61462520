package dev.omnichannel.monitor.flow;

/**
 * One link occurrence: an accepted event joins its primary identity to one of its other identities
 * (DESIGN "Identity stitching"). An event with identities {@code a < b < c} (priority order) gives
 * the links {@code (a, b)} and {@code (a, c)}, applied in that order. Links are ordered by (time,
 * event id, other). A Flink POJO.
 */
public class Link {
  public long time;
  public String eventId;

  /** The event's primary identity, {@code namespace:value}. */
  public String primary;

  /** The other identity, {@code namespace:value}; always after {@link #primary} in priority. */
  public String other;

  public Link() {}

  public Link(long time, String eventId, String primary, String other) {
    this.time = time;
    this.eventId = eventId;
    this.primary = primary;
    this.other = other;
  }

  /** The key of the identity pair: the same for every occurrence of the same two identities. */
  public String pairKey() {
    return primary + '\u0001' + other;
  }

  /** Negative when {@code a} comes first in (time, event id, other) order. */
  public static int compare(Link a, Link b) {
    int c = Long.compare(a.time, b.time);
    if (c != 0) {
      return c;
    }
    c = a.eventId.compareTo(b.eventId);
    return c != 0 ? c : dev.omnichannel.monitor.event.Event.compareKeys(a.other, b.other);
  }

  @Override
  public String toString() {
    return primary + " x " + other + " @" + time + " (" + eventId + ")";
  }
}
