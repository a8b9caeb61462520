package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.event.Event;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one event must look like to fill a step. Every field that is set must hold (AND); {@code
 * anyOf} holds when at least one of its conditions does. Empty sets and nulls mean "any".
 *
 * @param eventTypes allowed event types
 * @param channels allowed channels
 * @param notChannels forbidden channels
 * @param topics allowed contact topics
 * @param outcomes allowed contact outcomes
 * @param sentimentMin smallest sentiment allowed, inclusive (the event must have a sentiment)
 * @param sentimentMax largest sentiment allowed, inclusive (the event must have a sentiment)
 * @param attributes attributes that must be present with these values
 * @param contact when true, the event must be a contact: CONTACT_START on CHAT, VOICE, EMAIL,
 *     SOCIAL or STORE
 * @param selfService when true, the event must be SELF_SERVICE
 * @param distinctChannel when true, the event's channel must differ from the channel of every event
 *     already matched by earlier steps (checked by the compiled pattern, not here)
 * @param anyOf alternatives, at least one of which must hold
 */
public record Condition(
    Set<String> eventTypes,
    Set<String> channels,
    Set<String> notChannels,
    Set<String> topics,
    Set<String> outcomes,
    Double sentimentMin,
    Double sentimentMax,
    Map<String, String> attributes,
    boolean contact,
    boolean selfService,
    boolean distinctChannel,
    List<Condition> anyOf)
    implements Serializable {

  /** Channels on which CONTACT_START is an assisted-service contact. */
  public static final Set<String> CONTACT_CHANNELS =
      Set.of("CHAT", "VOICE", "EMAIL", "SOCIAL", "STORE");

  private static final byte CONTACT_START = (byte) EventType.CONTACT_START.ordinal();
  private static final byte SELF_SERVICE = (byte) EventType.SELF_SERVICE.ordinal();

  public Condition {
    eventTypes = Set.copyOf(eventTypes);
    channels = Set.copyOf(channels);
    notChannels = Set.copyOf(notChannels);
    topics = Set.copyOf(topics);
    outcomes = Set.copyOf(outcomes);
    attributes = Map.copyOf(attributes);
    anyOf = List.copyOf(anyOf);
  }

  /** True for an assisted-service contact. */
  public static boolean isContact(Event e) {
    return e.eventType == CONTACT_START && CONTACT_CHANNELS.contains(e.channel());
  }

  /** True when the event satisfies every field but {@link #distinctChannel()}. */
  public boolean test(Event e) {
    if (!eventTypes.isEmpty() && !eventTypes.contains(e.eventType())) {
      return false;
    }
    if (!channels.isEmpty() && !channels.contains(e.channel())) {
      return false;
    }
    if (!notChannels.isEmpty() && notChannels.contains(e.channel())) {
      return false;
    }
    if (!topics.isEmpty() && (e.topic == null || !topics.contains(e.topic))) {
      return false;
    }
    if (!outcomes.isEmpty() && (e.outcome == null || !outcomes.contains(e.outcome))) {
      return false;
    }
    if (sentimentMin != null || sentimentMax != null) {
      double s = e.sentiment;
      if (Double.isNaN(s)
          || (sentimentMin != null && s < sentimentMin)
          || (sentimentMax != null && s > sentimentMax)) {
        return false;
      }
    }
    for (Map.Entry<String, String> a : attributes.entrySet()) {
      if (!a.getValue().equals(e.attribute(a.getKey()))) {
        return false;
      }
    }
    if (contact && !isContact(e)) {
      return false;
    }
    if (selfService && e.eventType != SELF_SERVICE) {
      return false;
    }
    if (!anyOf.isEmpty()) {
      for (Condition c : anyOf) {
        if (c.test(e)) {
          return true;
        }
      }
      return false;
    }
    return true;
  }
}
