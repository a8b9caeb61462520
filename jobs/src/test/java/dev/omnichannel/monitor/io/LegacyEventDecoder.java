package dev.omnichannel.monitor.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.identity.BlockedValues;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A frozen copy of the tree-based JSON decoder that {@link EventDecoder} replaced, kept as the
 * oracle of the decoder tests (reasons, event ids and times, accepted events) and as the "before"
 * of the decode benchmark. Do not change it: it pins today's behaviour.
 *
 * <p>Decodes and validates one JSON record into a pseudonymised {@link ChannelEvent}, or says
 * exactly why it cannot be accepted. Plain Java, no Flink; one instance per task (not thread-safe).
 *
 * <p>Rules (DESIGN.md "Input"): event_id, event_time and at least one usable identity are required;
 * event_time is epoch millis or an ISO-8601 instant inside the plausible range; unknown channel or
 * event_type values become OTHER with the original kept in attributes; placeholder identity values
 * are dropped; email and phone values are replaced by their HMAC, and so are email- and phone-like
 * substrings of attribute values.
 */
final class LegacyEventDecoder {
  /** The old result: an accepted ChannelEvent or a rejection. */
  record DecodeResult(ChannelEvent event, String reason, String eventId, Long eventTime) {
    static DecodeResult accepted(ChannelEvent event) {
      return new DecodeResult(event, null, event.getEventId(), event.getEventTime().toEpochMilli());
    }

    static DecodeResult rejected(String reason, String eventId, Long eventTime) {
      return new DecodeResult(null, reason, eventId, eventTime);
    }

    boolean isAccepted() {
      return event != null;
    }
  }

  static final int MAX_ID_LENGTH = 256;
  static final int MAX_STRING_LENGTH = 4096;
  static final int MAX_IDENTITY_LENGTH = 512;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  private static final String[] OPTIONAL_STRINGS = {
    "session_id",
    "source_system",
    "order_id",
    "product_id",
    "currency",
    "campaign",
    "topic",
    "outcome"
  };

  private final ValidationRules rules;
  private final BlockedValues blocked;
  private final Pseudonymiser pseudonymiser;
  private final PayloadRedactor redactor;
  private final long plausibleFrom;
  private final long plausibleTo;

  LegacyEventDecoder(ValidationRules rules, Pseudonymiser pseudonymiser) {
    this.rules = rules;
    this.blocked = rules.blockedValues();
    this.pseudonymiser = pseudonymiser;
    this.redactor = new PayloadRedactor(pseudonymiser);
    this.plausibleFrom = rules.plausibleFrom().toEpochMilli();
    this.plausibleTo = rules.plausibleTo().toEpochMilli();
  }

  /** Decodes a raw record; a read error from the file reader is passed through as the reason. */
  DecodeResult decode(RawRecord raw) {
    if (raw.readError != null) {
      return DecodeResult.rejected(raw.readError, null, null);
    }
    return decode(raw.payloadText());
  }

  /** Decodes one JSON text. */
  DecodeResult decode(String payload) {
    JsonNode root;
    try {
      root = JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      return DecodeResult.rejected(
          DeadLetterReason.MALFORMED_RECORD.with(firstLine(e.getOriginalMessage())), null, null);
    }
    if (root == null || !root.isObject()) {
      return DecodeResult.rejected(
          DeadLetterReason.MALFORMED_RECORD.with("not a JSON object"), null, null);
    }
    return decode(root);
  }

  /** The record's event time when it parses and is plausible, else null (for dead letters). */
  private Long readableTime(JsonNode root) {
    JsonNode timeNode = root.get("event_time");
    if (timeNode == null || timeNode.isNull()) {
      return null;
    }
    Long millis = parseTime(timeNode);
    return millis == null || millis < plausibleFrom || millis >= plausibleTo ? null : millis;
  }

