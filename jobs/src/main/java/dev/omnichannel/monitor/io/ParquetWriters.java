package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.event.Event;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;

/** The Parquet writers of the output tables and the settings each table is written with. */
public final class ParquetWriters {
  private ParquetWriters() {}

  /**
   * How a table's files are written: Snappy, row-group and page sizes, and the columns written
   * without a dictionary (dot paths, such as {@code identities.array.value}). Every other column
   * tries dictionary encoding, and falls back to plain on its own when the dictionary does not pay.
   */
  public record Settings(
      long rowGroupSize, int pageSize, int dictionaryPageSize, List<String> plainColumns)
      implements Serializable {
    public Settings {
      plainColumns = List.copyOf(plainColumns);
    }

    /** These settings with {@code columns} written without a dictionary. */
    public Settings withPlain(List<String> columns) {
      return new Settings(rowGroupSize, pageSize, dictionaryPageSize, columns);
    }

    /**
     * Applies the settings, Snappy (on heap arrays: {@link HeapSnappyCodecFactory}) and the JVM's
     * Hadoop configuration to {@code builder}.
     */
    public <T, B extends ParquetWriter.Builder<T, B>> B applyTo(B builder) {
      builder
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .withCodecFactory(HeapSnappyCodecFactory.INSTANCE)
          .withRowGroupSize(rowGroupSize)
          .withPageSize(pageSize)
          .withDictionaryPageSize(dictionaryPageSize)
          .withConf(HadoopSettings.copy());
      for (String c : plainColumns) {
        builder.withDictionaryEncoding(c, false);
      }
      return builder;
    }
  }

  /** Parquet's own defaults, with Snappy: how every table was written before. */
  public static final Settings PARQUET_DEFAULTS =
      new Settings(
          ParquetWriter.DEFAULT_BLOCK_SIZE,
          ParquetProperties.DEFAULT_PAGE_SIZE,
          ParquetProperties.DEFAULT_DICTIONARY_PAGE_SIZE,
          List.of());

  /**
   * Row groups of at most 16 MiB (Parquet's default is 128 MiB). A row group is buffered in memory
   * until it is full or the file closes, and a {@code FileSink} keeps one open writer per {@code
   * dt=} partition and subtask: up to about 90 per table in a 90-day backfill. With 128 MiB that
   * could grow to gigabytes per subtask on large partitions; with 16 MiB it stays at 90 x 16 MiB in
   * the worst case, while a row group still holds some 350,000 events (DuckDB reads a row group per
   * thread and itself writes groups of 122,880 rows). Most partitions are smaller anyway (a
   * 1M-event backfill writes about 0.5 MB per partition and subtask), so this bounds memory without
   * changing the files of ordinary runs. Pages and dictionary pages keep Parquet's 1 MiB.
   */
  static final long ROW_GROUP_SIZE = 16L * 1024 * 1024;

  private static final Settings TUNED =
      new Settings(
          ROW_GROUP_SIZE,
          ParquetProperties.DEFAULT_PAGE_SIZE,
          ParquetProperties.DEFAULT_DICTIONARY_PAGE_SIZE,
          List.of());

  /**
   * The columns of each table written without a dictionary.
   *
   * <p>Parquet tries a dictionary for every column and falls back to plain encoding when it does
   * not pay (the first page's dictionary plus indexes are no smaller than the plain values, or it
   * outgrows the 1 MiB dictionary page). For columns of (nearly) unique values, such as event_id or
   * event_time, it always falls back, after hashing every value into a dictionary first; for
   * others, such as person_id in events, the dictionary is kept but the file is no smaller than
   * with plain values under Snappy. Measured on the tables of a 1M-event, 90-day backfill
   * (ParquetWriteBench "columns", BENCHMARKS.md), column bytes after Snappy with a dictionary vs
   * plain:
   *
   * <ul>
   *   <li>events (1.01M rows): identities.array.value 13.0 vs 12.8 MB, person_id 6.03 vs 5.91,
   *       journey_id 6.20 vs 6.24, session_id 2.93 vs 2.82, product_id 1.45 vs 1.45, value 0.68 vs
   *       0.69; event_id (5.6 MB), event_time (5.8) and order_id (0.45) fell back to plain. Plain
   *       for all of these: 46.0 instead of 46.5 MB, and less than half the CPU time (3.2 instead
   *       of 7.3 s for the table, median of 5, direct writer): hashing high-cardinality values into
   *       dictionaries was most of the writer's work. The dictionary stays where it pays 1.2x to
   *       3.5x and costs little: channel, event_type, identity namespaces, source_system, currency,
   *       campaign, topic, outcome, sentiment (scores on a coarse grid), attribute keys and values.
   *   <li>attribution (849k rows): the ids repeat on every row of a conversion (about 17 rows), so
   *       the dictionary pays: conversion_event_id 0.47 vs 1.06 MB, journey_id 1.03 vs 1.82,
   *       person_id 1.02 vs 1.78, conversion_time 0.45 vs 0.69, credit (a few common shares) 1.34
   *       vs 1.56; only credited_value is smaller plain (3.11 vs 3.60 MB). Plain ids as well would
   *       save about a sixth of the writer's CPU for 30% more bytes (10.4 instead of 8.1 MB).
   *   <li>journeys (131k rows): journey_id, person_id, start_time, end_time, conversion_event_id
   *       and conversion_value all fell back to plain; status, counts, channel_path and channels
   *       keep the dictionary.
   *   <li>journey_matches, friction: ids, times and event id lists fell back to plain or were
   *       larger with the dictionary (person_id 0.36 vs 0.34 MB in friction).
   *   <li>identity_merges (1.5k rows, tiny): person ids, event ids and times; dead_letters and
   *       late_events follow the same rules (sources, payloads, ids and times plain).
   * </ul>
   */
  private static final Map<String, List<String>> PLAIN_COLUMNS =
      Map.of(
          "events",
          List.of(
              "event_id",
              "event_time",
              "identities.array.value",
              "session_id",
              "order_id",
              "product_id",
              "value",
              "person_id",
              "journey_id"),
          "late_events",
          List.of(
              "event_id",
              "event_time",
              "identities.array.value",
              "session_id",
              "order_id",
              "product_id",
              "value",
              "lateness_ms"),
          "journeys",
          List.of(
              "journey_id",
              "person_id",
              "start_time",
              "end_time",
              "conversion_value",
              "conversion_event_id"),
          "journey_matches",
          List.of(
              "person_id", "journey_id", "first_event_time", "last_event_time", "event_ids.array"),
          "friction",
          List.of("person_id", "journey_id", "detected_at", "evidence_event_ids.array"),
          "attribution",
          List.of("credited_value"),
          "identity_merges",
          List.of("old_person_id", "new_person_id", "event_id", "event_time"),
          "persons",
          List.of("person_id", "first_seen", "last_seen", "lifetime_value", "sentiment_mean"),
          "dead_letters",
          List.of("source", "payload", "event_id", "event_time"));

