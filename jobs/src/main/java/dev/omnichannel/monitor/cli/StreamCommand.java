package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.attribution.AttributionWindows;
import dev.omnichannel.monitor.config.PropertiesFile;
import dev.omnichannel.monitor.config.Secrets;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.stream.StreamRunner;
import dev.omnichannel.monitor.stream.StreamSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code stream}: Kafka in, Parquet tables and alerts out, continuously, in event time. */
@Command(
    name = "stream",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Reads Avro ChannelEvents from Kafka, stitches identities live, builds journeys, detects"
          + " patterns and friction, attributes conversions, and writes the same Parquet tables as"
          + " backfill (committed on each checkpoint), plus alerts to a Kafka topic.",
      "Stop it with a savepoint (flink stop) and start it again with --restore-from; after a"
          + " crash it restarts from the latest checkpoint. See README, 'Stream mode'."
    })
public class StreamCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      required = true,
      description = "Kafka bootstrap servers, comma-separated.")
  String bootstrapServers;

  @Option(
      names = "--topic",
      paramLabel = "NAME",
      description = "Topic to read (repeatable); or use --topic-pattern.")
  List<String> topics = new ArrayList<>();

  @Option(
      names = "--topic-pattern",
      paramLabel = "REGEX",
      description = "Read every topic whose name matches (new ones are discovered).")
  String topicPattern;

  @Option(
      names = "--group-id",
      paramLabel = "ID",
      defaultValue = KafkaOptions.DEFAULT_GROUP_ID,
      description = "Kafka consumer group (default: ${DEFAULT-VALUE}).")
  String groupId;

  @Option(
      names = "--starting-offsets",
      paramLabel = "WHERE",
      defaultValue = KafkaOptions.DEFAULT_STARTING_OFFSETS,
      description =
          "committed (falling back to earliest), earliest, latest or timestamp:<epoch-ms>; a"
              + " restore from a checkpoint or savepoint uses its own offsets (default:"
              + " ${DEFAULT-VALUE}).")
  String startingOffsets;

  @Option(
      names = "--bounded",
      description =
          "Stop at the offsets that are latest when the job starts (a bounded replay): every"
              + " window and journey is then closed as in a backfill.")
  boolean bounded;

  @Option(
      names = "--kafka",
      paramLabel = "PROPERTY=VALUE",
      description =
          "A Kafka client property passed through to the consumer and producers (repeatable),"
              + " e.g. --kafka security.protocol=SASL_SSL; a 'kafka.' prefix is accepted too."
              + " Overrides --kafka-properties. Put secrets in --kafka-properties instead: a"
              + " command line is visible to every user of the machine.")
  Map<String, String> kafkaProperties = new LinkedHashMap<>();

  @Option(
      names = "--kafka-properties",
      paramLabel = "FILE",
      description =
          "Kafka client properties from a file (Java properties format, the usual"
              + " client.properties), for the consumer and producers; $${NAME} in a value is"
              + " replaced by the environment variable NAME, so the password need not be in the"
              + " file. --kafka flags override its values.")
  Path kafkaPropertiesFile;

  @Option(
      names = "--output",
      converter = LocalPathConverter.class,
      paramLabel = "DIR",
      required = true,
      description = "Output directory: <DIR>/<table>/dt=YYYY-MM-DD/*.parquet and <DIR>/_runs/.")
  Path output;

  @Option(
      names = "--checkpoint-dir",
      paramLabel = "DIR",
      description = "Where checkpoints are kept (default: <output>/_checkpoints).")
  String checkpointDir;

  @Option(
      names = "--checkpoint-interval",
      paramLabel = "DURATION",
      defaultValue = "1m",
      converter = DurationConverter.class,
      description =
          "How often to checkpoint; Parquet files and the run summary are committed at each"
              + " checkpoint (default: ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(
      names = "--state-backend",
      paramLabel = "hashmap|rocksdb",
      defaultValue = "hashmap",
      description =
          "Where keyed state lives: hashmap (the JVM heap) or rocksdb (embedded RocksDB on local"
              + " disk, with incremental checkpoints; for identity graphs and journeys larger than"
              + " memory) (default: ${DEFAULT-VALUE}).")
  String stateBackend;

  @Option(
      names = "--restore-from",
      paramLabel = "PATH",
      description = "A savepoint or retained checkpoint to start from.")
  String restoreFrom;

  @Option(
      names = "--max-out-of-orderness",
      paramLabel = "DURATION",
      defaultValue = "1m",
      converter = DurationConverter.class,
      description = "How far out of order events may come (default: ${DEFAULT-VALUE}).")
  Duration outOfOrderness;

  @Option(
      names = "--idleness",
      paramLabel = "DURATION",
      defaultValue = "1m",
      converter = DurationConverter.NonNegative.class,
      description =
          "A partition without records for this long stops holding the watermark back; 0s never"
              + " (default: ${DEFAULT-VALUE}).")
  Duration idleness;

  @Option(
      names = "--allowed-lateness",
      paramLabel = "DURATION",
      defaultValue = "0s",
      converter = DurationConverter.NonNegative.class,
      description =
          "Events further behind the watermark go to late_events; every event waits this long"
              + " (on top of the stitch delay) so that the less late ones are still taken in order"
              + " (default: ${DEFAULT-VALUE}).")
  Duration allowedLateness;

  @Option(
      names = "--stitch-delay",
      paramLabel = "DURATION",
      defaultValue = "10m",
      converter = DurationConverter.NonNegative.class,
      description =
          "How long events wait for identity links before they get a person; longer stitches"
              + " more live, shorter alerts sooner (default: ${DEFAULT-VALUE}).")
  Duration stitchDelay;

  @Option(
      names = "--dedup-ttl",
      paramLabel = "DURATION",
      defaultValue = "7d",
      converter = DurationConverter.class,
      description =
          "How long an event_id is remembered for de-duplication (default: ${DEFAULT-VALUE}).")
  Duration dedupTtl;

  @Option(
      names = "--alerts-topic",
      paramLabel = "NAME",
      description = "Publish friction and journey matches as JSON alerts to this topic.")
  String alertsTopic;

  @Option(
      names = "--dlq-topic",
      paramLabel = "NAME",
      description = "Also publish dead letters as JSON to this topic.")
  String deadLetterTopic;

  @Option(
      names = "--max-restarts",
      paramLabel = "N",
      description =
          "Restarts after failures before the job gives up (default: unlimited, with exponential"
              + " back-off; 0: fail at the first error).")
  Integer maxRestarts;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "${sys:omni.cores}",
      description = "Flink parallelism (default: the number of cores, ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "Names the run summary _runs/<ID>.json; keep it across restarts (default: stream-<time>).")
  String runId;

  @Mixin PipelineOptions options = new PipelineOptions();

  @Override
  public Integer call() throws Exception {
    byte[] key = HmacKeys.resolve(options.hmacKeyFile, System.getenv());
    if (parallelism < 1 || parallelism > 512) {
      throw new UserException("--parallelism must be between 1 and 512, got " + parallelism);
    }
    if (Files.exists(output) && !Files.isDirectory(output)) {
      throw new UserException("--output " + output + " exists and is not a directory");
    }
    if (maxRestarts != null && maxRestarts < 0) {
      throw new UserException("--max-restarts must be at least 0, got " + maxRestarts);
    }
    StreamRunner.StateBackend backend;
    try {
      backend =
          StreamRunner.StateBackend.valueOf(stateBackend.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new UserException(
          "--state-backend must be hashmap or rocksdb, got '" + stateBackend + "'");
    }
    if (topics.isEmpty() == (topicPattern == null)) {
      throw new UserException("give either --topic (one or more) or --topic-pattern");
    }
    if (!spec.commandLine().getParseResult().hasMatchedOption("--attribution-window")) {
      // The backfill's default (the whole range) never closes on an unbounded input.
      options.attributionWindow = bounded ? "range" : "day";
    }
    if (!bounded && options.attributionWindow() == AttributionWindows.Kind.RANGE) {
      throw new UserException(
          "--attribution-window range covers the whole input, which never ends in stream mode;"
              + " use day or week (or --bounded for a replay)");
    }
    StreamSettings settings;
    KafkaOptions kafka;
    try {
      settings =
          new StreamSettings(outOfOrderness, idleness, allowedLateness, stitchDelay, dedupTtl);
      Map<String, String> props = new LinkedHashMap<>();
      if (kafkaPropertiesFile != null) {
        props.putAll(
            PropertiesFile.load("--kafka-properties", kafkaPropertiesFile, System.getenv()));
      }
      kafkaProperties.forEach((k, v) -> props.put(k.startsWith("kafka.") ? k.substring(6) : k, v));
      Secrets.rememberSecretValues(props);
      kafka =
          (topicPattern != null
                  ? KafkaOptions.topicPattern(bootstrapServers, topicPattern)
                  : KafkaOptions.topics(bootstrapServers, topics.toArray(String[]::new)))
              .withGroupId(groupId)
              .withStartingOffsets(startingOffsets)
              .withBounded(bounded)
              .withProperties(props);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    Files.createDirectories(output);
    String id = runId != null ? runId : RunIds.next("stream");
    FlowConfig config = options.backfillConfig(List.of(), output, null, null, parallelism, key, id);
    String checkpoints =
        checkpointDir != null
            ? checkpointDir
            : output.toAbsolutePath().resolve("_checkpoints").toUri().toString();
    StreamRunner.Run run =
        new StreamRunner.Run(
            checkpoints,
            checkpointInterval,
            restoreFrom,
            alertsTopic,
            deadLetterTopic,
            maxRestarts,
            Secrets.redactArgs(spec.commandLine().getParseResult().originalArgs()),
            backend);
    Path summary = output.resolve("_runs").resolve(id + ".json");
    System.out.println(
        "Streaming from "
            + bootstrapServers
            + (bounded ? " (bounded replay)" : "")
            + "; tables under "
            + output.toAbsolutePath().normalize()
            + ", run summary "
            + summary.toAbsolutePath().normalize()
            + " (updated at each checkpoint).");
    StreamRunner.run(config, settings, kafka, run);
    if (Files.exists(summary)) {
      RunSummary s = RunSummary.read(summary);
      System.out.printf(
          "Run %s %s: %,d records in, %,d accepted, %,d duplicates, %,d late, %,d dead letters"
              + " (%s).%n",
          s.runId,
          s.status,
          s.accounting.inputRecords,
          s.accounting.acceptedEvents,
          s.accounting.duplicates,
          s.accounting.lateEvents,
          s.accounting.deadLetters,
          s.accounting.balanced() ? "balanced" : "NOT BALANCED");
      return s.accounting.balanced() ? 0 : 1;
    }
    return 0;
  }
}
