package dev.omnichannel.monitor.event;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.journey.TimelineEvent;
import java.util.Arrays;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One accepted, pseudonymised event as it travels between operators: a compact mutable record with
 * primitive fields where the contract allows, serialized by {@link EventSerializer} (no Avro, no
 * Kryo). Avro records ({@code ChannelEvent} in, {@code EventRow} out) exist only at the edges; see
 * {@link EventRows}.
 *
 * <ul>
 *   <li>{@link #channel} and {@link #eventType} are the ordinals of the Avro enums {@link Channel}
 *       and {@link EventType}.
 *   <li>{@link #identities} holds {@code namespace:value} keys (email and phone already
 *       pseudonymised), usable and distinct, in input order.
 *   <li>{@link #value} and {@link #sentiment} are {@code NaN} when absent (valid values are
 *       finite).
 *   <li>{@link #attributes} holds key, value, key, value, ... sorted by key; never null.
 *   <li>{@link #personId} and {@link #journeyId} are null until stitching and journey building set
 *       them.
 * </ul>
 */
@TypeInfo(EventTypeInfo.Factory.class)
public final class Event implements TimelineEvent {
  private static final String[] NO_STRINGS = new String[0];
  private static final Channel[] CHANNELS = Channel.values();
  private static final EventType[] EVENT_TYPES = EventType.values();

  /** Ordinal of {@link EventType#PURCHASE}. */
  public static final byte PURCHASE = (byte) EventType.PURCHASE.ordinal();

  public String eventId;
  public long eventTime;
  public byte channel;
  public byte eventType;
  public String[] identities = NO_STRINGS;
  public String sessionId;
  public String sourceSystem;
  public String orderId;
  public String productId;
  public String currency;
  public String campaign;
  public String topic;
  public String outcome;
  public double value = Double.NaN;
  public double sentiment = Double.NaN;
  public String[] attributes = NO_STRINGS;
  public String personId;
  public String journeyId;

  public Event() {}

  /** A shallow copy: the arrays are shared (nothing changes an array once an event is built). */
  public Event copy() {
    Event e = new Event();
    e.eventId = eventId;
    e.eventTime = eventTime;
    e.channel = channel;
    e.eventType = eventType;
    e.identities = identities;
    e.sessionId = sessionId;
    e.sourceSystem = sourceSystem;
    e.orderId = orderId;
    e.productId = productId;
    e.currency = currency;
    e.campaign = campaign;
    e.topic = topic;
    e.outcome = outcome;
    e.value = value;
    e.sentiment = sentiment;
    e.attributes = attributes;
    e.personId = personId;
    e.journeyId = journeyId;
    return e;
  }

  /** The enum name of a channel ordinal. */
  public static String channelName(int ordinal) {
    return CHANNELS[ordinal].name();
  }

  /** The enum name of an event type ordinal. */
  public static String eventTypeName(int ordinal) {
    return EVENT_TYPES[ordinal].name();
  }

  /** The ordinal of a channel name, or -1 for an unknown name. */
  public static int channelOrdinal(String name) {
    for (Channel c : CHANNELS) {
      if (c.name().equals(name)) {
        return c.ordinal();
      }
    }
    return -1;
  }

  /** The ordinal of an event type name, or -1 for an unknown name. */
  public static int eventTypeOrdinal(String name) {
    for (EventType t : EVENT_TYPES) {
      if (t.name().equals(name)) {
        return t.ordinal();
      }
    }
    return -1;
  }

  @Override
  public String eventId() {
    return eventId;
  }

  @Override
  public long eventTime() {
    return eventTime;
  }

  @Override
  public String channel() {
    return CHANNELS[channel].name();
  }

  @Override
  public String eventType() {
    return EVENT_TYPES[eventType].name();
  }

  @Override
  public String campaign() {
    return campaign;
  }

  @Override
  public Double value() {
    return Double.isNaN(value) ? null : value;
  }

  /** The sentiment, or null when absent. */
  public Double sentiment() {
    return Double.isNaN(sentiment) ? null : sentiment;
  }

  /** True when this is a PURCHASE. */
  public boolean isPurchase() {
    return eventType == PURCHASE;
  }

  /** The value of attribute {@code key}, or null. */
  public String attribute(String key) {
    for (int i = 0; i < attributes.length; i += 2) {
      if (attributes[i].equals(key)) {
        return attributes[i + 1];
      }
    }
    return null;
  }

  /**
   * The event's primary identity ({@code namespace:value}): the highest-priority namespace, then
   * the smallest value (the order of {@link dev.omnichannel.monitor.identity.IdentityKey}).
   */
  public String primaryIdentity() {
    return primaryOf(identities);
  }

  /** The primary of {@code namespace:value} keys (see {@link #primaryIdentity()}). */
  public static String primaryOf(String[] identities) {
    String best = identities[0];
    for (int i = 1; i < identities.length; i++) {
      if (compareKeys(identities[i], best) < 0) {
        best = identities[i];
      }
    }
    return best;
  }

  /**
   * Compares two {@code namespace:value} keys in priority order: namespace rank ({@link
   * Namespaces#compare}), then value.
   */
  public static int compareKeys(String a, String b) {
    int ia = a.indexOf(':');
    int ib = b.indexOf(':');
    int c = Namespaces.compare(a.substring(0, ia), b.substring(0, ib));
    if (c != 0) {
      return c;
    }
    return a.substring(ia + 1).compareTo(b.substring(ib + 1));
  }

  /**
   * The person id as a number: {@code p-} plus 16 hex characters is exactly 64 bits, so the person
   * stage can be keyed by a fixed-length key (Flink then sorts on normalized keys in BATCH mode).
   */
  public static long personKey(String personId) {
    return Long.parseUnsignedLong(personId, 2, personId.length(), 16);
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Event e)) {
      return false;
    }
    return eventTime == e.eventTime
        && channel == e.channel
        && eventType == e.eventType
        && Double.compare(value, e.value) == 0
        && Double.compare(sentiment, e.sentiment) == 0
        && java.util.Objects.equals(eventId, e.eventId)
        && Arrays.equals(identities, e.identities)
        && java.util.Objects.equals(sessionId, e.sessionId)
        && java.util.Objects.equals(sourceSystem, e.sourceSystem)
        && java.util.Objects.equals(orderId, e.orderId)
        && java.util.Objects.equals(productId, e.productId)
        && java.util.Objects.equals(currency, e.currency)
        && java.util.Objects.equals(campaign, e.campaign)
        && java.util.Objects.equals(topic, e.topic)
        && java.util.Objects.equals(outcome, e.outcome)
        && Arrays.equals(attributes, e.attributes)
        && java.util.Objects.equals(personId, e.personId)
        && java.util.Objects.equals(journeyId, e.journeyId);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(eventId, eventTime, personId);
  }

  @Override
  public String toString() {
    return eventId
        + "@"
        + eventTime
        + " "
        + channel()
        + "/"
        + eventType()
        + " "
        + Arrays.toString(identities)
        + (personId == null ? "" : " " + personId)
        + (journeyId == null ? "" : " " + journeyId);
  }
}
