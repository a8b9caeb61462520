package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.avro.AttributionRow;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventRows;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Single-threaded microbenchmark of the Parquet writers of the {@code events} and {@code
 * attribution} tables: old path (Avro rows through {@code AvroParquetWriter} with Parquet's
 * defaults) against the new one (direct write support, tuned settings), and the steps between. Not
 * a test: run it by hand (see BENCHMARKS.md).
 *
 * <p>Input: the {@code events} and {@code attribution} tables of a real backfill. The rows are put
 * in the order one subtask of the person stage emits them (by person, then time) and routed, as the
 * {@code FileSink} does, to one open writer per {@code dt=} partition. A run is timed as the CPU
 * time of this thread ({@link ThreadMXBean}) from the first row to the last writer closed; the
 * process CPU time (which includes garbage collection and JIT threads) and the wall time are
 * printed alongside. Each variant runs {@code warmup} times untimed, then {@code runs} times
 * interleaved with the other variants; the median is reported.
 *
 * <pre>
 * java -cp ... dev.omnichannel.monitor.io.ParquetWriteBench OUTPUT_DIR WORK_DIR [runs] [warmup]
 *     [what...]
 * </pre>
 *
 * <p>OUTPUT_DIR is a backfill's output; WORK_DIR receives the files of each run (deleted before the
 * next). {@code what} is any of: {@code events}, {@code attribution} (the old path against the new
 * one, step by step; the default), {@code events-columns}, {@code attribution-columns} (each
 * column's bytes and encodings with Parquet's defaults, with no dictionary at all and with the
 * table's settings; then the three timed), {@code table:NAME} (the same for another table, through
 * the Avro writer, each input file written again as one file). {@code -Dbench.only=PREFIX} keeps
 * the variants whose name starts with PREFIX; {@code -Dbench.plain=a,b} tries other plain columns
 * as the "tuned" settings of a columns run.
 */
public final class ParquetWriteBench {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final DateTimeFormatter OLD_DATE =
      DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd").withZone(ZoneOffset.UTC);

  /** A way of writing rows of type T: per-row work and a writer per partition. */
  interface Variant<T> {
    String name();

    void run(List<T> rows, Path dir) throws IOException;
  }

  public static void main(String[] args) throws Exception {
    Path output = Path.of(args[0]);
    Path work = Path.of(args[1]);
    int runs = args.length > 2 ? Integer.parseInt(args[2]) : 5;
    int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 2;
    List<String> what =
        args.length > 4 ? List.of(args).subList(4, args.length) : List.of("events", "attribution");
    boolean eventColumns = what.contains("columns") || what.contains("events-columns");
    boolean creditColumns = what.contains("columns") || what.contains("attribution-columns");
    if (what.contains("events") || eventColumns) {
      List<Event> events = events(output.resolve("events"));
      System.out.printf("events: %,d rows%n", events.size());
      if (eventColumns) {
        columns(
            events,
            work,
            EventRow.getClassSchema(),
            s -> eventVariant("direct", ParquetWriters.events(s)),
            ParquetWriters.forTable("events"),
            runs,
            warmup);
      }
      if (what.contains("events")) {
        bench(events, work, eventVariants(), runs, warmup);
      }
    }
    for (String w : what) {
      if (w.startsWith("table:")) {
        tableColumns(output.resolve(w.substring(6)), work, runs, warmup);
      }
    }
    if (what.contains("attribution") || creditColumns) {
      List<Credit> credits = credits(output.resolve("attribution"));
      System.out.printf("attribution: %,d rows%n", credits.size());
      if (creditColumns) {
        DatePartitionAssigner<AttributionRow> dates =
            DatePartitionAssigner.ofMillis(r -> r.getConversionTime().toEpochMilli());
        columns(
            credits,
            work,
            AttributionRow.getClassSchema(),
            s ->
                rowVariant(
                    "direct",
                    Credit::row,
                    ParquetWriters.direct(AttributionWriteSupport::new, s),
                    r -> dates.bucket(r.getConversionTime().toEpochMilli())),
            ParquetWriters.forTable("attribution"),
            runs,
            warmup);
      }
      if (what.contains("attribution")) {
        bench(credits, work, creditVariants(), runs, warmup);
      }
    }
  }

