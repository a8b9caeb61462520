package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.avro.EventRow;
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
  public static boolean isContact(EventRow e) {
    return "CONTACT_START".equals(e.getEventType()) && CONTACT_CHANNELS.contains(e.getChannel());
  }

  /** True when the event satisfies every field but {@link #distinctChannel()}. */
  public boolean test(EventRow e) {
    if (!eventTypes.isEmpty() && !eventTypes.contains(e.getEventType())) {
      return false;
    }
    if (!channels.isEmpty() && !channels.contains(e.getChannel())) {
      return false;
    }
    if (notChannels.contains(e.getChannel())) {
      return false;
    }
    if (!topics.isEmpty() && (e.getTopic() == null || !topics.contains(e.getTopic()))) {
      return false;
    }
    if (!outcomes.isEmpty() && (e.getOutcome() == null || !outcomes.contains(e.getOutcome()))) {
      return false;
    }
    if (sentimentMin != null || sentimentMax != null) {
      Double s = e.getSentiment();
      if (s == null
          || (sentimentMin != null && s < sentimentMin)
          || (sentimentMax != null && s > sentimentMax)) {
        return false;
      }
    }
    for (Map.Entry<String, String> a : attributes.entrySet()) {
      if (!a.getValue().equals(e.getAttributes().get(a.getKey()))) {
        return false;
      }
    }
    if (contact && !isContact(e)) {
      return false;
    }
    if (selfService && !"SELF_SERVICE".equals(e.getEventType())) {
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
