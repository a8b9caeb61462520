package dev.omnichannel.monitor.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.identity.BlockedValues;
import dev.omnichannel.monitor.identity.IdentityRules;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;

/**
 * Decodes and validates one record, a JSON text or the Avro binary datum of a {@link ChannelEvent},
 * straight into a pseudonymised {@link Event}, or says exactly why it cannot be accepted. Plain
 * Java, no Flink; one instance per task (not thread-safe: it reuses its scratch space from record
 * to record).
 *
 * <p>Rules (DESIGN.md "Input"): event_id, event_time and at least one usable identity are required;
 * event_time is epoch millis or an ISO-8601 instant inside the plausible range; unknown channel or
 * event_type values become OTHER with the original kept in attributes; placeholder identity values
 * are dropped; email and phone values are replaced by their HMAC, and so are email- and phone-like
 * substrings of attribute values.
 *
 * <p>JSON is read in one pass with Jackson's streaming parser into per-field scratch slots, then
 * validated in a fixed order, so that a record with several problems reports the first of:
 * event_id, event_time, identities, attributes, optional strings, value, sentiment. What the slots
 * hold is what a {@code readTree} of the text would hold: the last of duplicate keys wins, integral
 * numbers are {@code int}, {@code long} or {@code BigInteger}, other numbers {@code double}, and a
 * value that is not a string is read as its JSON text where text is wanted (attribute values,
 * optional strings, enums, reasons). Containers in unexpected places, which no valid record has,
 * are read as trees. An Avro datum is read field by field in the schema's order into the same
 * slots.
 */
public final class EventDecoder {
  static final int MAX_ID_LENGTH = 256;
  static final int MAX_STRING_LENGTH = 4096;
  static final int MAX_IDENTITY_LENGTH = IdentityRules.MAX_IDENTITY_LENGTH;

  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  static final String[] OPTIONAL_STRINGS = {
    "session_id",
    "source_system",
    "order_id",
    "product_id",
    "currency",
    "campaign",
    "topic",
    "outcome"
  };

  private static final int OUTCOME = 7;
  private static final String[] NO_STRINGS = new String[0];
  private static final String[] CHANNELS = names(Channel.values()).toArray(new String[0]);
  private static final String[] EVENT_TYPES = names(EventType.values()).toArray(new String[0]);

  static {
    checkSchema(ChannelEvent.getClassSchema());
  }

  // kinds of a JSON value
  private static final byte ABSENT = 0;
  private static final byte NULL = 1;
  private static final byte STRING = 2;
  private static final byte INT = 3;
  private static final byte FLOAT = 4;
  private static final byte TRUE = 5;
  private static final byte FALSE = 6;
  private static final byte CONTAINER = 7;

  private final ValidationRules rules;
  private final BlockedValues blocked;
  private final Map<String, Set<String>> blockedByNamespace;
  private final int longestBlocked;
  private final Pseudonymiser pseudonymiser;
  private final PayloadRedactor redactor;
  private final long plausibleFrom;
  private final long plausibleTo;

  // ---- scratch: the JSON fields as read
  private final Slot eventIdSlot = new Slot();
  private final Slot eventTimeSlot = new Slot();
  private final Slot channelSlot = new Slot();
  private final Slot eventTypeSlot = new Slot();
  private final Slot valueSlot = new Slot();
  private final Slot sentimentSlot = new Slot();
  private final Slot[] stringSlots = new Slot[OPTIONAL_STRINGS.length];
  private final Slot scratch = new Slot();

  // ---- scratch: the record as typed values, and the problems found while typing them
  private String eventId;
  private String idProblem;
  private long millis;
  private String timeProblem;
  private String idsProblem;
  private boolean identitiesSeen;
  private int idsCount;
  private final Pairs identityCandidates = new Pairs(false);
  private String attrsProblem;
  private final Pairs attributes = new Pairs(true);
  private int channel;
  private String rawChannel;
  private int eventType;
  private String rawEventType;
  private final String[] strings = new String[OPTIONAL_STRINGS.length];
  private boolean hasValue;
  private double value;
  private String valueProblem;
  private boolean hasSentiment;
  private double sentiment;
  private String sentimentProblem;
  private double scratchDouble;

  /** The JSON text has \\u escapes, the only way to a string that is not Unicode text. */
  private boolean escapes;

  private String[] usable = new String[4];
  private Set<String> seen;

  // ---- Avro reading position
  private byte[] buf;
  private int pos;
  private int end;

