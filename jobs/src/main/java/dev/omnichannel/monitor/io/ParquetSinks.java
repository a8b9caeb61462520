package dev.omnichannel.monitor.io;

import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.util.function.SerializableFunction;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Parquet {@link FileSink}s for the output tables: Snappy-compressed, one folder per table, {@code
 * dt=} partitions by the row's main time. In BATCH execution the sink finalises its files at the
 * end; in STREAMING execution it commits them on checkpoints.
 */
public final class ParquetSinks {
  private ParquetSinks() {}

  /**
   * A sink writing {@code type} rows under {@code base/table/dt=.../*.parquet}.
   *
   * @param mainTime the row's main time, which decides its partition (null: {@link
   *     DatePartitionAssigner#UNKNOWN})
   */
  public static <T extends SpecificRecordBase> FileSink<T> sink(
      String base, String table, Class<T> type, SerializableFunction<T, Instant> mainTime) {
    return sink(base, table, type, mainTime, "part");
  }

  /**
   * As {@link #sink(String, String, Class, SerializableFunction)}, naming files {@code prefix-*}.
   */
  public static <T extends SpecificRecordBase> FileSink<T> sink(
      String base,
      String table,
      Class<T> type,
      SerializableFunction<T, Instant> mainTime,
      String prefix) {
    return FileSink.forBulkFormat(
            new Path(base, table), new ParquetWriterFactory<>(new SpecificBuilder<>(type)))
        .withBucketAssigner(new DatePartitionAssigner<>(mainTime))
        .withOutputFileConfig(
            OutputFileConfig.builder().withPartPrefix(prefix).withPartSuffix(".parquet").build())
        .build();
  }

  /**
   * Hadoop settings for the Parquet writers, read once per JVM. Without it every new part file
   * builds a fresh {@code Configuration} and parses Hadoop's default XML resources again: in stream
   * mode, where each checkpoint rolls a file per table, partition and subtask, that parsing was
   * about 5% of the job's CPU time. Each writer gets its own copy, so no writer sees another's
   * changes.
   */
  private static final class HadoopSettings {
    private static final Configuration LOADED = load();

    private static Configuration load() {
      Configuration conf = new Configuration();
      conf.size(); // parses the default resources now, once
      return conf;
    }

    static Configuration copy() {
      return new Configuration(LOADED);
    }
  }

  /** Creates an Avro-specific Parquet writer with Snappy compression. */
  static final class SpecificBuilder<T extends SpecificRecordBase> implements ParquetBuilder<T> {
    private final Class<T> type;

    SpecificBuilder(Class<T> type) {
      this.type = type;
    }

    @Override
    public org.apache.parquet.hadoop.ParquetWriter<T> createWriter(
        org.apache.parquet.io.OutputFile out) throws java.io.IOException {
      SpecificData model = SpecificData.getForClass(type);
      Schema schema = model.getSchema(type);
      return AvroParquetWriter.<T>builder(out)
          .withSchema(schema)
          .withDataModel(model)
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .withConf(HadoopSettings.copy())
          .build();
    }
  }
}