  /** The settings of {@code table}'s writers. */
  public static Settings forTable(String table) {
    return TUNED.withPlain(PLAIN_COLUMNS.getOrDefault(table, List.of()));
  }

  /**
   * A writer of Avro-specific {@code type} rows with {@code settings}, field by field ({@link
   * SpecificRowWriteSupport}): the files of Parquet's {@code AvroParquetWriter} for less CPU time.
   */
  public static <T extends SpecificRecordBase> ParquetBuilder<T> specific(
      Class<T> type, Settings settings) {
    return direct(() -> SpecificRowWriteSupport.of(type), settings);
  }

  /** A writer of {@code events} rows straight from {@link Event}s ({@link EventWriteSupport}). */
  public static ParquetBuilder<Event> events(Settings settings) {
    return direct(EventWriteSupport::new, settings);
  }

  /** A writer of {@code T} rows with a fresh {@code writeSupport} per file. */
  public static <T> ParquetBuilder<T> direct(
      WriteSupportFactory<T> writeSupport, Settings settings) {
    return new DirectBuilder<>(writeSupport, settings);
  }

  /**
   * Hadoop settings for the Parquet writers, read once per JVM. Without it every new part file
   * builds a fresh {@code Configuration} and parses Hadoop's default XML resources again: in stream
   * mode, where each checkpoint rolls a file per table, partition and subtask, that parsing was
   * about 5% of the job's CPU time. Each writer gets its own copy, so no writer sees another's
   * changes.
   */
  static final class HadoopSettings {
    private static final Configuration LOADED = load();

    private static Configuration load() {
      Configuration conf = new Configuration();
      // Not the creating thread's context class loader: when that is a task's user-code class
      // loader, it is closed when the job ends, and a later reader in the same JVM (the run
      // summary) that loads a codec class through the copied configuration would fail.
      conf.setClassLoader(ParquetWriters.class.getClassLoader());
      conf.size(); // parses the default resources now, once
      return conf;
    }

    static Configuration copy() {
      return new Configuration(LOADED);
    }
  }

  /** Makes a fresh write support per file. */
  public interface WriteSupportFactory<T> extends Serializable {
    WriteSupport<T> create();
  }

  /** Creates a Parquet writer with a write support of ours. */
  private static final class DirectBuilder<T> implements ParquetBuilder<T> {
    private final WriteSupportFactory<T> writeSupport;
    private final Settings settings;

    DirectBuilder(WriteSupportFactory<T> writeSupport, Settings settings) {
      this.writeSupport = writeSupport;
      this.settings = settings;
    }

    @Override
    public ParquetWriter<T> createWriter(OutputFile out) throws IOException {
      return settings.applyTo(new Builder<>(out, writeSupport.create())).build();
    }
  }

  private static final class Builder<T> extends ParquetWriter.Builder<T, Builder<T>> {
    private final WriteSupport<T> writeSupport;

    Builder(OutputFile file, WriteSupport<T> writeSupport) {
      super(file);
      this.writeSupport = writeSupport;
    }

    @Override
    protected Builder<T> self() {
      return this;
    }

    @Override
    protected WriteSupport<T> getWriteSupport(Configuration conf) {
      return writeSupport;
    }

    @Override
    protected WriteSupport<T> getWriteSupport(ParquetConfiguration conf) {
      return writeSupport;
    }
  }
}