  public EventDecoder(ValidationRules rules, Pseudonymiser pseudonymiser) {
    this.rules = rules;
    this.blocked = rules.blockedValues();
    this.blockedByNamespace = rules.blockedByNamespace();
    int longest = 0;
    for (String v : BlockedValues.BUILT_IN) {
      longest = Math.max(longest, v.length());
    }
    for (String v : rules.extraBlockedValues()) {
      longest = Math.max(longest, v.trim().toLowerCase(Locale.ROOT).length());
    }
    this.longestBlocked = longest;
    this.pseudonymiser = pseudonymiser;
    this.redactor = new PayloadRedactor(pseudonymiser);
    this.plausibleFrom = rules.plausibleFrom().toEpochMilli();
    this.plausibleTo = rules.plausibleTo().toEpochMilli();
    for (int i = 0; i < stringSlots.length; i++) {
      stringSlots[i] = new Slot();
    }
  }

  /**
   * Decodes a raw record: its Avro datum when it has one, else its text; a read error from the
   * reader is passed through as the reason.
   */
  public DecodeResult decode(RawRecord raw) {
    if (raw.readError != null) {
      return DecodeResult.rejected(raw.readError, null, null);
    }
    if (raw.avro != null) {
      return decodeAvro(raw.avro, 0, raw.avro.length);
    }
    return decode(raw.payload == null ? "" : raw.payload);
  }

  // =============================================================================================
  // JSON
  // =============================================================================================