  // ---------------------------------------------------------------- events

  /**
   * From the old path to the new one, a step at a time: settings, then the direct writer, then the
   * date of the partition formatted once per day; and the direct writer with Parquet's defaults for
   * comparison.
   */
  static List<Variant<Event>> eventVariants() {
    ParquetWriters.Settings defaults = ParquetWriters.PARQUET_DEFAULTS;
    ParquetWriters.Settings tuned = ParquetWriters.forTable("events");
    List<Variant<Event>> out = new ArrayList<>();
    // the old path: an EventRow per event (the map before the sink), a date formatted per row
    out.add(
        rowVariant(
            "old: EventRow, Avro writer, defaults",
            EventRows::eventRow,
            ParquetTestFiles.avro(EventRow.class, defaults),
            r -> OLD_DATE.format(r.getEventTime())));
    out.add(
        rowVariant(
            "EventRow, Avro writer, tuned",
            EventRows::eventRow,
            ParquetTestFiles.avro(EventRow.class, tuned),
            r -> OLD_DATE.format(r.getEventTime())));
    out.add(
        rowVariant(
            "direct, defaults",
            Function.identity(),
            ParquetWriters.events(defaults),
            e -> OLD_DATE.format(Instant.ofEpochMilli(e.eventTime))));
    out.add(
        rowVariant(
            "direct, tuned",
            Function.identity(),
            ParquetWriters.events(tuned),
            e -> OLD_DATE.format(Instant.ofEpochMilli(e.eventTime))));
    out.add(eventVariant("new: direct, tuned, day cache", ParquetWriters.events(tuned)));
    return out;
  }

  static Variant<Event> eventVariant(String name, ParquetBuilder<Event> writer) {
    DatePartitionAssigner<Event> dates = DatePartitionAssigner.ofMillis(e -> e.eventTime);
    return rowVariant(name, Function.identity(), writer, e -> dates.bucket(e.eventTime));
  }

  /** The events of a table, as one subtask of the person stage emits them. */
  static List<Event> events(Path table) throws IOException {
    List<Event> out = new ArrayList<>();
    for (EventRow r : ParquetFiles.readAll(ParquetFiles.under(table), EventRow.class)) {
      out.add(event(r));
    }
    out.sort(
        Comparator.comparing((Event e) -> e.personId)
            .thenComparingLong(e -> e.eventTime)
            .thenComparing(e -> e.eventId));
    return out;
  }

  /** The event of an events row (the inverse of {@link EventRows#eventRow}). */
  static Event event(EventRow r) {
    Event e = new Event();
    e.eventId = r.getEventId();
    e.eventTime = r.getEventTime().toEpochMilli();
    e.channel = (byte) Event.channelOrdinal(r.getChannel());
    e.eventType = (byte) Event.eventTypeOrdinal(r.getEventType());
    List<Identity> ids = r.getIdentities();
    e.identities = new String[ids.size()];
    for (int i = 0; i < ids.size(); i++) {
      e.identities[i] = ids.get(i).getNamespace() + ":" + ids.get(i).getValue();
    }
    e.sessionId = r.getSessionId();
    e.sourceSystem = r.getSourceSystem();
    e.orderId = r.getOrderId();
    e.productId = r.getProductId();
    e.currency = r.getCurrency();
    e.campaign = r.getCampaign();
    e.topic = r.getTopic();
    e.outcome = r.getOutcome();
    e.value = r.getValue() == null ? Double.NaN : r.getValue();
    e.sentiment = r.getSentiment() == null ? Double.NaN : r.getSentiment();
    e.attributes = EventRows.attributes(r.getAttributes());
    e.personId = r.getPersonId();
    e.journeyId = r.getJourneyId();
    return e;
  }

  // ---------------------------------------------------------------- attribution

