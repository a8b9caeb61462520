package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.avro.AttributionRow;
import dev.omnichannel.monitor.event.Event;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.core.fs.Path;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.flink.formats.parquet.ParquetWriterFactory;
import org.apache.flink.streaming.api.functions.sink.filesystem.OutputFileConfig;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Parquet {@link FileSink}s for the output tables: Snappy-compressed, one folder per table, {@code
 * dt=} partitions by the row's main time, each table with its writer settings ({@link
 * ParquetWriters#forTable}). In BATCH execution the sink finalises its files at the end; in
 * STREAMING execution it commits them on checkpoints. Each is a {@link TableFileSink}: a failure to
 * write or publish names the table and the path.
 */
public final class ParquetSinks {
  /** The events table's folder. */
  public static final String EVENTS = "events";

  /** The attribution table's folder. */
  public static final String ATTRIBUTION = "attribution";

  private ParquetSinks() {}

  /**
   * A sink writing {@code type} rows under {@code base/table/dt=.../*.parquet}, field by field
   * ({@link SpecificRowWriteSupport}; the files are those {@code AvroParquetWriter} writes).
   *
   * @param mainTime the row's main time, which decides its partition (null: {@link
   *     DatePartitionAssigner#UNKNOWN})
   */
  public static <T extends SpecificRecordBase> TableFileSink<T> sink(
      String base, String table, Class<T> type, SerializableFunction<T, Instant> mainTime) {
    return sink(base, table, type, mainTime, "part");
  }

  /**
   * As {@link #sink(String, String, Class, SerializableFunction)}, naming files {@code prefix-*}.
   */
  public static <T extends SpecificRecordBase> TableFileSink<T> sink(
      String base,
      String table,
      Class<T> type,
      SerializableFunction<T, Instant> mainTime,
      String prefix) {
    return sink(
        base,
        table,
        ParquetWriters.specific(type, ParquetWriters.forTable(table)),
        new DatePartitionAssigner<>(mainTime),
        prefix);
  }

  /**
   * A sink writing the {@code events} table under {@code base/events/dt=.../prefix-*.parquet}
   * straight from {@link Event}s ({@link EventWriteSupport}), partitioned by event time. The files
   * are those {@link #sink} writes for the events' {@code EventRow}s.
   */
  public static TableFileSink<Event> events(String base, String prefix) {
    return sink(
        base,
        EVENTS,
        ParquetWriters.events(ParquetWriters.forTable(EVENTS)),
        DatePartitionAssigner.<Event>ofMillis(e -> e.eventTime),
        prefix);
  }

  /**
   * A sink writing the {@code attribution} table under {@code
   * base/attribution/dt=.../prefix-*.parquet} with {@link AttributionWriteSupport}, partitioned by
   * conversion time. The files are those {@link #sink} writes for the same rows.
   */
  public static TableFileSink<AttributionRow> attribution(String base, String prefix) {
    return sink(
        base,
        ATTRIBUTION,
        ParquetWriters.direct(AttributionWriteSupport::new, ParquetWriters.forTable(ATTRIBUTION)),
        DatePartitionAssigner.<AttributionRow>ofMillis(r -> r.getConversionTime().toEpochMilli()),
        prefix);
  }

  private static <T> TableFileSink<T> sink(
      String base,
      String table,
      ParquetBuilder<T> writer,
      DatePartitionAssigner<T> partitions,
      String prefix) {
    Path folder = new Path(base, table);
    return new TableFileSink<>(
        FileSink.forBulkFormat(folder, new ParquetWriterFactory<>(writer))
            .withBucketAssigner(partitions)
            .withOutputFileConfig(
                OutputFileConfig.builder()
                    .withPartPrefix(prefix)
                    .withPartSuffix(".parquet")
                    .build())
            .build(),
        table,
        folder);
  }
}
