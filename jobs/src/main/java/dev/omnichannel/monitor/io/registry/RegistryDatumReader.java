package dev.omnichannel.monitor.io.registry;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.io.DeadLetterReason;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient.RegistryUnavailableException;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient.UnknownSchemaException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * Turns a registry-framed Kafka value ({@link WireFormat}) into the Avro binary datum of the
 * current {@link ChannelEvent} schema, which the job's decoder reads as it reads any Kafka value.
 * Plain Java; one instance per reading thread.
 *
 * <p>The writer schema comes from the registry by the frame's id; the datum is read with Avro's
 * schema resolution (writer schema to the current reader schema: a field the writer lacks takes the
 * reader's default, a field the reader lacks is skipped, an unknown enum symbol takes the enum's
 * default) and written again under the current schema. A writer schema equal to the current one
 * (same parsing fingerprint) passes its datum through unchanged. The resolution of each id is
 * worked out once.
 *
 * <p>Outcomes: a datum; a dead-letter reason ({@code registry_bad_frame}, {@code
 * registry_unknown_schema_id} for an id the registry does not know, {@code
 * registry_incompatible_schema} for a schema that is not Avro or cannot be resolved to the current
 * one, {@code malformed_record} for bytes that do not decode under their writer schema); or, when
 * the registry cannot be asked now, a {@link RegistryUnavailableException}, so that the job fails
 * and restarts from its last checkpoint instead of dropping the record.
 */
public final class RegistryDatumReader {
  private static final Schema READER = ChannelEvent.getClassSchema();
  private static final long READER_FINGERPRINT = SchemaNormalization.parsingFingerprint64(READER);

  private final SchemaRegistryClient registry;
  private final Map<Integer, Resolution> resolutions = new HashMap<>();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
  private BinaryDecoder decoder;
  private BinaryEncoder encoder;

  /** A reader that fetches writer schemas from {@code registry}. */
  public RegistryDatumReader(SchemaRegistryClient registry) {
    this.registry = registry;
  }

  /** The datum of the current schema, or why there is none: exactly one of the two is set. */
  public record Outcome(byte[] datum, String reason) {
    static Outcome of(byte[] datum) {
      return new Outcome(datum, null);
    }

    static Outcome rejected(String reason) {
      return new Outcome(null, reason);
    }
  }

  /**
   * The current-schema datum of a framed value, or the dead-letter reason why it cannot be read.
   *
   * @throws RegistryUnavailableException when the registry cannot be asked for the writer schema
   */
  public Outcome read(byte[] value) throws RegistryUnavailableException {
    WireFormat.Frame frame;
    try {
      frame = WireFormat.parse(value);
    } catch (WireFormat.BadFrameException e) {
      return Outcome.rejected(DeadLetterReason.REGISTRY_BAD_FRAME.with(e.getMessage()));
    }
    Resolution resolution = resolution(frame.schemaId());
    if (resolution.reason != null) {
      return Outcome.rejected(resolution.reason);
    }
    if (resolution.reader == null) {
      return Outcome.of(Arrays.copyOfRange(value, frame.datumStart(), value.length));
    }
    return resolve(resolution, frame.schemaId(), value, frame.datumStart());
  }

  private Outcome resolve(Resolution r, int id, byte[] value, int start) {
    GenericRecord record;
    try {
      decoder = DecoderFactory.get().binaryDecoder(value, start, value.length - start, decoder);
      record = r.reader.read(null, decoder);
      if (!decoder.isEnd()) {
        return Outcome.rejected(
            DeadLetterReason.MALFORMED_RECORD.with(
                "bytes left after a complete record of schema id " + id));
      }
      if (r.writerOnly != null) {
        decoder = DecoderFactory.get().binaryDecoder(value, start, value.length - start, decoder);
        keepUnknownSymbols(r.writerOnly.read(null, decoder), record);
      }
    } catch (IOException | RuntimeException e) {
      return Outcome.rejected(
          DeadLetterReason.MALFORMED_RECORD.with(
              "undecodable Avro under schema id " + id + ": " + e.getClass().getSimpleName()));
    }
    bytes.reset();
    encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
    try {
      r.writer.write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      return Outcome.rejected(
          DeadLetterReason.REGISTRY_INCOMPATIBLE_SCHEMA.with(
              "schema id " + id + ": " + e.getClass().getSimpleName() + ": " + e.getMessage()));
    }
    return Outcome.of(bytes.toByteArray());
  }

