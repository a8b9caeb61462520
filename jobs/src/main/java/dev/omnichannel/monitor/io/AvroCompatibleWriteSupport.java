package dev.omnichannel.monitor.io;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.conf.HadoopParquetConfiguration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;

/**
 * A write support of our own whose files readers cannot tell from those {@code AvroParquetWriter}
 * writes for the table's Avro record: the Parquet schema is {@link AvroSchemaConverter}'s
 * conversion of the Avro schema under the writer's configuration (as {@code AvroWriteSupport}
 * derives it), and the footer carries the same {@code parquet.avro.schema} (so {@code
 * AvroParquetReader} reads the Avro records back) and {@code writer.model.name} ({@code avro}).
 * Subclasses write each row's fields through the {@link RecordConsumer} as {@code AvroWriteSupport}
 * does: strings as UTF-8, a null optional field as an absent one.
 */
abstract class AvroCompatibleWriteSupport<T> extends WriteSupport<T> {
  /** The footer key of the Avro schema ({@code AvroReadSupport.AVRO_SCHEMA_METADATA_KEY}). */
  static final String AVRO_SCHEMA_KEY = "parquet.avro.schema";

  private final Schema avroSchema;

  /** The consumer of the file being written. */
  protected RecordConsumer out;

  protected AvroCompatibleWriteSupport(Schema avroSchema) {
    this.avroSchema = avroSchema;
  }

  /** The table's Avro schema. */
  protected final Schema avroSchema() {
    return avroSchema;
  }

  @Override
  public final String getName() {
    return "avro"; // as AvroWriteSupport: readers pick the Avro read support by it
  }

  @Override
  public final WriteContext init(Configuration configuration) {
    return init(new HadoopParquetConfiguration(configuration));
  }

  @Override
  public final WriteContext init(ParquetConfiguration configuration) {
    MessageType schema = new AvroSchemaConverter(configuration).convert(avroSchema);
    prepare(schema);
    return new WriteContext(schema, Map.of(AVRO_SCHEMA_KEY, avroSchema.toString()));
  }

  /** Looks up what {@link #write} needs in the file's Parquet schema. */
  protected abstract void prepare(MessageType schema);

  @Override
  public final void prepareForWrite(RecordConsumer recordConsumer) {
    this.out = recordConsumer;
  }

  /**
   * A string's UTF-8 bytes as a {@link Binary} over a byte array: the same bytes as {@code
   * Binary.fromString} (what {@code AvroWriteSupport} writes), whose buffer-backed binaries are
   * slower to hash and compare in dictionaries and statistics.
   */
  static Binary utf8(String s) {
    return Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
  }

  /** A required string field. */
  protected final void string(String name, int index, String s) {
    if (s == null) {
      throw new NullPointerException(
          avroSchema.getName() + ": null value for required field " + name);
    }
    binary(name, index, utf8(s));
  }

  /** An optional string field: absent when null. */
  protected final void optional(String name, int index, String s) {
    if (s != null) {
      binary(name, index, utf8(s));
    }
  }

  protected final void binary(String name, int index, Binary b) {
    out.startField(name, index);
    out.addBinary(b);
    out.endField(name, index);
  }

  protected final void int64(String name, int index, long v) {
    out.startField(name, index);
    out.addLong(v);
    out.endField(name, index);
  }

  protected final void float64(String name, int index, double v) {
    out.startField(name, index);
    out.addDouble(v);
    out.endField(name, index);
  }
}