  private DecodeResult decode(JsonNode root) {
    // event_id (a record rejected for it still keeps its readable time, for its dt= partition)
    JsonNode idNode = root.get("event_id");
    if (idNode == null || idNode.isNull()) {
      return DecodeResult.rejected(
          DeadLetterReason.MISSING_FIELD.with("event_id"), null, readableTime(root));
    }
    if (!idNode.isTextual() && !idNode.isIntegralNumber()) {
      return DecodeResult.rejected(
          DeadLetterReason.INVALID_FIELD.with("event_id is not a string"),
          null,
          readableTime(root));
    }
    String eventId = idNode.asText();
    if (eventId.isBlank()) {
      return DecodeResult.rejected(
          DeadLetterReason.MISSING_FIELD.with("event_id (empty)"), null, readableTime(root));
    }
    if (eventId.length() > MAX_ID_LENGTH) {
      return DecodeResult.rejected(
          DeadLetterReason.INVALID_FIELD.with(
              "event_id longer than " + MAX_ID_LENGTH + " chars (" + eventId.length() + ")"),
          null,
          readableTime(root));
    }

    // event_time
    JsonNode timeNode = root.get("event_time");
    if (timeNode == null || timeNode.isNull()) {
      return DecodeResult.rejected(
          DeadLetterReason.MISSING_FIELD.with("event_time"), eventId, null);
    }
    Long millis = parseTime(timeNode);
    if (millis == null) {
      return DecodeResult.rejected(
          DeadLetterReason.INVALID_FIELD.with("event_time " + clip(timeNode.toString())),
          eventId,
          null);
    }
    if (millis < plausibleFrom || millis >= plausibleTo) {
      return DecodeResult.rejected(
          DeadLetterReason.IMPLAUSIBLE_EVENT_TIME.with(
              Instant.ofEpochMilli(millis)
                  + " is outside ["
                  + rules.plausibleFrom()
                  + ", "
                  + rules.plausibleTo()
                  + ")"),
          eventId,
          null);
    }

    // identities
    JsonNode idsNode = root.get("identities");
    if (idsNode == null || idsNode.isNull()) {
      return DecodeResult.rejected(
          DeadLetterReason.MISSING_FIELD.with("identities"), eventId, millis);
    }
    if (!idsNode.isArray()) {
      return DecodeResult.rejected(
          DeadLetterReason.INVALID_FIELD.with("identities is not an array"), eventId, millis);
    }
    List<Identity> identities = usableIdentities(idsNode);
    if (identities.isEmpty()) {
      return DecodeResult.rejected(
          DeadLetterReason.NO_USABLE_IDENTITY.with(
              idsNode.size() + " identities, none usable (empty or placeholder values)"),
          eventId,
          millis);
    }

    Map<String, String> attributes = new HashMap<>();
    JsonNode attrs = root.get("attributes");
    if (attrs != null && !attrs.isNull()) {
      if (!attrs.isObject()) {
        return DecodeResult.rejected(
            DeadLetterReason.INVALID_FIELD.with("attributes is not an object"), eventId, millis);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        JsonNode v = e.getValue();
        String text = v.isTextual() ? v.asText() : v.toString();
        if (text.length() > MAX_STRING_LENGTH) {
          return DecodeResult.rejected(
              DeadLetterReason.INVALID_FIELD.with(
                  "attributes." + e.getKey() + " longer than " + MAX_STRING_LENGTH + " chars"),
              eventId,
              millis);
        }
        attributes.put(e.getKey(), redactor.scrub(text));
      }
    }

    Channel channel =
        parseEnum(root.get("channel"), Channel.class, Channel.OTHER, attributes, "raw_channel");
    EventType eventType =
        parseEnum(
            root.get("event_type"), EventType.class, EventType.OTHER, attributes, "raw_event_type");

    ChannelEvent.Builder b =
        ChannelEvent.newBuilder()
            .setEventId(eventId)
            .setEventTime(Instant.ofEpochMilli(millis))
            .setChannel(channel)
            .setEventType(eventType)
            .setIdentities(identities)
            .setAttributes(attributes);

    String[] strings = new String[OPTIONAL_STRINGS.length];
    for (int i = 0; i < OPTIONAL_STRINGS.length; i++) {
      JsonNode n = root.get(OPTIONAL_STRINGS[i]);
      if (n != null && !n.isNull()) {
        String text = n.isTextual() ? n.asText() : n.toString();
        if (text.length() > MAX_STRING_LENGTH) {
          return DecodeResult.rejected(
              DeadLetterReason.INVALID_FIELD.with(
                  OPTIONAL_STRINGS[i] + " longer than " + MAX_STRING_LENGTH + " chars"),
              eventId,
              millis);
        }
        strings[i] = text;
      }
    }
    b.setSessionId(strings[0])
        .setSourceSystem(strings[1])
        .setOrderId(strings[2])
        .setProductId(strings[3])
        .setCurrency(strings[4])
        .setCampaign(strings[5])
        .setTopic(strings[6])
        .setOutcome(strings[7] == null ? null : strings[7].trim().toUpperCase(Locale.ROOT));

    JsonNode valueNode = root.get("value");
    Double value = null;
    if (valueNode != null && !valueNode.isNull()) {
      value = parseDouble(valueNode);
      if (value == null) {
        return DecodeResult.rejected(
            DeadLetterReason.INVALID_FIELD.with("value " + clip(valueNode.toString())),
            eventId,
            millis);
      }
      if (!Double.isFinite(value) || Math.abs(value) > rules.maxAbsValue()) {
        return DecodeResult.rejected(
            DeadLetterReason.INVALID_VALUE.with(
                "value " + value + " is not a finite number within ±" + rules.maxAbsValue()),
            eventId,
            millis);
      }
    }
    b.setValue(value);

    JsonNode sentimentNode = root.get("sentiment");
    Double sentiment = null;
    if (sentimentNode != null && !sentimentNode.isNull()) {
      sentiment = parseDouble(sentimentNode);
      if (sentiment == null) {
        return DecodeResult.rejected(
            DeadLetterReason.INVALID_FIELD.with("sentiment " + clip(sentimentNode.toString())),
            eventId,
            millis);
      }
      if (!(sentiment >= -1.0 && sentiment <= 1.0)) {
        return DecodeResult.rejected(
            DeadLetterReason.INVALID_VALUE.with("sentiment " + sentiment + " is outside [-1, 1]"),
            eventId,
            millis);
      }
    }
    b.setSentiment(sentiment);
    return DecodeResult.accepted(b.build());
  }

