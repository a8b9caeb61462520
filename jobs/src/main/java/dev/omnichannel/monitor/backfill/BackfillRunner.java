package dev.omnichannel.monitor.backfill;

import dev.omnichannel.monitor.attribution.AttributionModel;
import dev.omnichannel.monitor.config.Secrets;
import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.Flow;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.IdentityResolver;
import dev.omnichannel.monitor.flow.LocalFlink;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.flow.Sinks;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.flow.Timing;
import dev.omnichannel.monitor.io.EventFileFormat;
import dev.omnichannel.monitor.io.ManifestCommitter;
import dev.omnichannel.monitor.io.ObjectStores;
import dev.omnichannel.monitor.io.OutputBusyException;
import dev.omnichannel.monitor.io.OutputClaims;
import dev.omnichannel.monitor.io.ParquetFiles;
import dev.omnichannel.monitor.io.PartitionCommitter;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.io.StoreClaims;
import dev.omnichannel.monitor.io.StoreFiles;
import dev.omnichannel.monitor.io.StoreInputFile;
import dev.omnichannel.monitor.mapping.MappedSources;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.parquet.io.InputFile;

/**
 * Runs a backfill end to end: the Flink job in BATCH execution (embedded mini cluster under {@code
 * java -jar}, the cluster under {@code flink run}) writing to a staging folder, then the atomic
 * partition commit, then the run summary.
 */
public final class BackfillRunner {
  private BackfillRunner() {}

  /**
   * The most component rounds a backfill tries: about log2 of the longest chain of identities it
   * resolves (see {@link ComponentResolver}); each failed try doubles the rounds.
   */
  static final int MAX_ROUNDS = 256;

  /**
   * Runs the backfill and returns its summary (also written under {@code _runs/}, with {@code
   * arguments} recorded with their secrets masked, see {@link Secrets#redactArgs}).
   */
  public static RunSummary run(FlowConfig config, List<String> arguments) throws Exception {
    return run(config, arguments, ComponentResolver.DEFAULT_ROUNDS);
  }

  /**
   * Runs the backfill with {@code identityRounds} component rounds at first (doubled and run again
   * while the identity graph does not converge).
   */
  public static RunSummary run(FlowConfig config, List<String> arguments, int identityRounds)
      throws Exception {
    Instant started = Instant.now();
    if (ObjectStores.isObjectStore(config.output())) {
      org.apache.flink.core.fs.Path output = new org.apache.flink.core.fs.Path(config.output());
      // Refuses (OutputBusyException) while another writer holds any of the range's days.
      try (StoreClaims.Claim claim =
          StoreClaims.claimBackfill(output, config.runId(), config.from(), config.to(), started)) {
        org.apache.flink.core.fs.Path staging =
            new org.apache.flink.core.fs.Path(output, "_staging/" + config.runId());
        Published published =
            run(
                config,
                identityRounds,
                staging.toString(),
                () -> ManifestCommitter.deleteTree(staging),
                claim::recheck,
                () -> {
                  ManifestCommitter.Result r =
                      new ManifestCommitter(output, staging, config.runId())
                          .commit(Table.backfillTables(), config.from(), config.to());
                  Map<String, List<InputFile>> files = new TreeMap<>();
                  r.files().forEach((t, ps) -> files.put(t, storeFiles(ps)));
                  return new Published(r.from(), r.to(), files, null);
                });
        RunSummary s = summary(config, arguments, started, published);
        StoreFiles.write(
            new org.apache.flink.core.fs.Path(output, "_runs/" + s.runId + ".json"), s.toJson());
        return s;
      }
    }
    Path output = Path.of(config.output());
    // Refuses (OutputBusyException) while another writer holds any of the range's days.
    try (OutputClaims.Claim claim =
        OutputClaims.claimBackfill(output, config.runId(), config.from(), config.to(), started)) {
      Path staging = output.resolve("_staging").resolve(config.runId());
      Published published =
          run(
              config,
              identityRounds,
              staging.toUri().toString(),
              () -> PartitionCommitter.deleteTree(staging),
              claim::recheck,
              () -> {
                PartitionCommitter.Result r =
                    new PartitionCommitter(output, staging, config.runId())
                        .commit(Table.backfillTables(), config.from(), config.to());
                Map<String, List<InputFile>> files = new TreeMap<>();
                r.files().forEach((t, ps) -> files.put(t, ParquetFiles.local(ps)));
                return new Published(r.from(), r.to(), files, null);
              });
      RunSummary s = summary(config, arguments, started, published);
      s.write(output);
      return s;
    }
  }

