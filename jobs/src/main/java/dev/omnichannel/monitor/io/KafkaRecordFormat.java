package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.io.registry.RegistryConfig;
import dev.omnichannel.monitor.io.registry.RegistryDatumReader;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient.RegistryUnavailableException;
import dev.omnichannel.monitor.mapping.Mapping;
import dev.omnichannel.monitor.mapping.RowMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Reads Kafka records whose values are Avro binary {@link ChannelEvent}s into {@link RawRecord}s,
 * for the {@code KafkaSource}. One record in, exactly one out; nothing here throws on bad input.
 *
 * <p>A value is one Avro binary datum of {@link ChannelEvent#getClassSchema()}: no container file,
 * no schema registry. Avro's single-object encoding ({@code C3 01}, the schema's CRC-64-AVRO
 * fingerprint, then the datum, as {@code ChannelEvent.toByteBuffer()} writes it) is accepted too;
 * the two cannot be confused, because a bare datum never starts with {@code C3 01}.
 *
 * <p>Out: {@code source = "kafka:<topic>/<partition>/<offset>"}, {@code sourceTimestamp} = the
 * record timestamp, {@code eventTime} = the datum's event_time (for watermarks), and {@code avro} =
 * the datum itself (without a single-object header), which {@link EventDecoder} reads directly,
 * validating it like every other encoding; a rejected record's dead letter shows it as JSON text
 * ({@link RawRecord#payloadText()}), as the Avro file reader's records are shown. A value that is
 * not exactly one such datum (a tombstone, bytes that do not decode, bytes left over after a
 * complete record, which is what a record of another schema often gives, or an unknown
 * single-object fingerprint) gets {@code readError = "malformed_record: ..."}; a value over {@link
 * RawRecord#MAX_RECORD_BYTES} gets {@code record_too_large: N bytes}. Their payload is {@code
 * "base64:"} + the Base64 of the raw bytes, cut to {@link RawRecord#MAX_PAYLOAD} chars, with email-
 * and phone-like ASCII runs masked by {@code '*'} ({@link PayloadRedactor#maskRawBytes}).
 *
 * <p>With a schema registry ({@link #KafkaRecordFormat(String)}), every value must be in the
 * registry wire format; {@link RegistryDatumReader} turns it into a datum of the current schema
 * (older and newer compatible versions included), which is then checked as above. A value that is
 * not framed, names an unknown schema id or an incompatible schema becomes a dead letter ({@code
 * registry_bad_frame}, {@code registry_unknown_schema_id}, {@code registry_incompatible_schema});
 * when the registry cannot be reached (refused, {@link #REGISTRY_TIMEOUT}, an error status), {@link
 * #read} throws {@link UncheckedIOException}: the source fails, and the job restarts from its last
 * checkpoint and reads the record again, so no record is lost to a registry outage.
 */
public final class KafkaRecordFormat implements KafkaRecordDeserializationSchema<RawRecord> {
  private static final long serialVersionUID = 1L;

  /** Prefix of a payload that holds raw bytes as Base64. */
  public static final String BASE64_PREFIX = "base64:";

  private static final Schema SCHEMA = ChannelEvent.getClassSchema();
  private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(SCHEMA);
  private static final int SINGLE_OBJECT_HEADER = 10;

  /** Raw bytes that fit in a Base64 payload of at most MAX_PAYLOAD chars. */
  private static final int MAX_PAYLOAD_BYTES =
      (RawRecord.MAX_PAYLOAD - BASE64_PREFIX.length()) / 4 * 3;

  private static final ThreadLocal<Writer> WRITER = ThreadLocal.withInitial(Writer::new);

  /** How long one request to the schema registry may take. */
  public static final Duration REGISTRY_TIMEOUT = RegistryConfig.TIMEOUT;

  private final RegistryConfig schemaRegistry;

  /** Topics whose values are text rows of a legacy export, with their mappings. */
  private final Map<String, Mapping> textTopics;

  private transient Map<Mapping, RowMapper> rows;
  private transient java.nio.charset.CharsetDecoder utf8;
  private transient AvroBinaryCheck check;
  private transient int datumStart;
  private transient RegistryDatumReader registry;

  /** Reads plain Avro values. */
  public KafkaRecordFormat() {
    this((RegistryConfig) null);
  }

  /**
   * Reads values framed for the schema registry at {@code schemaRegistry} (the base URL of its
   * Confluent-compatible API), or plain Avro values when it is null.
   */
  public KafkaRecordFormat(String schemaRegistry) {
    this(schemaRegistry == null ? null : RegistryConfig.of(schemaRegistry));
  }

  /**
   * Reads values framed for the schema registry of {@code schemaRegistry} (its URL, credentials and
   * trust store), or plain Avro values when it is null.
   */
  public KafkaRecordFormat(RegistryConfig schemaRegistry) {
    this(schemaRegistry, Map.of());
  }

  /**
   * Reads as {@link #KafkaRecordFormat(RegistryConfig)}, except the values of the topics of {@code
   * textTopics}: each is one row of a legacy export (UTF-8 text: a CSV, TSV or fixed-width line, or
   * a JSON object), read with the topic's mapping ({@code stream --mapping TOPIC=FILE}).
   */
  public KafkaRecordFormat(RegistryConfig schemaRegistry, Map<String, Mapping> textTopics) {
    this.schemaRegistry = schemaRegistry;
    this.textTopics = new TreeMap<>(textTopics);
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
    out.collect(
        read(
            record.topic(),
            record.partition(),
            record.offset(),
            record.timestamp() < 0 ? null : record.timestamp(),
            record.value()));
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }

  /**
   * The {@link RawRecord} of one Kafka record value ({@code null} for a tombstone).
   *
   * @throws UncheckedIOException with a {@link RegistryUnavailableException} when the schema
   *     registry cannot be asked now
   */
  public RawRecord read(String topic, int partition, long offset, Long timestamp, byte[] value) {
    String source = source(topic, partition, offset);
    if (value == null) {
      return new RawRecord(
          source, "", DeadLetterReason.MALFORMED_RECORD.with("null value (tombstone)"), timestamp);
    }
    if (value.length > RawRecord.MAX_RECORD_BYTES) {
      return new RawRecord(
          source,
          base64(value),
          DeadLetterReason.RECORD_TOO_LARGE.with(value.length + " bytes"),
          timestamp);
    }
    Mapping mapping = textTopics.isEmpty() ? null : textTopics.get(topic);
    if (mapping != null) {
      return row(source, timestamp, value, mapping);
    }
    byte[] framed = value;
    if (schemaRegistry != null) {
      RegistryDatumReader.Outcome outcome;
      try {
        outcome = registry().read(value);
      } catch (RegistryUnavailableException e) {
        throw new UncheckedIOException(
            "cannot read " + source + ": " + e.getMessage() + " (the job restarts and retries)", e);
      }
      if (outcome.reason() != null) {
        return new RawRecord(source, base64(value), clip(outcome.reason()), timestamp);
      }
      value = outcome.datum();
    }
    String problem;
    try {
      problem = decode(value);
    } catch (IOException | RuntimeException e) {
      problem = "undecodable Avro: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
    if (problem != null) {
      return new RawRecord(
          source, base64(framed), DeadLetterReason.MALFORMED_RECORD.with(clip(problem)), timestamp);
    }
    byte[] datum = datumStart == 0 ? value : Arrays.copyOfRange(value, datumStart, value.length);
    RawRecord raw = RawRecord.avro(source, datum, timestamp);
    raw.eventTime = eventTime(datum);
    return raw;
  }

  /**
   * A value of a mapped topic: its text, which the decoder maps ({@code DecodeFunction}), and the
   * event time its mapping gives, for watermarks. A value that is not UTF-8, or that holds more
   * than one line of a line-based format, is a dead letter.
   */
  private RawRecord row(String source, Long timestamp, byte[] value, Mapping mapping) {
    if (utf8 == null) {
      utf8 =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT);
    }
    String text;
    try {
      // decode(ByteBuffer) resets the decoder first: one decoder serves every record
      text = utf8.decode(ByteBuffer.wrap(value)).toString();
    } catch (CharacterCodingException e) {
      return new RawRecord(
          source,
          base64(value),
          DeadLetterReason.MALFORMED_RECORD.with("not UTF-8 text (a row of a mapped topic)"),
          timestamp);
    }
    // one record is one row: a line end after it is not part of it
    if (text.endsWith("\n")) {
      text = text.substring(0, text.length() - 1);
    }
    if (text.endsWith("\r")) {
      text = text.substring(0, text.length() - 1);
    }
    if (!mapping.format().equals("json") && text.indexOf('\n') >= 0) {
      long lines = text.chars().filter(c -> c == '\n').count() + 1;
      return new RawRecord(
          source,
          text,
          DeadLetterReason.MAPPING.with(
              "record has " + lines + " lines, expected one row of " + mapping.format()),
          timestamp);
    }
    RawRecord raw = new RawRecord(source, text, null, timestamp);
    if (rows == null) {
      rows = new IdentityHashMap<>();
    }
    raw.eventTime = rows.computeIfAbsent(mapping, RowMapper::new).map(text).eventTime();
    return raw;
  }

  private RegistryDatumReader registry() {
    if (registry == null) {
      registry = new RegistryDatumReader(schemaRegistry.client());
    }
    return registry;
  }

  /**
   * Checks that {@code value} is one datum (after an optional single-object header, whose length
   * goes to {@link #datumStart}); returns why it is not, or null.
   */
  private String decode(byte[] value) throws IOException {
    if (check == null) {
      check = new AvroBinaryCheck(true);
    }
    datumStart = 0;
    int start = 0;
    if (value.length >= 2 && (value[0] & 0xFF) == 0xC3 && value[1] == 0x01) {
      if (value.length < SINGLE_OBJECT_HEADER) {
        return "truncated single-object header";
      }
      long fingerprint = 0;
      for (int i = 9; i >= 2; i--) {
        fingerprint = (fingerprint << 8) | (value[i] & 0xFF);
      }
      if (fingerprint != FINGERPRINT) {
        return String.format(
            "single-object encoding of another schema (fingerprint %016x)", fingerprint);
      }
      start = SINGLE_OBJECT_HEADER;
      datumStart = start;
    }
    if (value.length == start) {
      return "empty value";
    }
    String problem = check.check(SCHEMA, value, start, value.length);
    return problem == null ? null : "not an Avro ChannelEvent: " + problem;
  }

  /**
   * The event_time of a checked datum: the long after the event_id string, the first two fields of
   * the schema (EventDecoder checks that order when it loads).
   */
  static long eventTime(byte[] datum) {
    int[] at = {0};
    long idLength = varLong(datum, at);
    at[0] += (int) idLength;
    return varLong(datum, at);
  }

  private static long varLong(byte[] b, int[] at) {
    long raw = 0;
    for (int shift = 0; ; shift += 7) {
      int x = b[at[0]++] & 0xFF;
      raw |= (long) (x & 0x7F) << shift;
      if ((x & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
  }

  /** {@code kafka:<topic>/<partition>/<offset>}, the source of a record in dead letters. */
  public static String source(String topic, int partition, long offset) {
    return "kafka:" + topic + "/" + partition + "/" + offset;
  }

  /**
   * {@code "base64:"} + Base64 of the bytes, with email- and phone-like ASCII runs masked, cut to
   * whole Base64 groups that fit in {@link RawRecord#MAX_PAYLOAD} chars.
   */
  static String base64(byte[] value) {
    int n = Math.min(value.length, MAX_PAYLOAD_BYTES);
    byte[] masked = PayloadRedactor.maskRawBytes(value, n);
    return BASE64_PREFIX
        + Base64.getEncoder().encodeToString(n == masked.length ? masked : slice(masked, n));
  }

  /** The bytes of a {@code base64:} payload; throws IllegalArgumentException for other text. */
  public static byte[] payloadBytes(String payload) {
    if (payload == null || !payload.startsWith(BASE64_PREFIX)) {
      throw new IllegalArgumentException("not a base64: payload: " + clip(String.valueOf(payload)));
    }
    return Base64.getDecoder().decode(payload.substring(BASE64_PREFIX.length()));
  }

  /** The Avro binary datum of {@code event}, as producers of the input topic write it. */
  public static byte[] encode(ChannelEvent event) {
    return WRITER.get().write(event);
  }

  private static byte[] slice(byte[] b, int n) {
    byte[] out = new byte[n];
    System.arraycopy(b, 0, out, 0, n);
    return out;
  }

  private static String clip(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }

  /** A reusable Avro binary writer of ChannelEvents. */
  private static final class Writer {
    private final SpecificDatumWriter<ChannelEvent> writer =
        new SpecificDatumWriter<>(ChannelEvent.class);
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    private BinaryEncoder encoder;

    byte[] write(ChannelEvent event) {
      bytes.reset();
      encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
      try {
        writer.write(event, encoder);
        encoder.flush();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }
  }
}