  /** Puts the writer's channel and event_type symbols that the reader lacks into attributes. */
  @SuppressWarnings("unchecked")
  private static void keepUnknownSymbols(GenericRecord written, GenericRecord read) {
    for (String[] f : ENUM_FIELDS) {
      Object symbol = written.get(f[0]);
      if (symbol != null && !READER.getField(f[0]).schema().hasEnumSymbol(symbol.toString())) {
        Map<Object, Object> attributes = (Map<Object, Object>) read.get("attributes");
        attributes.keySet().removeIf(k -> k.toString().equals(f[1]));
        attributes.put(f[1], symbol.toString());
      }
    }
  }

  /** The enum fields whose unknown symbols are kept, and the attribute that keeps each. */
  private static final String[][] ENUM_FIELDS = {
    {"channel", "raw_channel"}, {"event_type", "raw_event_type"}
  };

  /** True when the writer's {@code field} is an enum with a symbol the reader's lacks. */
  private static boolean hasUnknownSymbols(Schema writer, String field) {
    Schema.Field w = writer.getField(field);
    if (w == null || w.schema().getType() != Schema.Type.ENUM) {
      return false;
    }
    Schema reader = READER.getField(field).schema();
    return w.schema().getEnumSymbols().stream().anyMatch(sym -> !reader.hasEnumSymbol(sym));
  }

  private Resolution resolution(int id) throws RegistryUnavailableException {
    Resolution known = resolutions.get(id);
    if (known != null) {
      return known;
    }
    Schema writer;
    try {
      writer = registry.schema(id);
    } catch (UnknownSchemaException e) {
      // not cached: the id may be registered later
      return new Resolution(
          (e.notFound()
                  ? DeadLetterReason.REGISTRY_UNKNOWN_SCHEMA_ID
                  : DeadLetterReason.REGISTRY_INCOMPATIBLE_SCHEMA)
              .with(e.getMessage()));
    }
    Resolution r = resolve(id, writer);
    resolutions.put(id, r);
    return r;
  }

  /** How the datum of a writer schema becomes a datum of the current schema. */
  static Resolution resolve(int id, Schema writer) {
    if (SchemaNormalization.parsingFingerprint64(writer) == READER_FINGERPRINT) {
      return new Resolution(null, null, null);
    }
    SchemaPairCompatibility c = SchemaCompatibility.checkReaderWriterCompatibility(READER, writer);
    if (c.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      String detail =
          c.getResult().getIncompatibilities().stream()
              .findFirst()
              .map(i -> i.getType() + " at " + i.getLocation() + ": " + i.getMessage())
              .orElse(c.getDescription());
      return new Resolution(
          DeadLetterReason.REGISTRY_INCOMPATIBLE_SCHEMA.with(
              "schema id " + id + ": " + clip(detail)));
    }
    boolean unknownSymbols = false;
    for (String[] f : ENUM_FIELDS) {
      unknownSymbols |= hasUnknownSymbols(writer, f[0]);
    }
    return new Resolution(
        new GenericDatumReader<>(writer, READER),
        new GenericDatumWriter<>(READER),
        unknownSymbols ? new GenericDatumReader<>(writer) : null);
  }

  /**
   * A resolution: a reason (never readable), no reader (same schema), or a resolving reader and a
   * writer of the current schema, plus a reader of the writer schema alone when its enums have
   * symbols the current schema lacks.
   */
  static final class Resolution {
    final String reason;
    final GenericDatumReader<GenericRecord> reader;
    final GenericDatumWriter<GenericRecord> writer;
    final GenericDatumReader<GenericRecord> writerOnly;

    Resolution(String reason) {
      this.reason = reason;
      this.reader = null;
      this.writer = null;
      this.writerOnly = null;
    }

    Resolution(
        GenericDatumReader<GenericRecord> reader,
        GenericDatumWriter<GenericRecord> writer,
        GenericDatumReader<GenericRecord> writerOnly) {
      this.reason = null;
      this.reader = reader;
      this.writer = writer;
      this.writerOnly = writerOnly;
    }
  }

  private static String clip(String s) {
    return s.length() <= 300 ? s : s.substring(0, 300) + "…";
  }
}