  private List<Identity> usableIdentities(JsonNode idsNode) {
    Set<String> seen = new LinkedHashSet<>();
    List<Identity> out = new ArrayList<>(idsNode.size());
    for (JsonNode n : idsNode) {
      if (!n.isObject()) {
        continue;
      }
      JsonNode ns = n.get("namespace");
      JsonNode v = n.get("value");
      if (ns == null || v == null || !ns.isTextual() || !(v.isTextual() || v.isIntegralNumber())) {
        continue;
      }
      String namespace = ns.asText().trim().toLowerCase(Locale.ROOT);
      String raw = v.asText();
      if (namespace.isEmpty()
          || namespace.indexOf(':') >= 0
          || raw.length() > MAX_IDENTITY_LENGTH
          || blocked.isBlocked(raw)) {
        continue;
      }
      String value = pseudonymiser.apply(namespace, raw.trim());
      if (value.isEmpty()) {
        continue;
      }
      if (seen.add(namespace + ":" + value)) {
        out.add(new Identity(namespace, value));
      }
    }
    return out;
  }

  private static Long parseTime(JsonNode n) {
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      return n.asLong();
    }
    if (n.isTextual()) {
      String s = n.asText().trim();
      try {
        return Instant.parse(s).toEpochMilli();
      } catch (DateTimeParseException | ArithmeticException e) {
        try {
          return Long.parseLong(s);
        } catch (NumberFormatException e2) {
          return null;
        }
      }
    }
    return null;
  }

  private static Double parseDouble(JsonNode n) {
    if (n.isNumber()) {
      return n.asDouble();
    }
    if (n.isTextual()) {
      try {
        return Double.parseDouble(n.asText().trim());
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return null;
  }

  private static <E extends Enum<E>> E parseEnum(
      JsonNode n, Class<E> type, E other, Map<String, String> attributes, String rawKey) {
    if (n == null || n.isNull()) {
      return other;
    }
    String text = n.isTextual() ? n.asText() : n.toString();
    String key = text.trim().toUpperCase(Locale.ROOT);
    try {
      return Enum.valueOf(type, key);
    } catch (IllegalArgumentException e) {
      attributes.put(rawKey, clip(text));
      return other;
    }
  }

  private static String clip(String s) {
    return s.length() <= 200 ? s : s.substring(0, 200) + "…";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unparseable JSON";
    }
    int i = s.indexOf('\n');
    return clip(i < 0 ? s : s.substring(0, i));
  }
}
