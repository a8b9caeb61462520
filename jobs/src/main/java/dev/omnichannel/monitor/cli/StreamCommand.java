package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.attribution.AttributionWindows;
import dev.omnichannel.monitor.config.PropertiesFile;
import dev.omnichannel.monitor.config.Secrets;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.io.ObjectStores;
import dev.omnichannel.monitor.io.StoreFiles;
import dev.omnichannel.monitor.io.registry.RegistryConfig;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient;
import dev.omnichannel.monitor.mapping.MappedSources;
import dev.omnichannel.monitor.mapping.Mapping;
import dev.omnichannel.monitor.mapping.MappingException;
import dev.omnichannel.monitor.stream.StreamRunner;
import dev.omnichannel.monitor.stream.StreamSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import java.util.regex.Pattern;
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
      arity = "0",
      description =
          "Stop at the offsets that are latest when the job starts (a bounded replay): every"
              + " window and journey is then closed as in a backfill.")
  boolean bounded;

  @Option(
      names = "--kafka",
      paramLabel = "PROPERTY=VALUE",
      converter = FlagConverters.KeyValue.class,
      description =
          "A Kafka client property passed through to the consumer and producers (repeatable),"
              + " e.g. --kafka security.protocol=SASL_SSL; a 'kafka.' prefix is accepted too."
              + " Overrides --kafka-properties. Put secrets in --kafka-properties instead: a"
              + " command line is visible to every user of the machine.")
  List<String> kafkaProperties = new ArrayList<>();

  @Option(
      names = "--schema-registry",
      paramLabel = "URL",
      description =
          "Base URL of a schema registry's Confluent-compatible API (e.g. http://127.0.0.1:8081,"
              + " or Apicurio's http://HOST:8080/apis/ccompat/v7). Values are then read in the"
              + " registry wire format (magic byte 0, 4-byte schema id, Avro datum) under the"
              + " current ChannelEvent schema; a value that is not becomes a dead letter. Without"
              + " it, values are plain Avro binary. Credentials come from the environment variable"
              + " OMNI_SCHEMA_REGISTRY_USER_INFO (USER:PASSWORD) or"
              + " schema.registry.basic.auth.user.info in --kafka-properties, never from a flag.")
  String schemaRegistry;

  @Option(
      names = "--mapping",
      paramLabel = "TOPIC=FILE",
      converter = FlagConverters.KeyValue.class,
      description =
          "Read TOPIC's values as rows of a legacy export (repeatable): each value is one CSV,"
              + " TSV or fixed-width line, or one JSON object, mapped to an event with the YAML"
              + " mapping FILE, as backfill --mapping reads files; a row that does not fit is a"
              + " dead letter. Other topics stay Avro ChannelEvents. See README, 'Mapping legacy"
              + " exports'.")
  List<String> mappings = new ArrayList<>();

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
      converter = OutputLocation.Converter.class,
      paramLabel = "DIR",
      required = true,
      description =
          "Output directory: <DIR>/<table>/dt=YYYY-MM-DD/*.parquet and <DIR>/_runs/. A local or"
              + " mounted folder, or s3://BUCKET/PREFIX on S3 or an S3-compatible store (MinIO,"
              + " GCS's interoperability endpoint) through Flink's S3 plugin, configured in"
              + " FLINK_CONF_DIR's config.yaml; credentials from there or AWS_* variables, never"
              + " flags. See README, 'Object storage'.")
  OutputLocation output;

  @Option(
      names = "--checkpoint-dir",
      paramLabel = "DIR",
      description =
          "Where checkpoints are kept: a folder, s3://BUCKET/PREFIX or another URI of Flink's file"
              + " systems (default: <output>/_checkpoints).")
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
      description = "Publish friction and journey matches as alerts (JSON) to this topic.")
  String alertsTopic;

  @Option(
      names = "--alerts-format",
      paramLabel = "json|registry",
      description =
          "How alerts are written: json (one JSON object per record), or registry (Avro"
              + " schemas/alert.avsc in the schema registry's wire format, registered under"
              + " <topic>-value; needs --schema-registry) (default: json).")
  String alertsFormat;

  @Option(
      names = "--dlq-topic",
      paramLabel = "NAME",
      description = "Also publish dead letters (JSON) to this topic.")
  String deadLetterTopic;

  @Option(
      names = "--dlq-format",
      paramLabel = "json|registry",
      description =
          "How dead letters are written to --dlq-topic: json, or registry (Avro"
              + " schemas/dead_letter_row.avsc in the schema registry's wire format, registered"
              + " under <topic>-value; needs --schema-registry) (default: json).")
  String deadLetterFormat;

  @Option(
      names = "--max-restarts",
      paramLabel = "N",
      converter = Numbers.AtLeastZero.class,
      description =
          "Restarts in a row after failures before the job gives up; restarts wait 1 s, then"
              + " 1.5 times longer each time up to 1 min, and an hour without a failure starts the"
              + " count over (default: unlimited; 0: fail at the first error).")
  Integer maxRestarts;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "${sys:omni.cores}",
      converter = Numbers.Parallelism.class,
      description = "Flink parallelism, 1 to 512 (default: the number of cores, ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "Names the run summary _runs/<ID>.json; keep it across restarts (default: stream-<time>).")
  String runId;

  @Mixin PipelineOptions options = new PipelineOptions();

  /** A command line whose every flag has been checked. */
  record Checked(
      StreamSettings settings,
      KafkaOptions kafka,
      StreamRunner.StateBackend backend,
      boolean alertsFramed,
      boolean deadLettersFramed,
      MappedSources mapped) {}

  private static final Pattern RUN_ID = Pattern.compile("[A-Za-z0-9._-]{1,200}");
  private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:.*");

  /**
   * Checks every flag before any work (nothing is created, no job starts): Kafka settings, paths,
   * names and the processing options. A {@link UserException} names the flag and the value.
   */
  Checked validate() {
    if (!output.isObjectStore()) {
      PathChecks.outputDir("--output", output.local());
    }
    StreamRunner.StateBackend backend;
    try {
      backend = StreamRunner.StateBackend.valueOf(stateBackend.trim().toUpperCase(Locale.ROOT));
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
    options.validate();
    if (runId != null
        && (!RUN_ID.matcher(runId).matches() || runId.equals(".") || runId.equals(".."))) {
      throw new UserException(
          "--run-id must be letters, digits, '.', '_' or '-' (it names a file), got '"
              + runId
              + "'");
    }
    Path checkpoints = localPath(checkpointDir);
    if (checkpoints != null) {
      PathChecks.outputDir("--checkpoint-dir", checkpoints);
    } else if (checkpointDir != null) {
      flinkUri("--checkpoint-dir", checkpointDir);
    }
    if (restoreFrom != null && localPath(restoreFrom) == null) {
      flinkUri("--restore-from", restoreFrom);
    }
    Path restore = localPath(restoreFrom);
    if (restore != null && !Files.exists(restore)) {
      throw new UserException("--restore-from " + restoreFrom + " does not exist");
    }
    StreamSettings settings;
    try {
      settings =
          new StreamSettings(outOfOrderness, idleness, allowedLateness, stitchDelay, dedupTtl);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    KafkaOptions kafka =
        kafka("--bootstrap-servers", () -> KafkaOptions.topics(bootstrapServers, "topic"));
    kafka =
        topicPattern != null
            ? kafka(
                "--topic-pattern", () -> KafkaOptions.topicPattern(bootstrapServers, topicPattern))
            : kafka(
                "--topic",
                () -> KafkaOptions.topics(bootstrapServers, topics.toArray(String[]::new)));
    for (String[] sink :
        new String[][] {{"--alerts-topic", alertsTopic}, {"--dlq-topic", deadLetterTopic}}) {
      if (sink[1] != null) {
        kafka(sink[0], () -> KafkaOptions.topics(bootstrapServers, sink[1]));
      }
    }
    KafkaOptions k = kafka;
    kafka = kafka("--group-id", () -> k.withGroupId(groupId));
    KafkaOptions g = kafka;
    kafka = kafka("--starting-offsets", () -> g.withStartingOffsets(startingOffsets));
    KafkaOptions o = kafka.withBounded(bounded);
    Map<String, String> props = new LinkedHashMap<>();
    if (kafkaPropertiesFile != null) {
      Map<String, String> file =
          PropertiesFile.load("--kafka-properties", kafkaPropertiesFile, System.getenv());
      Secrets.rememberSecretValues(file);
      kafka("--kafka-properties " + kafkaPropertiesFile, () -> o.withProperties(file));
      props.putAll(file);
    }
    for (String pair : kafkaProperties) {
      int eq = pair.indexOf('=');
      String name = pair.substring(0, eq).trim();
      name = name.startsWith("kafka.") ? name.substring(6) : name;
      if (name.startsWith(RegistryConfig.PREFIX) && Secrets.isSecretKey(name)) {
        throw new UserException(
            "--kafka "
                + name
                + ": the schema registry's secrets are not taken from the command line; set "
                + RegistryConfig.USER_INFO_ENV
                + " or put "
                + name
                + " in --kafka-properties");
      }
      Map<String, String> one = Map.of(name, pair.substring(eq + 1));
      Secrets.rememberSecretValues(one);
      kafka("--kafka " + pair, () -> o.withProperties(one));
      props.put(name, pair.substring(eq + 1));
    }
    Secrets.rememberSecretValues(props);
    kafka = kafka("--kafka", () -> o.withProperties(props));
    KafkaOptions p = kafka;
    if (schemaRegistry != null) {
      kafka = kafka("--schema-registry", () -> p.withSchemaRegistry(schemaRegistry));
      String env = System.getenv(RegistryConfig.USER_INFO_ENV);
      if (!props.containsKey(RegistryConfig.USER_INFO) && env != null && !env.isBlank()) {
        props.put(RegistryConfig.USER_INFO, env.trim());
        KafkaOptions r = kafka;
        kafka = kafka(RegistryConfig.USER_INFO_ENV, () -> r.withProperties(props));
      }
      KafkaOptions r = kafka;
      kafka("--schema-registry " + schemaRegistry, () -> checkRegistry(r));
    }
    boolean alertsFramed = framed("--alerts-format", alertsFormat, "--alerts-topic", alertsTopic);
    boolean deadLettersFramed =
        framed("--dlq-format", deadLetterFormat, "--dlq-topic", deadLetterTopic);
    return new Checked(settings, kafka, backend, alertsFramed, deadLettersFramed, mapped());
  }

  /** The registry's settings are usable (credentials, trust store); returns {@code kafka}. */
  private static KafkaOptions checkRegistry(KafkaOptions kafka) {
    kafka.registry().sslContext();
    return kafka;
  }

  /**
   * Whether {@code option} asks for the registry format: json (or not given) or registry, which
   * needs --schema-registry; the option applies to its topic only.
   */
  private boolean framed(String option, String value, String topicOption, String topic) {
    if (value == null) {
      return false;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (!v.equals("json") && !v.equals("registry")) {
      throw new UserException(option + " must be json or registry, got '" + value + "'");
    }
    if (topic == null) {
      throw new UserException(option + " " + value + " applies to " + topicOption + " only");
    }
    if (v.equals("registry") && schemaRegistry == null) {
      throw new UserException(option + " registry needs --schema-registry URL");
    }
    return v.equals("registry");
  }

  /**
   * Asks the registry whether it accepts the credentials, before the job starts: refused
   * credentials are a {@link UserException} naming the registry; a registry that does not answer
   * now is left to the job, which retries until it does.
   */
  static void checkRegistryAccess(RegistryConfig registry) {
    try {
      registry.client().checkAccess();
    } catch (SchemaRegistryClient.RegistryUnavailableException e) {
      if (e.refusedCredentials()) {
        throw new UserException(e.getMessage());
      }
    }
  }

  /**
   * The topics of {@code --mapping TOPIC=FILE}: each read by this job (one of {@code --topic}, or
   * matching {@code --topic-pattern}), named once, with a mapping file that reads and checks.
   */
  private MappedSources mapped() {
    MappedSources mapped = MappedSources.NONE;
    for (String pair : mappings) {
      int eq = pair.indexOf('=');
      String topic = pair.substring(0, eq).trim();
      String file = pair.substring(eq + 1).trim();
      if (file.isEmpty()) {
        throw new UserException("--mapping " + pair + ": no mapping file after '='");
      }
      boolean read =
          topicPattern != null
              ? java.util.regex.Pattern.compile(topicPattern).matcher(topic).matches()
              : topics.contains(topic);
      if (!read) {
        throw new UserException(
            "--mapping "
                + pair
                + ": topic "
                + topic
                + " is not read by this job ("
                + (topicPattern != null
                    ? "it does not match --topic-pattern " + topicPattern
                    : "--topic " + String.join(", ", topics))
                + ")");
      }
      if (mapped.forTopic(topic) != null) {
        throw new UserException("--mapping " + pair + ": topic " + topic + " is mapped twice");
      }
      Path path = Path.of(file);
      try {
        PathChecks.inputFile("--mapping", path);
      } catch (UserException e) {
        // "--mapping FILE does not exist" as "--mapping TOPIC=FILE: FILE does not exist"
        throw new UserException(
            "--mapping " + pair + ": " + e.getMessage().substring("--mapping ".length()));
      }
      Mapping mapping;
      try {
        mapping = Mapping.read(path);
      } catch (MappingException e) {
        throw new UserException("--mapping " + topic + "=" + e.getMessage(), e);
      }
      mapped = mapped.withTopic(topic, mapping);
    }
    return mapped;
  }

  /** Checks a URI given to Flink's file systems; a {@link UserException} names the flag. */
  private static void flinkUri(String flag, String value) {
    try {
      OutputLocation.checkFlinkUri(value);
    } catch (IllegalArgumentException e) {
      String why = e.getMessage();
      throw new UserException(flag + (why.startsWith("'") ? ": " : " ") + why);
    }
  }

  /** Whether the output, the checkpoints or the savepoint to restore live in an object store. */
  private boolean usesObjectStores() {
    return output.isObjectStore()
        || (checkpointDir != null && ObjectStores.isObjectStore(checkpointDir))
        || (restoreFrom != null && ObjectStores.isObjectStore(restoreFrom));
  }

  /**
   * Registers Flink's S3 file system (only when some location is an object store) and opens the
   * output's store, which checks its settings without a request. The bucket itself is not probed
   * before the start: the first checkpoint writes to it, and fails naming the path if it cannot.
   */
  private void openObjectStores() {
    if (!usesObjectStores()) {
      return;
    }
    for (String[] location :
        new String[][] {
          {"--output", output.isObjectStore() ? output.uri() : null},
          {"--checkpoint-dir", checkpointDir},
          {"--restore-from", restoreFrom}
        }) {
      if (location[1] != null && ObjectStores.isObjectStore(location[1])) {
        ObjectStoreChecks.initialize(location[0]); // once per process; names the first such flag
        ObjectStoreChecks.open(location[0], location[1]);
      }
    }
  }

  /** Kafka settings from {@code build}, or a {@link UserException} naming {@code flag}. */
  private static KafkaOptions kafka(String flag, Supplier<KafkaOptions> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new UserException(flag + ": " + e.getMessage());
    }
  }

  /** The local path of a path or {@code file:} URI, or null for another scheme or none. */
  private static Path localPath(String value) {
    if (value == null) {
      return null;
    }
    if (value.startsWith("file:")) {
      try {
        return Path.of(URI.create(value));
      } catch (IllegalArgumentException e) {
        throw new UserException("'" + value + "' is not a file: URI (" + e.getMessage() + ")");
      }
    }
    return URI_SCHEME.matcher(value).matches() ? null : Path.of(value);
  }

  @Override
  public Integer call() throws Exception {
    Checked checked = validate();
    byte[] key = HmacKeys.resolve(options.hmacKeyFile, System.getenv());
    StreamSettings settings = checked.settings();
    KafkaOptions kafka = checked.kafka();
    StreamRunner.StateBackend backend = checked.backend();
    if (kafka.registry() != null) {
      checkRegistryAccess(kafka.registry());
    }
    openObjectStores();
    if (!output.isObjectStore()) {
      Files.createDirectories(output.local());
    }
    String id = runId != null ? runId : RunIds.next("stream");
    FlowConfig config =
        options.streamConfig(output.value(), parallelism, key, id).withMapped(checked.mapped());
    String checkpoints =
        checkpointDir != null
            ? checkpointDir
            : output.isObjectStore()
                ? output.resolve("_checkpoints")
                : output.local().toAbsolutePath().resolve("_checkpoints").toUri().toString();
    StreamRunner.Run run =
        new StreamRunner.Run(
            checkpoints,
            checkpointInterval,
            restoreFrom,
            alertsTopic,
            deadLetterTopic,
            maxRestarts,
            Secrets.redactArgs(spec.commandLine().getParseResult().originalArgs()),
            backend,
            checked.alertsFramed(),
            checked.deadLettersFramed());
    String summary =
        output.isObjectStore()
            ? output.resolve("_runs/" + id + ".json")
            : output
                .local()
                .resolve("_runs")
                .resolve(id + ".json")
                .toAbsolutePath()
                .normalize()
                .toString();
    System.out.println(
        "Streaming from "
            + bootstrapServers
            + (bounded ? " (bounded replay)" : "")
            + "; tables under "
            + (output.isObjectStore()
                ? output.uri()
                : output.local().toAbsolutePath().normalize().toString())
            + ", run summary "
            + summary
            + " (updated at each checkpoint).");
    StreamRunner.run(config, settings, kafka, run);
    RunSummary s = readSummary(summary);
    if (s != null) {
      System.out.printf(
          "Run %s %s: %,d records in, %,d accepted, %,d duplicates, %,d late, %,d dead letters,"
              + " %,d suppressed (%s).%n",
          s.runId,
          s.status,
          s.accounting.inputRecords,
          s.accounting.acceptedEvents,
          s.accounting.duplicates,
          s.accounting.lateEvents,
          s.accounting.deadLetters,
          s.accounting.suppressed,
          s.accounting.balanced() ? "balanced" : "NOT BALANCED");
      return s.accounting.balanced() ? 0 : 1;
    }
    return 0;
  }

  /** The run summary at {@code file} (a local path or an object store's URI), or null if none. */
  private static RunSummary readSummary(String file) throws java.io.IOException {
    if (!ObjectStores.isObjectStore(file)) {
      Path local = Path.of(file);
      return Files.exists(local) ? RunSummary.read(local) : null;
    }
    byte[] json = StoreFiles.readOrNull(new org.apache.flink.core.fs.Path(file));
    return json == null ? null : RunSummary.fromJson(json);
  }
}
