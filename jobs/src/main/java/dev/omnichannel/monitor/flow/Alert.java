package dev.omnichannel.monitor.flow;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.patterns.PatternMatch;
import java.time.Instant;
import java.util.List;

/**
 * A real-time alert: a friction or journey match, with the person's recent channel context, as
 * published to the alerts topic (JSON, snake_case). {@code alert_id} is the idempotency key: the
 * same match always gets the same id (a hash of the pattern, the person and the evidence event
 * ids), so a consumer that sees an alert twice (at-least-once delivery, replays after a restart)
 * drops the repeat. It is also the Kafka record key.
 *
 * @param alertId {@code a-} plus 16 hex characters of SHA-256(pattern:person:evidence ids)
 * @param kind FRICTION or JOURNEY
 * @param type the friction type or journey pattern
 * @param severity LOW, MEDIUM or HIGH for friction; null for journeys
 * @param personId the stitched person
 * @param journeyId the journey of the last evidence event
 * @param detectedAt the time of the last evidence event (ISO-8601, UTC)
 * @param evidenceEventIds the matched events, in order
 * @param channels the channels of the evidence, in order
 * @param recentChannels the person's most recent channels when the alert was raised (oldest first,
 *     consecutive repeats collapsed, at most {@link #CONTEXT} entries)
 */
@JsonPropertyOrder({
  "alert_id",
  "kind",
  "type",
  "severity",
  "person_id",
  "journey_id",
  "detected_at",
  "evidence_event_ids",
  "channels",
  "recent_channels"
})
public record Alert(
    String alertId,
    String kind,
    String type,
    String severity,
    String personId,
    String journeyId,
    String detectedAt,
    List<String> evidenceEventIds,
    List<String> channels,
    List<String> recentChannels) {
  /** The most recent channels kept as context. */
  public static final int CONTEXT = 5;

  private static final ObjectMapper JSON =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);

  /** The alert of a confirmed match. */
  public static Alert of(PatternMatch m, List<String> recentChannels) {
    List<String> evidence = List.of(m.eventIds);
    return new Alert(
        idOf(m.pattern, m.personId, evidence),
        m.kind,
        m.pattern,
        m.severity,
        m.personId,
        m.journeyId,
        Instant.ofEpochMilli(m.lastEventTime).toString(),
        evidence,
        List.of(m.channels),
        List.copyOf(recentChannels));
  }

  /** The idempotency key of a match. */
  public static String idOf(String pattern, String personId, List<String> evidenceEventIds) {
    return "a-"
        + PersonIds.sha256Hex16(
            pattern + ":" + personId + ":" + String.join(",", evidenceEventIds));
  }

  /** The alert as one line of JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write alert " + alertId, e);
    }
  }

  /** Reads an alert back from its JSON. */
  public static Alert fromJson(String json) {
    try {
      return JSON.readValue(json, Alert.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not an alert: " + json, e);
    }
  }
}