  /** Decodes one JSON text. */
  public DecodeResult decode(String payload) {
    reset();
    escapes = payload.indexOf("\\u") >= 0;
    try (JsonParser p = JSON.createParser(payload)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return notAnObject(payload);
      }
      String name;
      while ((name = p.nextFieldName()) != null) {
        JsonToken t = p.nextToken();
        switch (name) {
          case "event_id" -> eventIdSlot.read(p, t);
          case "event_time" -> eventTimeSlot.read(p, t);
          case "identities" -> readIdentities(p, t);
          case "attributes" -> readAttributes(p, t);
          case "channel" -> channelSlot.read(p, t);
          case "event_type" -> eventTypeSlot.read(p, t);
          case "session_id" -> stringSlots[0].read(p, t);
          case "source_system" -> stringSlots[1].read(p, t);
          case "order_id" -> stringSlots[2].read(p, t);
          case "product_id" -> stringSlots[3].read(p, t);
          case "currency" -> stringSlots[4].read(p, t);
          case "campaign" -> stringSlots[5].read(p, t);
          case "topic" -> stringSlots[6].read(p, t);
          case "outcome" -> stringSlots[7].read(p, t);
          case "value" -> valueSlot.read(p, t);
          case "sentiment" -> sentimentSlot.read(p, t);
          default -> materialise(p, t);
        }
      }
    } catch (JsonProcessingException e) {
      return malformed(e);
    } catch (IOException e) { // not from a String source
      return DecodeResult.rejected(
          DeadLetterReason.MALFORMED_RECORD.with(firstLine(e.getMessage())), null, null);
    }
    typeJsonFields();
    return validate();
  }

  /** A text that is not a JSON object: malformed, with the tree parser's message if it has one. */
  private static DecodeResult notAnObject(String payload) {
    try {
      JSON.readTree(payload);
    } catch (JsonProcessingException e) {
      return malformed(e);
    }
    return DecodeResult.rejected(
        DeadLetterReason.MALFORMED_RECORD.with("not a JSON object"), null, null);
  }

  private static DecodeResult malformed(JsonProcessingException e) {
    return DecodeResult.rejected(
        DeadLetterReason.MALFORMED_RECORD.with(firstLine(e.getOriginalMessage())), null, null);
  }

  private void readIdentities(JsonParser p, JsonToken t) throws IOException {
    identityCandidates.clear();
    identitiesSeen = true;
    idsCount = 0;
    idsProblem = null;
    if (t == JsonToken.VALUE_NULL) {
      idsProblem = DeadLetterReason.MISSING_FIELD.with("identities");
      return;
    }
    if (t != JsonToken.START_ARRAY) {
      idsProblem = DeadLetterReason.INVALID_FIELD.with("identities is not an array");
      materialise(p, t);
      return;
    }
    JsonToken e;
    while ((e = p.nextToken()) != JsonToken.END_ARRAY) {
      idsCount++;
      if (e == JsonToken.START_OBJECT) {
        readIdentity(p);
      } else {
        materialise(p, e);
      }
    }
  }

  /** One identity object: kept as a candidate when namespace is text and value text or integral. */
  private void readIdentity(JsonParser p) throws IOException {
    String namespace = null;
    String value = null;
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken t = p.nextToken();
      if (name.equals("namespace")) {
        namespace = t == JsonToken.VALUE_STRING ? p.getText() : null;
        if (namespace == null) {
          materialise(p, t);
        }
      } else if (name.equals("value")) {
        if (t == JsonToken.VALUE_STRING) {
          value = p.getText();
        } else if (t == JsonToken.VALUE_NUMBER_INT) {
          scratch.read(p, t);
          value = scratch.asText();
        } else {
          value = null;
          materialise(p, t);
        }
      } else {
        materialise(p, t);
      }
    }
    if (namespace != null && value != null) {
      identityCandidates.add(namespace, value);
    }
  }

  private void readAttributes(JsonParser p, JsonToken t) throws IOException {
    attributes.clear();
    attrsProblem = null;
    if (t == JsonToken.VALUE_NULL) {
      return;
    }
    if (t != JsonToken.START_OBJECT) {
      attrsProblem = DeadLetterReason.INVALID_FIELD.with("attributes is not an object");
      materialise(p, t);
      return;
    }
    String name;
    while ((name = p.nextFieldName()) != null) {
      JsonToken v = p.nextToken();
      if (v == JsonToken.VALUE_STRING) {
        attributes.put(name, p.getText());
      } else {
        scratch.read(p, v);
        attributes.put(name, scratch.text());
      }
    }
  }

  /**
   * Reads a value nobody needs as a tree would: containers are read as trees, strings and numbers
   * parsed, so that the same texts fail with the same messages as a {@code readTree} of the text.
   */
  private static void materialise(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT, START_ARRAY -> JSON.readTree(p);
      case VALUE_STRING -> p.getText();
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> p.getNumberValue();
      default -> {}
    }
  }

  /** Turns the JSON slots into the typed record, noting (not yet reporting) each problem. */
  private void typeJsonFields() {
    Slot id = eventIdSlot;
    if (id.isMissing()) {
      idProblem = DeadLetterReason.MISSING_FIELD.with("event_id");
    } else if (id.kind != STRING && id.kind != INT) {
      idProblem = DeadLetterReason.INVALID_FIELD.with("event_id is not a string");
    } else {
      eventId = id.asText();
    }

    Slot time = eventTimeSlot;
    if (time.isMissing()) {
      timeProblem = DeadLetterReason.MISSING_FIELD.with("event_time");
    } else if (!parseTime(time)) {
      timeProblem = DeadLetterReason.INVALID_FIELD.with("event_time " + clip(time.json()));
    }

    // identities: idsProblem is set by readIdentities when present
    if (idsProblem == null && !identitiesSeen) {
      idsProblem = DeadLetterReason.MISSING_FIELD.with("identities");
    }

    if (!channelSlot.isMissing()) {
      String text = channelSlot.text();
      int ordinal = lookup(CHANNELS, text);
      if (ordinal < 0) {
        rawChannel = clip(text);
      } else {
        channel = ordinal;
      }
    }
    if (!eventTypeSlot.isMissing()) {
      String text = eventTypeSlot.text();
      int ordinal = lookup(EVENT_TYPES, text);
      if (ordinal < 0) {
        rawEventType = clip(text);
      } else {
        eventType = ordinal;
      }
    }

    for (int i = 0; i < strings.length; i++) {
      Slot s = stringSlots[i];
      strings[i] = s.isMissing() ? null : s.text();
    }

    if (!valueSlot.isMissing()) {
      if (parseDouble(valueSlot)) {
        hasValue = true;
        value = scratchDouble;
      } else {
        valueProblem = DeadLetterReason.INVALID_FIELD.with("value " + clip(valueSlot.json()));
      }
    }
    if (!sentimentSlot.isMissing()) {
      if (parseDouble(sentimentSlot)) {
        hasSentiment = true;
        sentiment = scratchDouble;
      } else {
        sentimentProblem =
            DeadLetterReason.INVALID_FIELD.with("sentiment " + clip(sentimentSlot.json()));
      }
    }
  }

  /** Epoch millis of an event_time value into {@link #millis}; false when it is not one. */
  private boolean parseTime(Slot n) {
    if (n.kind == INT && n.big == null) {
      millis = n.longValue;
      return true;
    }
    if (n.kind == STRING) {
      String s = n.text.trim();
      if (isInteger(s)) {
        try {
          millis = Long.parseLong(s);
          return true;
        } catch (NumberFormatException e) {
          return false;
        }
      }
      long fast = IsoInstants.parseMillis(s);
      if (fast != IsoInstants.NOT_SIMPLE) {
        millis = fast;
        return true;
      }
      try {
        millis = Instant.parse(s).toEpochMilli();
        return true;
      } catch (DateTimeParseException | ArithmeticException e) {
        try {
          millis = Long.parseLong(s);
          return true;
        } catch (NumberFormatException e2) {
          return false;
        }
      }
    }
    return false;
  }

  /** An optional sign and digits only: never an ISO instant, so only Long.parseLong can read it. */
  private static boolean isInteger(String s) {
    int n = s.length();
    int i = n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
    if (i == n) {
      return false;
    }
    for (; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** A number or numeric text into {@link #scratchDouble}; false when it is neither. */
  private boolean parseDouble(Slot n) {
    switch (n.kind) {
      case INT -> {
        scratchDouble = n.big != null ? n.big.doubleValue() : (double) n.longValue;
        return true;
      }
      case FLOAT -> {
        scratchDouble = n.doubleValue;
        return true;
      }
      case STRING -> {
        try {
          scratchDouble = Double.parseDouble(n.text.trim());
          return true;
        } catch (NumberFormatException e) {
          return false;
        }
      }
      default -> {
        return false;
      }
    }
  }

  /**
   * The ordinal of the enum constant that {@code Enum.valueOf(text.trim().toUpperCase())} finds.
   */
  private static int lookup(String[] names, String text) {
    int ordinal = indexOf(names, text);
    return ordinal >= 0 ? ordinal : indexOf(names, text.trim().toUpperCase(Locale.ROOT));
  }

  private static int indexOf(String[] names, String text) {
    int n = text.length();
    for (int i = 0; i < names.length; i++) {
      if (names[i].length() == n && names[i].equals(text)) {
        return i;
      }
    }
    return -1;
  }

  // =============================================================================================
  // Avro
  // =============================================================================================

  /** Decodes the Avro binary datum of a {@link ChannelEvent}. */
  public DecodeResult decodeAvro(byte[] datum) {
    return decodeAvro(datum, 0, datum.length);
  }

  /** Decodes the Avro binary datum of a {@link ChannelEvent} in {@code bytes[from, to)}. */
  public DecodeResult decodeAvro(byte[] bytes, int from, int to) {
    reset();
    buf = bytes;
    pos = from;
    end = to;
    try {
      readAvro();
    } catch (BadAvro | RuntimeException e) {
      return DecodeResult.rejected(
          DeadLetterReason.MALFORMED_RECORD.with("undecodable Avro: " + e.getMessage()),
          null,
          null);
    } finally {
      buf = null;
    }
    return validate();
  }

  /** Reads the fields in the order of the schema (checked by {@link #checkSchema}). */
  private void readAvro() throws BadAvro {
    eventId = string();
    millis = varLong();
    channel = index(CHANNELS.length, "channel");
    eventType = index(EVENT_TYPES.length, "event_type");
    identitiesSeen = true;
    for (long n = blockCount(); n != 0; n = blockCount()) {
      for (long i = 0; i < n; i++) {
        String namespace = string();
        String value = string();
        identityCandidates.add(namespace, value);
        idsCount++;
      }
    }
    for (int i = 0; i < strings.length; i++) {
      strings[i] = index(2, OPTIONAL_STRINGS[i]) == 0 ? null : string();
    }
    if (index(2, "value") == 1) {
      hasValue = true;
      value = readDouble();
    }
    if (index(2, "sentiment") == 1) {
      hasSentiment = true;
      sentiment = readDouble();
    }
    for (long n = blockCount(); n != 0; n = blockCount()) {
      for (long i = 0; i < n; i++) {
        String key = string();
        attributes.put(key, string());
      }
    }
    if (pos != end) {
      throw new BadAvro((end - pos) + " bytes left after a complete record");
    }
  }

  private String string() throws BadAvro {
    long n = varLong();
    if (n < 0 || n > end - pos) {
      throw new BadAvro("string length " + n + " with " + (end - pos) + " bytes left");
    }
    String s = new String(buf, pos, (int) n, StandardCharsets.UTF_8);
    pos += (int) n;
    return s;
  }

  private int index(int size, String field) throws BadAvro {
    long i = varLong();
    if (i < 0 || i >= size) {
      throw new BadAvro(field + " index " + i + " out of range");
    }
    return (int) i;
  }

  /** The item count of the next array or map block (0 at the end), with the block size skipped. */
  private long blockCount() throws BadAvro {
    long n = varLong();
    if (n < 0) {
      varLong();
      n = -n;
    }
    if (n < 0 || n > end - pos) {
      throw new BadAvro("block of " + n + " items in " + (end - pos) + " bytes");
    }
    return n;
  }

  private double readDouble() throws BadAvro {
    if (end - pos < 8) {
      throw new BadAvro("unexpected end of record");
    }
    long bits = 0;
    for (int i = 7; i >= 0; i--) {
      bits = (bits << 8) | (buf[pos + i] & 0xFFL);
    }
    pos += 8;
    return Double.longBitsToDouble(bits);
  }

  private long varLong() throws BadAvro {
    long raw = 0;
    for (int shift = 0; shift < 70; shift += 7) {
      if (pos >= end) {
        throw new BadAvro("unexpected end of record");
      }
      int b = buf[pos++] & 0xFF;
      raw |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new BadAvro("varint longer than 10 bytes");
  }

  /** Fails at class initialisation if the schema is not the one {@link #readAvro} reads. */
  static void checkSchema(Schema s) {
    List<Schema.Field> f = s.getFields();
    String problem = null;
    String[] names = new String[f.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = f.get(i).name();
    }
    String[] expected = new String[4 + 1 + OPTIONAL_STRINGS.length + 3];
    expected[0] = "event_id";
    expected[1] = "event_time";
    expected[2] = "channel";
    expected[3] = "event_type";
    expected[4] = "identities";
    System.arraycopy(OPTIONAL_STRINGS, 0, expected, 5, OPTIONAL_STRINGS.length);
    expected[13] = "value";
    expected[14] = "sentiment";
    expected[15] = "attributes";
    if (!Arrays.equals(names, expected)) {
      problem = "fields " + Arrays.toString(names);
    } else if (f.get(0).schema().getType() != Schema.Type.STRING
        || f.get(1).schema().getType() != Schema.Type.LONG
        || !f.get(2).schema().getEnumSymbols().equals(names(Channel.values()))
        || !f.get(3).schema().getEnumSymbols().equals(names(EventType.values()))
        || f.get(4).schema().getElementType().getFields().size() != 2
        || f.get(15).schema().getValueType().getType() != Schema.Type.STRING) {
      problem = "field types";
    } else {
      for (int i = 5; i <= 14; i++) {
        List<Schema> u = f.get(i).schema().getTypes();
        Schema.Type t = i < 13 ? Schema.Type.STRING : Schema.Type.DOUBLE;
        if (u.size() != 2 || u.get(0).getType() != Schema.Type.NULL || u.get(1).getType() != t) {
          problem = f.get(i).name() + " is not [null, " + t + "]";
        }
      }
    }
    if (problem != null) {
      throw new IllegalStateException(
          "EventDecoder reads another ChannelEvent schema than the generated one: " + problem);
    }
  }

  private static List<String> names(Enum<?>[] values) {
    return Arrays.stream(values).map(Enum::name).toList();
  }

  private static final class BadAvro extends Exception {
    BadAvro(String message) {
      super(message, null, false, false);
    }
  }

  // =============================================================================================
  // Validation, shared by both encodings
  // =============================================================================================

  private void reset() {
    eventIdSlot.reset();
    eventTimeSlot.reset();
    channelSlot.reset();
    eventTypeSlot.reset();
    valueSlot.reset();
    sentimentSlot.reset();
    for (Slot s : stringSlots) {
      s.reset();
    }
    eventId = null;
    idProblem = null;
    millis = 0;
    timeProblem = null;
    idsProblem = null;
    identitiesSeen = false;
    idsCount = 0;
    identityCandidates.clear();
    attrsProblem = null;
    attributes.clear();
    channel = Channel.OTHER.ordinal();
    rawChannel = null;
    eventType = EventType.OTHER.ordinal();
    rawEventType = null;
    Arrays.fill(strings, null);
    hasValue = false;
    valueProblem = null;
    hasSentiment = false;
    sentimentProblem = null;
    escapes = false;
  }

  /** The event time for a dead letter: when it parses and is plausible, else null. */
  private Long readableTime() {
    return timeProblem == null && millis >= plausibleFrom && millis < plausibleTo ? millis : null;
  }

  /** Checks the typed record in today's order and builds the event. */
  private DecodeResult validate() {
    if (idProblem != null) {
      return DecodeResult.rejected(idProblem, null, readableTime());
    }
    if (eventId.isBlank()) {
      return DecodeResult.rejected(
          DeadLetterReason.MISSING_FIELD.with("event_id (empty)"), null, readableTime());
    }
    if (eventId.length() > MAX_ID_LENGTH) {
      return DecodeResult.rejected(
          DeadLetterReason.INVALID_FIELD.with(
              "event_id longer than " + MAX_ID_LENGTH + " chars (" + eventId.length() + ")"),
          null,
          readableTime());
    }

    if (timeProblem != null) {
      return DecodeResult.rejected(timeProblem, eventId, null);
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
    Long time = millis;

    if (idsProblem != null) {
      return DecodeResult.rejected(idsProblem, eventId, time);
    }
    String[] identities = usableIdentities();
    if (identities.length == 0) {
      return DecodeResult.rejected(
          DeadLetterReason.NO_USABLE_IDENTITY.with(
              idsCount + " identities, none usable (empty or placeholder values)"),
          eventId,
          time);
    }

    if (attrsProblem != null) {
      return DecodeResult.rejected(attrsProblem, eventId, time);
    }
    for (int i = 0; i < attributes.n; i++) {
      String text = attributes.values[i];
      if (text.length() > MAX_STRING_LENGTH) {
        return DecodeResult.rejected(
            DeadLetterReason.INVALID_FIELD.with(
                "attributes."
                    + attributes.keys[i]
                    + " longer than "
                    + MAX_STRING_LENGTH
                    + " chars"),
            eventId,
            time);
      }
      attributes.values[i] = redactor.scrub(text);
    }
    if (rawChannel != null) {
      attributes.put("raw_channel", rawChannel);
    }
    if (rawEventType != null) {
      attributes.put("raw_event_type", rawEventType);
    }

    for (int i = 0; i < strings.length; i++) {
      if (strings[i] != null && strings[i].length() > MAX_STRING_LENGTH) {
        return DecodeResult.rejected(
            DeadLetterReason.INVALID_FIELD.with(
                OPTIONAL_STRINGS[i] + " longer than " + MAX_STRING_LENGTH + " chars"),
            eventId,
            time);
      }
    }

    if (valueProblem != null) {
      return DecodeResult.rejected(valueProblem, eventId, time);
    }
    if (hasValue && (!Double.isFinite(value) || Math.abs(value) > rules.maxAbsValue())) {
      return DecodeResult.rejected(
          DeadLetterReason.INVALID_VALUE.with(
              "value " + value + " is not a finite number within ±" + rules.maxAbsValue()),
          eventId,
          time);
    }
    if (sentimentProblem != null) {
      return DecodeResult.rejected(sentimentProblem, eventId, time);
    }
    if (hasSentiment && !(sentiment >= -1.0 && sentiment <= 1.0)) {
      return DecodeResult.rejected(
          DeadLetterReason.INVALID_VALUE.with("sentiment " + sentiment + " is outside [-1, 1]"),
          eventId,
          time);
    }

    if (escapes) {
      String field = unpairedSurrogate();
      if (field != null) {
        return DecodeResult.rejected(
            DeadLetterReason.MALFORMED_RECORD.with(
                field + " has an unpaired surrogate escape (\\ud800-\\udfff): not Unicode text"),
            null,
            time);
      }
    }

    Event e = new Event();
    e.eventId = eventId;
    e.eventTime = millis;
    e.channel = (byte) channel;
    e.eventType = (byte) eventType;
    e.identities = identities;
    e.sessionId = strings[0];
    e.sourceSystem = strings[1];
    e.orderId = strings[2];
    e.productId = strings[3];
    e.currency = strings[4];
    e.campaign = strings[5];
    e.topic = strings[6];
    e.outcome = strings[OUTCOME] == null ? null : strings[OUTCOME].trim().toUpperCase(Locale.ROOT);
    e.value = hasValue ? value : Double.NaN;
    e.sentiment = hasSentiment ? sentiment : Double.NaN;
    e.attributes = attributes.sorted();
    return DecodeResult.accepted(e);
  }

  /**
   * The first field of a record that is valid otherwise holding a string that is not Unicode text
   * (a high surrogate without its low one, or a lone low surrogate, from a JSON escape), or null.
   * Such a string cannot be written as UTF-8: every sink would turn it into '?', so two different
   * ids or identities would become one.
   */
  private String unpairedSurrogate() {
    if (eventId != null && isUnpaired(eventId)) {
      return "event_id";
    }
    for (int i = 0; i < identityCandidates.n; i++) {
      if (isUnpaired(identityCandidates.keys[i]) || isUnpaired(identityCandidates.values[i])) {
        return "identities";
      }
    }
    for (int i = 0; i < strings.length; i++) {
      if (strings[i] != null && isUnpaired(strings[i])) {
        return OPTIONAL_STRINGS[i];
      }
    }
    if (rawChannel != null && isUnpaired(rawChannel)) {
      return "channel";
    }
    if (rawEventType != null && isUnpaired(rawEventType)) {
      return "event_type";
    }
    for (int i = 0; i < attributes.n; i++) {
      if (isUnpaired(attributes.keys[i]) || isUnpaired(attributes.values[i])) {
        return "attributes";
      }
    }
    return null;
  }

  private static boolean isUnpaired(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i++;
        } else {
          return true;
        }
      }
    }
    return false;
  }

  /** The usable identities as distinct {@code namespace:value} keys, in input order. */
  private String[] usableIdentities() {
    int n = identityCandidates.n;
    if (usable.length < n) {
      usable = new String[Math.max(n, usable.length * 2)];
    }
    if (n > 16) {
      seen = new HashSet<>();
    }
    int k = 0;
    for (int i = 0; i < n; i++) {
      String namespace = identityCandidates.keys[i].trim().toLowerCase(Locale.ROOT);
      String raw = identityCandidates.values[i];
      if (namespace.isEmpty()
          || namespace.indexOf(':') >= 0
          || raw.length() > MAX_IDENTITY_LENGTH
          || isBlocked(raw)) {
        continue;
      }
      String value = pseudonymiser.apply(namespace, raw.trim());
      if (value.isEmpty()) {
        continue;
      }
      if (!blockedByNamespace.isEmpty()) {
        Set<String> own = blockedByNamespace.get(namespace);
        if (own != null && own.contains(IdentityRules.matchForm(namespace, raw, value))) {
          continue;
        }
      }
      String key = namespace + ":" + value;
      if (n > 16 ? seen.add(key) : !contains(usable, k, key)) {
        usable[k++] = key;
      }
    }
    seen = null;
    String[] out = Arrays.copyOf(usable, k);
    Arrays.fill(usable, 0, k, null);
    return out;
  }

  /**
   * {@link BlockedValues#isBlocked}, without its trimmed lower-case copy for a value longer than
   * every blocked value: lower-casing never shortens a string and never yields '0', '-', '.' or ' '
   * from another character, so such a value is blocked only when it is made of those characters.
   */
  private boolean isBlocked(String raw) {
    int from = 0;
    int to = raw.length();
    while (from < to && raw.charAt(from) <= ' ') {
      from++;
    }
    while (to > from && raw.charAt(to - 1) <= ' ') {
      to--;
    }
    if (to - from <= longestBlocked) {
      return blocked.isBlocked(raw);
    }
    for (int i = from; i < to; i++) {
      char c = raw.charAt(i);
      if (c != '0' && c != '-' && c != '.' && c != ' ') {
        return false;
      }
    }
    return true;
  }

  private static boolean contains(String[] a, int n, String s) {
    for (int i = 0; i < n; i++) {
      if (a[i].equals(s)) {
        return true;
      }
    }
    return false;
  }

  // =============================================================================================
  // Helpers
  // =============================================================================================

  /** At most 200 chars and "…"; never cuts a surrogate pair in two. */
  private static String clip(String s) {
    if (s.length() <= 200) {
      return s;
    }
    int end = Character.isHighSurrogate(s.charAt(199)) ? 199 : 200;
    return s.substring(0, end) + "…";
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "unparseable JSON";
    }
    int i = s.indexOf('\n');
    return clip(i < 0 ? s : s.substring(0, i));
  }

  /**
   * One JSON value as a tree would hold it, without building the tree: its kind, and its text,
   * integral value, double or (containers only) tree.
   */
  private static final class Slot {
    byte kind;
    String text;
    long longValue;
    boolean fitsInt;
    BigInteger big;
    double doubleValue;
    JsonNode node;

    void reset() {
      kind = ABSENT;
      text = null;
      big = null;
      node = null;
    }

    /** Reads the value at token {@code t}, which the parser has just returned. */
    void read(JsonParser p, JsonToken t) throws IOException {
      text = null;
      big = null;
      node = null;
      switch (t) {
        case VALUE_STRING -> {
          kind = STRING;
          text = p.getText();
        }
        case VALUE_NUMBER_INT -> {
          kind = INT;
          switch (p.getNumberType()) {
            case INT -> {
              fitsInt = true;
              longValue = p.getIntValue();
            }
            case LONG -> {
              fitsInt = false;
              longValue = p.getLongValue();
            }
            default -> big = p.getBigIntegerValue();
          }
        }
        case VALUE_NUMBER_FLOAT -> {
          kind = FLOAT;
          doubleValue = p.getDoubleValue();
        }
        case VALUE_TRUE -> kind = TRUE;
        case VALUE_FALSE -> kind = FALSE;
        case VALUE_NULL -> kind = NULL;
        default -> {
          kind = CONTAINER;
          node = JSON.readTree(p);
        }
      }
    }

    /** Absent, or JSON null (a tree's {@code n == null || n.isNull()}). */
    boolean isMissing() {
      return kind == ABSENT || kind == NULL;
    }

    /** {@code asText()} of a textual or integral value. */
    String asText() {
      if (kind == STRING) {
        return text;
      }
      return big != null ? big.toString() : Long.toString(longValue);
    }

    /** The value where text is wanted: a string itself, anything else its JSON text. */
    String text() {
      return switch (kind) {
        case STRING -> text;
        case INT -> asText();
        case TRUE -> "true";
        case FALSE -> "false";
        case NULL -> "null";
        default -> json();
      };
    }

    /** The value's JSON text, as a tree node's {@code toString()} writes it. */
    String json() {
      return tree().toString();
    }

    JsonNode tree() {
      return switch (kind) {
        case STRING -> TextNode.valueOf(text);
        case INT ->
            big != null
                ? BigIntegerNode.valueOf(big)
                : fitsInt ? IntNode.valueOf((int) longValue) : LongNode.valueOf(longValue);
        case FLOAT -> DoubleNode.valueOf(doubleValue);
        case TRUE -> BooleanNode.TRUE;
        case FALSE -> BooleanNode.FALSE;
        case CONTAINER -> node;
        default -> NullNode.getInstance();
      };
    }
  }

  /**
   * Key-value pairs in first-insertion order; with {@code unique}, putting a key again replaces its
   * value in place (a JSON object's last duplicate wins, at the first one's position).
   */
  private static final class Pairs {
    private static final int INDEX_FROM = 16;
    private final boolean unique;
    String[] keys = new String[4];
    String[] values = new String[4];
    int n;
    private Map<String, Integer> index;

    Pairs(boolean unique) {
      this.unique = unique;
    }

    void clear() {
      if (n > 0) {
        Arrays.fill(keys, 0, n, null);
        Arrays.fill(values, 0, n, null);
        n = 0;
        index = null;
      }
    }

    void add(String key, String value) {
      if (n == keys.length) {
        keys = Arrays.copyOf(keys, n * 2);
        values = Arrays.copyOf(values, n * 2);
      }
      keys[n] = key;
      values[n] = value;
      n++;
    }

    void put(String key, String value) {
      int i = find(key);
      if (i >= 0) {
        values[i] = value;
        return;
      }
      add(key, value);
      if (index != null) {
        index.put(key, n - 1);
      } else if (n > INDEX_FROM) {
        index = new HashMap<>();
        for (int j = 0; j < n; j++) {
          index.put(keys[j], j);
        }
      }
    }

    private int find(String key) {
      if (index != null) {
        Integer i = index.get(key);
        return i == null ? -1 : i;
      }
      for (int i = 0; i < n; i++) {
        if (keys[i].equals(key)) {
          return i;
        }
      }
      return -1;
    }

    /** key, value, key, value, ... sorted by key. */
    String[] sorted() {
      if (n == 0) {
        return NO_STRINGS;
      }
      String[] out = new String[n * 2];
      Integer[] order = new Integer[n];
      for (int i = 0; i < n; i++) {
        order[i] = i;
      }
      if (n > 1) {
        Arrays.sort(order, (a, b) -> keys[a].compareTo(keys[b]));
      }
      for (int i = 0; i < n; i++) {
        out[2 * i] = keys[order[i]];
        out[2 * i + 1] = values[order[i]];
      }
      return out;
    }
  }
}