  /** An attribution credit as the person stage knows it before building a row. */
  record Credit(
      String conversionEventId,
      String journeyId,
      String personId,
      long conversionTime,
      String model,
      String channel,
      double credit,
      Double creditedValue) {
    AttributionRow row() {
      return AttributionRow.newBuilder()
          .setConversionEventId(conversionEventId)
          .setJourneyId(journeyId)
          .setPersonId(personId)
          .setConversionTime(Instant.ofEpochMilli(conversionTime))
          .setModel(model)
          .setChannel(channel)
          .setCredit(credit)
          .setCreditedValue(creditedValue)
          .build();
    }
  }

  /** As {@link #eventVariants()}; every variant builds the AttributionRow, as the job does. */
  static List<Variant<Credit>> creditVariants() {
    ParquetWriters.Settings defaults = ParquetWriters.PARQUET_DEFAULTS;
    ParquetWriters.Settings tuned = ParquetWriters.forTable("attribution");
    DatePartitionAssigner<AttributionRow> dates =
        DatePartitionAssigner.ofMillis(r -> r.getConversionTime().toEpochMilli());
    List<Variant<Credit>> out = new ArrayList<>();
    out.add(
        rowVariant(
            "old: Avro writer, defaults",
            Credit::row,
            ParquetTestFiles.avro(AttributionRow.class, defaults),
            r -> OLD_DATE.format(r.getConversionTime())));
    out.add(
        rowVariant(
            "Avro writer, tuned",
            Credit::row,
            ParquetTestFiles.avro(AttributionRow.class, tuned),
            r -> OLD_DATE.format(r.getConversionTime())));
    out.add(
        rowVariant(
            "direct, tuned",
            Credit::row,
            ParquetWriters.direct(AttributionWriteSupport::new, tuned),
            r -> OLD_DATE.format(r.getConversionTime())));
    out.add(
        rowVariant(
            "new: direct, tuned, day cache",
            Credit::row,
            ParquetWriters.direct(AttributionWriteSupport::new, tuned),
            r -> dates.bucket(r.getConversionTime().toEpochMilli())));
    return out;
  }

  static List<Credit> credits(Path table) throws IOException {
    List<Credit> out = new ArrayList<>();
    for (AttributionRow r : ParquetFiles.readAll(ParquetFiles.under(table), AttributionRow.class)) {
      out.add(
          new Credit(
              r.getConversionEventId(),
              r.getJourneyId(),
              r.getPersonId(),
              r.getConversionTime().toEpochMilli(),
              r.getModel(),
              r.getChannel(),
              r.getCredit(),
              r.getCreditedValue()));
    }
    // by person and conversion; a conversion's rows keep their order (stable sort)
    out.sort(
        Comparator.comparing(Credit::personId)
            .thenComparingLong(Credit::conversionTime)
            .thenComparing(Credit::conversionEventId));
    return out;
  }

  // ---------------------------------------------------------------- running

  /**
   * Rows of type T made into rows of type R per row (as an operator before the sink would), put in
   * partitions by {@code bucket} and written with {@code writer}: one open writer per partition,
   * all closed at the end.
   */
  static <T, R> Variant<T> rowVariant(
      String name, Function<T, R> toRow, ParquetBuilder<R> writer, Function<R, String> bucket) {
    return rowVariant(name, toRow, writer, (t, r) -> bucket.apply(r));
  }

