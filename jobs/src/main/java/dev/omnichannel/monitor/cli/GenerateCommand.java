package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.config.PropertiesFile;
import dev.omnichannel.monitor.config.Secrets;
import dev.omnichannel.monitor.generate.GenerateSummary;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GeneratorConfig.Format;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.generate.KafkaTarget;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.io.registry.RegistryConfig;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The {@code generate} subcommand: writes a synthetic omnichannel data set with planted journeys,
 * friction, guard cases and broken records, plus {@code ground-truth.json}. Invalid values throw a
 * {@link UserException} that names the flag and the value.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Generates synthetic omnichannel customer events with planted ground truth.",
      "Writes <output>/events/events-YYYY-MM-DD.(jsonl|jsonl.gz|avro), one file per UTC day,"
          + " and <output>/ground-truth.json. The same flags always give the same bytes.",
      "With --kafka and --topic, writes the same records in the same order to an existing Kafka"
          + " topic instead of files (Avro binary ChannelEvent values, keyed by event_id), and"
          + " <output>/ground-truth.json with the topic/partition/offset of every bad record."
          + " Create the topic first; the ground truth is reproducible when it starts empty."
    })
public final class GenerateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--output",
      converter = LocalPathConverter.class,
      paramLabel = "DIR",
      description =
          "Output directory; events go to DIR/events, ground truth to DIR. Required, except with"
              + " --kafka and --no-ground-truth.")
  Path output;

  @Option(
      names = "--customers",
      paramLabel = "N",
      converter = Numbers.Customers.class,
      description = "Number of customers, 1..10000000 (default: 1000).")
  Integer customers;

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "60",
      converter = Numbers.Days.class,
      description = "Length of the period in days, 1..3650 (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      converter = Numbers.Seed.class,
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--format",
      paramLabel = "avro|jsonl",
      description = "File format: jsonl or avro (default: jsonl).")
  String format;

  @Option(names = "--gzip", arity = "0", description = "Gzip the JSON Lines files (jsonl only).")
  boolean gzip;

  @Option(
      names = "--bad-ratio",
      paramLabel = "R",
      defaultValue = "0",
      converter = Numbers.BadRatio.class,
      description =
          "Fraction of broken records (malformed, missing fields, absurd times, duplicates, ...),"
              + " 0..0.5 (default: ${DEFAULT-VALUE}).")
  double badRatio;

  @Option(
      names = "--start",
      paramLabel = "DATE",
      defaultValue = "2026-01-01",
      description = "First UTC day of the period, YYYY-MM-DD (default: ${DEFAULT-VALUE}).")
  LocalDate start;

  @Option(
      names = "--events",
      paramLabel = "N",
      converter = Numbers.Events.class,
      description =
          "Approximate total number of records, 1..1000000000; the number of customers is derived"
              + " from it (instead of --customers).")
  Long events;

  @Option(names = "--no-ground-truth", arity = "0", description = "Do not write ground-truth.json.")
  boolean noGroundTruth;

  @Option(
      names = "--kafka",
      paramLabel = "BOOTSTRAP",
      description =
          "Write to Kafka instead of files: the bootstrap servers, host:port[,host:port...]."
              + " Needs --topic.")
  String kafka;

  @Option(
      names = "--topic",
      paramLabel = "NAME",
      description = "The Kafka topic to write to (with --kafka); it must exist.")
  String topic;

  @Option(
      names = "--kafka-property",
      paramLabel = "K=V",
      description =
          "A Kafka producer property, e.g. security.protocol=SASL_SSL (repeatable; with --kafka);"
              + " overrides --kafka-properties. Put secrets in --kafka-properties instead.")
  List<String> kafkaProperties = new ArrayList<>();

  @Option(
      names = "--kafka-properties",
      paramLabel = "FILE",
      description =
          "Kafka producer properties from a file (Java properties format, the usual"
              + " client.properties; with --kafka); $${NAME} in a value is replaced by the"
              + " environment variable NAME.")
  Path kafkaPropertiesFile;

  @Option(
      names = "--schema-registry",
      paramLabel = "URL",
      description =
          "With --kafka: write values in the schema registry's wire format (magic byte 0, 4-byte"
              + " schema id, Avro datum), as Confluent's and Apicurio's serializers do. The"
              + " ChannelEvent schema is registered under the subject <topic>-value at the"
              + " registry's Confluent-compatible API at URL (e.g. http://127.0.0.1:8081, or"
              + " Apicurio's http://HOST:8080/apis/ccompat/v7) and its id frames every value."
              + " Credentials: OMNI_SCHEMA_REGISTRY_USER_INFO or schema.registry.basic.auth.user.info"
              + " in --kafka-properties.")
  String schemaRegistry;

  @Override
  public Integer call() throws IOException {
    GeneratorConfig cfg = config();
    Generator.Estimate estimate =
        checkHeap(
            cfg,
            (events != null ? "--events " + events : "--customers " + cfg.customers())
                + " with --days "
                + days);
    long t0 = System.nanoTime();
    GeneratorConfig run = cfg.withCustomers(estimate.customers()).withTargetEvents(0);
    KafkaTarget target = register(kafkaTarget());
    GroundTruth truth =
        target == null ? Generator.generate(run, output) : Generator.generate(run, output, target);
    long millis = (System.nanoTime() - t0) / 1_000_000;
    PrintWriter out = spec.commandLine().getOut();
    out.print(
        target == null
            ? GenerateSummary.describe(truth, output, cfg.groundTruth(), millis)
            : GenerateSummary.describeKafka(truth, target, output, cfg.groundTruth(), millis));
    out.flush();
    return 0;
  }

  /**
   * The size of the data set of {@code cfg}, which is held in memory while it is generated; a
   * {@link UserException} naming {@code flags} (the flags and values that set the size) when it
   * would not fit in the heap, before any of it is generated.
   */
  static Generator.Estimate checkHeap(GeneratorConfig cfg, String flags) {
    Generator.Estimate estimate = Generator.estimate(cfg);
    long heap = estimate.heapBytes();
    long max = Runtime.getRuntime().maxMemory();
    if (heap > max * 0.8) {
      throw new UserException(
          String.format(
              Locale.ROOT,
              "%s needs about %d MB of heap to generate, but the JVM has %d MB: give less, or"
                  + " raise -Xmx",
              flags,
              heap >> 20,
              max >> 20));
    }
    return estimate;
  }

  /**
   * The Kafka target of --kafka, --topic, --kafka-properties and --kafka-property (which overrides
   * the file), or null for files.
   */
  KafkaTarget kafkaTarget() {
    if (kafka == null) {
      return null;
    }
    // validates the servers, the topic name and the properties the way the job's source does
    kafka("--kafka", () -> KafkaOptions.topics(kafka, "topic"));
    KafkaOptions target = kafka("--topic", () -> KafkaOptions.topics(kafka, topic));
    Map<String, String> props = new LinkedHashMap<>();
    if (kafkaPropertiesFile != null) {
      Map<String, String> file =
          PropertiesFile.load("--kafka-properties", kafkaPropertiesFile, System.getenv());
      Secrets.rememberSecretValues(file);
      kafka("--kafka-properties " + kafkaPropertiesFile, () -> target.withProperties(file));
      props.putAll(file);
    }
    for (String pair : kafkaProperties) {
      Map<String, String> one = new LinkedHashMap<>();
      kafka(
          "--kafka-property " + pair,
          () -> {
            one.putAll(KafkaOptions.parseProperties(List.of(pair)));
            for (String name : one.keySet()) {
              if (name.startsWith(RegistryConfig.PREFIX) && Secrets.isSecretKey(name)) {
                throw new UserException(
                    "--kafka-property "
                        + name
                        + ": the schema registry's secrets are not taken from the command line;"
                        + " set "
                        + RegistryConfig.USER_INFO_ENV
                        + " or put "
                        + name
                        + " in --kafka-properties");
              }
            }
            Secrets.rememberSecretValues(one);
            return target.withProperties(one);
          });
      props.putAll(one);
    }
    KafkaOptions all = kafka("--kafka-property", () -> target.withProperties(props));
    if (schemaRegistry == null) {
      return new KafkaTarget(kafka.trim(), topic, all.clientProperties());
    }
    KafkaOptions framed = kafka("--schema-registry", () -> all.withSchemaRegistry(schemaRegistry));
    RegistryConfig registry;
    try {
      registry = RegistryConfig.of(framed.schemaRegistry(), framed.properties(), System.getenv());
      registry.sslContext();
    } catch (IllegalArgumentException e) {
      throw new UserException("--schema-registry " + schemaRegistry + ": " + e.getMessage());
    }
    return new KafkaTarget(kafka.trim(), topic, framed.clientProperties(), registry, null);
  }

  /**
   * {@code target} with the id of the ChannelEvent schema under the subject {@code <topic>-value}
   * when it writes for a schema registry (registering the schema there), else as it is.
   */
  static KafkaTarget register(KafkaTarget target) throws IOException {
    if (target == null || target.registry() == null) {
      return target;
    }
    String subject = target.topic() + "-value";
    try {
      int id = target.registry().client().register(subject, ChannelEvent.getClassSchema());
      return target.withSchemaId(id);
    } catch (SchemaRegistryClient.RegistryUnavailableException e) {
      if (e.refusedCredentials() || e.status() == 409 || e.status() == 422) {
        throw new UserException("--schema-registry: " + e.getMessage());
      }
      throw new IOException(
          "cannot register the ChannelEvent schema under " + subject + ": " + e.getMessage(), e);
    }
  }

  /** Kafka settings from {@code build}, or a {@link UserException} naming {@code flag}. */
  private static KafkaOptions kafka(String flag, java.util.function.Supplier<KafkaOptions> build) {
    try {
      return build.get();
    } catch (IllegalArgumentException e) {
      throw new UserException(flag + ": " + e.getMessage());
    }
  }

  /** Checks the flags and turns them into a configuration. */
  GeneratorConfig config() {
    if (customers != null && events != null) {
      throw new UserException("--customers and --events exclude each other; give one of them");
    }
    // --customers, --days, --bad-ratio and --events are in range: their converters check it
    int n = customers != null ? customers : GeneratorConfig.defaults().customers();
    if (kafka == null
        && (topic != null || !kafkaProperties.isEmpty() || kafkaPropertiesFile != null)) {
      throw new UserException(
          (topic != null
                  ? "--topic"
                  : kafkaPropertiesFile != null ? "--kafka-properties" : "--kafka-property")
              + (topic == null && kafkaProperties.isEmpty() ? " " + kafkaPropertiesFile : "")
              + " applies to --kafka only");
    }
    if (kafka == null && schemaRegistry != null) {
      throw new UserException(
          "--schema-registry "
              + schemaRegistry
              + " applies to --kafka only (files are plain Avro)");
    }
    if (kafka != null && topic == null) {
      throw new UserException("--kafka needs --topic NAME");
    }
    if (kafka != null && (format != null || gzip)) {
      throw new UserException(
          "--kafka writes Avro binary records; --format and --gzip apply to files only");
    }
    if (output == null && (kafka == null || !noGroundTruth)) {
      throw new UserException(
          kafka == null
              ? "--output DIR is required"
              : "--output DIR is required for ground-truth.json (or give --no-ground-truth)");
    }
    Format f;
    if (kafka != null) {
      f = Format.KAFKA;
      kafkaTarget(); // validates --kafka, --topic, --kafka-properties and --kafka-property
    } else {
      String name = format == null ? "jsonl" : format.trim().toLowerCase(Locale.ROOT);
      switch (name) {
        case "jsonl" -> f = Format.JSONL;
        case "avro" -> f = Format.AVRO;
        default -> throw new UserException("--format must be avro or jsonl, got '" + format + "'");
      }
    }
    if (gzip && f != Format.JSONL) {
      throw new UserException("--gzip applies to --format jsonl only, got --format " + format);
    }
    if (start.isBefore(GeneratorConfig.PLAUSIBLE_FROM)
        || start.plusDays(days).isAfter(GeneratorConfig.PLAUSIBLE_TO)) {
      throw new UserException(
          "--start "
              + start
              + " with --days "
              + days
              + " leaves the plausible event-time range "
              + GeneratorConfig.PLAUSIBLE_FROM
              + " to "
              + GeneratorConfig.PLAUSIBLE_TO);
    }
    long target = events != null ? events : 0;
    if (output != null) {
      PathChecks.outputDir("--output", output);
    }
    return new GeneratorConfig(n, days, seed, start, f, gzip, badRatio, !noGroundTruth, target);
  }
}