  /** What a run published: its range and each table's files. */
  private record Published(
      java.time.LocalDate from,
      java.time.LocalDate to,
      Map<String, List<InputFile>> files,
      JobExecutionResult result) {
    List<InputFile> files(String table) {
      return files.getOrDefault(table, List.of());
    }
  }

  /** A step that may fail with an I/O error. */
  private interface Step {
    void run() throws IOException;
  }

  /** The recheck of a claim just before publishing. */
  private interface Recheck {
    void recheck(Instant now) throws IOException;
  }

  /** The publication of the staged tables. */
  private interface Commit {
    Published commit() throws IOException;
  }

  private static List<InputFile> storeFiles(List<org.apache.flink.core.fs.Path> paths) {
    List<InputFile> out = new ArrayList<>(paths.size());
    for (org.apache.flink.core.fs.Path p : paths) {
      out.add(new StoreInputFile(p));
    }
    return out;
  }

  private static Published run(
      FlowConfig config,
      int identityRounds,
      String staging,
      Step discardStaging,
      Recheck recheck,
      Commit commit)
      throws Exception {
    discardStaging.run();
    JobExecutionResult result = null;
    for (int rounds = identityRounds; result == null; rounds *= 2) {
      discardStaging.run();
      Configuration conf = new Configuration();
      conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.BATCH);
      StreamExecutionEnvironment env = LocalFlink.environment(conf, config.parallelism());
      Flow.Outputs outputs = wire(env, config, new ComponentResolver(rounds));
      Sinks.parquet(outputs, staging, dl -> dl.getEventTime());
      try {
        result = env.execute("omnichannel-monitor backfill " + config.runId());
      } catch (Exception e) {
        if (ComponentsNotConvergedException.find(e).isEmpty() || rounds >= MAX_ROUNDS) {
          throw e;
        }
        System.err.printf(
            "the identity graph needs more than %d component rounds; running again with %d%n",
            rounds, rounds * 2);
      }
    }
    try {
      // a stream job may have started on this output since the claim was taken
      recheck.recheck(Instant.now());
    } catch (OutputBusyException e) {
      discardStaging.run();
      throw e;
    }
    Published committed = commit.commit();
    return new Published(committed.from(), committed.to(), committed.files(), result);
  }

  /** The run summary of a published run. */
  private static RunSummary summary(
      FlowConfig config, List<String> arguments, Instant started, Published committed)
      throws IOException {
    JobExecutionResult result = committed.result();

    RunSummary s = new RunSummary();
    s.runId = config.runId();
    s.mode = "backfill";
    s.arguments = Secrets.redactArgs(arguments);
    s.startedAt = started.toString();
    s.accounting.inputRecords = counter(result, Counters.INPUT_RECORDS);
    s.accounting.acceptedEvents = counter(result, Counters.ACCEPTED_EVENTS);
    s.accounting.duplicates = counter(result, Counters.DUPLICATES);
    s.accounting.deadLetters = counter(result, Counters.DEAD_LETTERS);
    s.accounting.outOfRange = counter(result, Counters.OUT_OF_RANGE);
    s.accounting.suppressed = counter(result, Counters.SUPPRESSED);
    s.suppressionListIdentities = (long) config.suppressed().size();
    s.accounting.lateEvents = 0;
    s.rejectedLinks = counter(result, Counters.REJECTED_LINKS);
    s.range = new LinkedHashMap<>();
    if (committed.from() != null) {
      s.range.put("from", String.valueOf(committed.from()));
      s.range.put("to", String.valueOf(committed.to()));
    }
    for (String table : Table.backfillTables()) {
      s.tables.put(table, ParquetFiles.rowCountOf(committed.files(table)));
    }
    journeyStats(committed.files("journeys"), s);
    deadLetterStats(committed.files("dead_letters"), s);
    s.journeyMatchesByPattern =
        countBy(
            committed.files("journey_matches"),
            dev.omnichannel.monitor.avro.JourneyMatchRow.getClassSchema(),
            "pattern");
    s.frictionByType =
        countBy(
            committed.files("friction"),
            dev.omnichannel.monitor.avro.FrictionRow.getClassSchema(),
            "friction_type");
    s.attributedConversions =
        attributed(committed.files("attribution"), committed.files("attribution_channel"));
    Instant ended = Instant.now();
    s.endedAt = ended.toString();
    s.durationMs = Duration.between(started, ended).toMillis();
    s.status = s.accounting.balanced() ? "SUCCEEDED" : "ACCOUNTING_MISMATCH";
    return s;
  }

  /** A bounded source over the configured input files. */
  public static DataStream<RawRecord> source(StreamExecutionEnvironment env, FlowConfig config) {
    org.apache.flink.core.fs.Path[] paths =
        config.inputs().stream()
            .map(org.apache.flink.core.fs.Path::new)
            .toArray(org.apache.flink.core.fs.Path[]::new);
    FileSource<RawRecord> source = FileSource.forBulkFileFormat(format(config), paths).build();
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), "event files")
        .uid("source-files")
        .name("read event files");
  }

  /**
   * The format of the input files: event files, or text rows of the files that have a mapping (with
   * its header line skipped).
   */
  static EventFileFormat format(FlowConfig config) {
    MappedSources mapped = config.mapped();
    if (mapped.all() != null) {
      return EventFileFormat.textRows(mapped.all().header() ? 1 : 0);
    }
    if (mapped.files().isEmpty()) {
      return new EventFileFormat();
    }
    Map<String, Integer> headers = new TreeMap<>();
    mapped.files().forEach((file, mapping) -> headers.put(file, mapping.header() ? 1 : 0));
    return EventFileFormat.textRows(headers);
  }

  /** Wires the backfill's dataflow (source and flow, no sinks) on {@code env}. */
  public static Flow.Outputs wire(
      StreamExecutionEnvironment env, FlowConfig config, IdentityResolver resolver) {
    Flow flow = new Flow(config, Timing.bounded(config.fixedEndOfInput()), resolver, Duration.ZERO);
    return flow.wire(source(env, config));
  }

  private static long counter(JobExecutionResult r, String name) {
    Object v = r.getAccumulatorResult(name);
    return v == null ? 0L : ((Number) v).longValue();
  }

  private static void journeyStats(List<InputFile> files, RunSummary s) throws IOException {
    Map<String, Long> byStatus = new TreeMap<>();
    Map<String, Long> paths = new HashMap<>();
    Map<String, Long> convertedPaths = new HashMap<>();
    Set<String> persons = new HashSet<>();
    long[] conversions = {0};
    double[] value = {0};
    ParquetFiles.forEachOf(
        files,
        dev.omnichannel.monitor.avro.JourneyRow.getClassSchema(),
        List.of("status", "person_id", "channel_path", "converted", "conversion_value"),
        (GenericRecord r) -> {
          String status = r.get("status").toString();
          byStatus.merge(status, 1L, Long::sum);
          persons.add(r.get("person_id").toString());
          String path = r.get("channel_path").toString();
          paths.merge(path, 1L, Long::sum);
          if ((Boolean) r.get("converted")) {
            conversions[0]++;
            convertedPaths.merge(path, 1L, Long::sum);
            Object v = r.get("conversion_value");
            if (v != null) {
              value[0] += (Double) v;
            }
          }
        });
    s.journeysByStatus = byStatus;
    s.persons = (long) persons.size();
    s.conversions = conversions[0];
    s.conversionValue = Math.round(value[0] * 100) / 100.0;
    List<Map.Entry<String, Long>> top = new ArrayList<>(paths.entrySet());
    top.sort(
        Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
            .thenComparing(Map.Entry.comparingByKey()));
    s.topChannelPaths = new ArrayList<>();
    for (Map.Entry<String, Long> e : top.subList(0, Math.min(10, top.size()))) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("channel_path", e.getKey());
      row.put("journeys", e.getValue());
      row.put("converted", convertedPaths.getOrDefault(e.getKey(), 0L));
      s.topChannelPaths.add(row);
    }
  }

  private static Map<String, Map<String, Double>> attributed(
      List<InputFile> attribution, List<InputFile> channels) throws IOException {
    Map<String, Map<String, Double>> sums = new TreeMap<>();
    ParquetFiles.forEachOf(
        attribution,
        dev.omnichannel.monitor.avro.AttributionRow.getClassSchema(),
        List.of("model", "channel", "credit"),
        r -> {
          String model = r.get("model").toString();
          if (!model.equals("MARKOV") && !model.equals("SHAPLEY")) {
            sums.computeIfAbsent(model, k -> new TreeMap<>())
                .merge(r.get("channel").toString(), (Double) r.get("credit"), Double::sum);
          }
        });
    ParquetFiles.forEachOf(
        channels,
        dev.omnichannel.monitor.avro.AttributionChannelRow.getClassSchema(),
        List.of("model", "channel", "attributed_conversions"),
        r ->
            sums.computeIfAbsent(r.get("model").toString(), k -> new TreeMap<>())
                .merge(
                    r.get("channel").toString(),
                    (Double) r.get("attributed_conversions"),
                    Double::sum));
    Map<String, Map<String, Double>> out = new LinkedHashMap<>();
    for (AttributionModel m : AttributionModel.values()) {
      Map<String, Double> byChannel = sums.get(m.name());
      if (byChannel != null) {
        Map<String, Double> rounded = new TreeMap<>();
        byChannel.forEach((c, v) -> rounded.put(c, Math.round(v * 100) / 100.0));
        out.put(m.name(), rounded);
      }
    }
    return out;
  }

  private static Map<String, Long> countBy(
      List<InputFile> files, org.apache.avro.Schema schema, String column) throws IOException {
    Map<String, Long> counts = new TreeMap<>();
    ParquetFiles.forEachOf(
        files, schema, List.of(column), r -> counts.merge(r.get(column).toString(), 1L, Long::sum));
    return counts;
  }

  /** The reason prefix of a dead letter for a file that could not be read to its end. */
  private static final String UNREADABLE = "malformed_record: unreadable file";

  private static void deadLetterStats(List<InputFile> files, RunSummary s) throws IOException {
    Map<String, Long> byReason = new TreeMap<>();
    java.util.TreeSet<String> unreadable = new java.util.TreeSet<>();
    ParquetFiles.forEachOf(
        files,
        dev.omnichannel.monitor.avro.DeadLetterRow.getClassSchema(),
        List.of("source", "reason"),
        r -> {
          String reason = r.get("reason").toString();
          int i = reason.indexOf(':');
          byReason.merge(i < 0 ? reason : reason.substring(0, i), 1L, Long::sum);
          if (reason.startsWith(UNREADABLE)) {
            unreadable.add(r.get("source") + " (" + reason.substring(UNREADABLE.length()) + ")");
          }
        });
    s.deadLettersByReason = byReason;
    s.unreadableFiles = unreadable.isEmpty() ? null : new java.util.ArrayList<>(unreadable);
  }
}