  static <T, R> Variant<T> rowVariant(
      String name,
      Function<T, R> toRow,
      ParquetBuilder<R> writer,
      java.util.function.BiFunction<T, R, String> bucket) {
    return new Variant<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void run(List<T> rows, Path dir) throws IOException {
        Map<String, ParquetWriter<R>> open = new HashMap<>();
        for (T t : rows) {
          R r = toRow.apply(t);
          String b = bucket.apply(t, r);
          ParquetWriter<R> w = open.get(b);
          if (w == null) {
            Path f = dir.resolve(b).resolve("part-0.parquet");
            Files.createDirectories(f.getParent());
            w = writer.createWriter(new LocalOutputFile(f));
            open.put(b, w);
          }
          w.write(r);
        }
        for (ParquetWriter<R> w : open.values()) {
          w.close();
        }
      }
    };
  }

  static <T> void bench(List<T> rows, Path work, List<Variant<T>> variants, int runs, int warmup)
      throws IOException {
    String only = System.getProperty("bench.only");
    if (only != null) {
      variants = variants.stream().filter(v -> v.name().startsWith(only)).toList();
    }
    Map<String, long[]> cpu = new LinkedHashMap<>();
    Map<String, long[]> process = new LinkedHashMap<>();
    Map<String, long[]> wall = new LinkedHashMap<>();
    Map<String, Long> size = new LinkedHashMap<>();
    Map<String, Integer> files = new LinkedHashMap<>();
    for (Variant<T> v : variants) {
      cpu.put(v.name(), new long[runs]);
      process.put(v.name(), new long[runs]);
      wall.put(v.name(), new long[runs]);
    }
    for (int i = -warmup; i < runs; i++) {
      for (Variant<T> v : variants) {
        Path dir = work.resolve("run");
        delete(dir);
        System.gc();
        long p0 = processCpu();
        long c0 = THREADS.getCurrentThreadCpuTime();
        long w0 = System.nanoTime();
        v.run(rows, dir);
        long w1 = System.nanoTime();
        long c1 = THREADS.getCurrentThreadCpuTime();
        long p1 = processCpu();
        if (i >= 0) {
          cpu.get(v.name())[i] = c1 - c0;
          process.get(v.name())[i] = p1 - p0;
          wall.get(v.name())[i] = w1 - w0;
        }
        List<Path> written = ParquetFiles.under(dir);
        long bytes = 0;
        for (Path f : written) {
          bytes += Files.size(f);
        }
        size.put(v.name(), bytes);
        files.put(v.name(), written.size());
        System.out.printf(
            "  %s %-52s thread CPU %6d ms, process CPU %6d ms, wall %6d ms, %,d bytes%n",
            i < 0 ? "warm-up" : "run " + i,
            v.name(),
            (c1 - c0) / 1_000_000,
            (p1 - p0) / 1_000_000,
            (w1 - w0) / 1_000_000,
            bytes);
      }
    }
    System.out.printf(
        "%n%-52s %12s %12s %12s %14s %6s%n",
        "variant (median of " + runs + ")", "thread CPU", "process CPU", "wall", "bytes", "files");
    for (Variant<T> v : variants) {
      System.out.printf(
          "%-52s %9d ms %9d ms %9d ms %,14d %6d%n",
          v.name(),
          median(cpu.get(v.name())) / 1_000_000,
          median(process.get(v.name())) / 1_000_000,
          median(wall.get(v.name())) / 1_000_000,
          size.get(v.name()),
          files.get(v.name()));
    }
    System.out.println();
  }

  /**
   * Writes the rows with Parquet's defaults (every column tries a dictionary and falls back to
   * plain where it does not pay), with no dictionary at all, and with the table's tuned settings;
   * prints each column's compressed bytes (summed over the files) and encodings, then times the
   * three.
   */
  static <T> void columns(
      List<T> rows,
      Path work,
      org.apache.avro.Schema schema,
      Function<ParquetWriters.Settings, Variant<T>> variant,
      ParquetWriters.Settings tuned,
      int runs,
      int warmup)
      throws IOException {
    List<String> all =
        new org.apache.parquet.avro.AvroSchemaConverter()
            .convert(schema).getColumns().stream().map(c -> String.join(".", c.getPath())).toList();
    Map<String, ParquetWriters.Settings> settings = new LinkedHashMap<>();
    settings.put("defaults", ParquetWriters.PARQUET_DEFAULTS);
    settings.put("no dictionary", ParquetWriters.PARQUET_DEFAULTS.withPlain(all));
    String plain = System.getProperty("bench.plain");
    if (plain != null) {
      tuned = tuned.withPlain(plain.isEmpty() ? List.of() : List.of(plain.split(",")));
    }
    settings.put("tuned", tuned);
    Map<String, Map<String, String>> sizes = new LinkedHashMap<>();
    List<Variant<T>> variants = new ArrayList<>();
    for (Map.Entry<String, ParquetWriters.Settings> s : settings.entrySet()) {
      Variant<T> v = variant.apply(s.getValue());
      Path dir = work.resolve("columns");
      delete(dir);
      v.run(rows, dir);
      sizes.put(s.getKey(), columnSizes(dir));
      variants.add(renamed(s.getKey(), v));
    }
    System.out.printf("%-32s", "column");
    sizes.keySet().forEach(k -> System.out.printf(" %-44s", k));
    System.out.println();
    for (String c : all) {
      System.out.printf("%-32s", c);
      sizes.values().forEach(m -> System.out.printf(" %-44s", m.get(c)));
      System.out.println();
    }
    bench(rows, work, variants, runs, warmup);
  }

  /**
   * {@link #columns} for any table written through the Avro writer: each file of the table is
   * written again, with its rows in their order, to one file.
   */
  static void tableColumns(Path table, Path work, int runs, int warmup) throws IOException {
    String name = table.getFileName().toString();
    dev.omnichannel.monitor.flow.Table t =
        java.util.Arrays.stream(dev.omnichannel.monitor.flow.Table.values())
            .filter(x -> x.tableName().equals(name))
            .findFirst()
            .orElseThrow();
    tableColumns(t.rowType(), table, work, runs, warmup);
  }

  static <R extends org.apache.avro.specific.SpecificRecordBase> void tableColumns(
      Class<R> type, Path table, Path work, int runs, int warmup) throws IOException {
    List<Map.Entry<String, R>> rows = new ArrayList<>();
    for (Path f : ParquetFiles.under(table)) {
      String id = table.relativize(f).toString().replace(".parquet", "").replace('/', '_');
      for (R r : ParquetFiles.readAll(List.of(f), type)) {
        rows.add(Map.entry(id, r));
      }
    }
    System.out.printf("%s: %,d rows%n", table.getFileName(), rows.size());
    org.apache.avro.Schema schema = org.apache.avro.specific.SpecificData.get().getSchema(type);
    columns(
        rows,
        work,
        schema,
        s ->
            rowVariant(
                "avro", Map.Entry::getValue, ParquetTestFiles.avro(type, s), (e, r) -> e.getKey()),
        ParquetWriters.forTable(table.getFileName().toString()),
        runs,
        warmup);
  }

  static <T> Variant<T> renamed(String name, Variant<T> v) {
    return new Variant<>() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public void run(List<T> rows, Path dir) throws IOException {
        v.run(rows, dir);
      }
    };
  }

  /** Each column's compressed bytes and encodings, summed over the files under {@code dir}. */
  static Map<String, String> columnSizes(Path dir) throws IOException {
    Map<String, long[]> bytes = new TreeMap<>();
    Map<String, java.util.Set<Encoding>> enc = new TreeMap<>();
    for (Path f : ParquetFiles.under(dir)) {
      try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(f))) {
        for (BlockMetaData b : r.getFooter().getBlocks()) {
          for (ColumnChunkMetaData c : b.getColumns()) {
            String k = c.getPath().toDotString();
            bytes.computeIfAbsent(k, x -> new long[2])[0] += c.getTotalSize();
            bytes.get(k)[1] += c.getTotalUncompressedSize();
            enc.computeIfAbsent(k, x -> new java.util.TreeSet<>()).addAll(c.getEncodings());
          }
        }
      }
    }
    Map<String, String> out = new TreeMap<>();
    bytes.forEach((k, v) -> out.put(k, v[0] + " " + enc.get(k)));
    return out;
  }

  private static long processCpu() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuTime();
  }

  private static long median(long[] xs) {
    long[] s = xs.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }

  private static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private ParquetWriteBench() {}
}
