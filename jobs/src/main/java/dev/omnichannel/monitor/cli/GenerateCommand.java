package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.config.PropertiesFile;
import dev.omnichannel.monitor.config.Secrets;
import dev.omnichannel.monitor.generate.GenerateSummary;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GeneratorConfig.Format;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.generate.KafkaTarget;
import dev.omnichannel.monitor.io.KafkaOptions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
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
      description = "Number of customers, 1..10000000 (default: 1000).")
  Integer customers;

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "60",
      description = "Length of the period in days, 1..3650 (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "42",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--format",
      paramLabel = "avro|jsonl",
      description = "File format: jsonl or avro (default: jsonl).")
  String format;

  @Option(names = "--gzip", description = "Gzip the JSON Lines files (jsonl only).")
  boolean gzip;

  @Option(
      names = "--bad-ratio",
      paramLabel = "R",
      defaultValue = "0",
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
      description =
          "Approximate total number of records; the number of customers is derived from it"
              + " (instead of --customers).")
  Long events;

  @Option(names = "--no-ground-truth", description = "Do not write ground-truth.json.")
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

  @Override
  public Integer call() throws IOException {
    GeneratorConfig cfg = config();
    Generator.Estimate estimate = Generator.estimate(cfg);
    long heap = estimate.heapBytes();
    long max = Runtime.getRuntime().maxMemory();
    if (heap > max * 0.8) {
      throw new UserException(
          String.format(
              Locale.ROOT,
              "this run needs about %d MB of heap but the JVM has %d MB: lower --customers,"
                  + " --events or --days, or raise -Xmx",
              heap >> 20,
              max >> 20));
    }
    long t0 = System.nanoTime();
    GeneratorConfig run = cfg.withCustomers(estimate.customers()).withTargetEvents(0);
    KafkaTarget target = kafkaTarget();
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
   * The Kafka target of --kafka, --topic, --kafka-properties and --kafka-property (which overrides
   * the file), or null for files.
   */
  KafkaTarget kafkaTarget() {
    if (kafka == null) {
      return null;
    }
    Map<String, String> props = new LinkedHashMap<>();
    try {
      if (kafkaPropertiesFile != null) {
        props.putAll(
            PropertiesFile.load("--kafka-properties", kafkaPropertiesFile, System.getenv()));
      }
      props.putAll(KafkaOptions.parseProperties(kafkaProperties));
      Secrets.rememberSecretValues(props);
      // validates the servers and the topic name the way the job's source does
      KafkaOptions.topics(kafka, topic).withProperties(props);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    return new KafkaTarget(kafka.trim(), topic, props);
  }

  /** Checks the flags and turns them into a configuration. */
  GeneratorConfig config() {
    if (customers != null && events != null) {
      throw new UserException("--customers and --events exclude each other; give one of them");
    }
    int n = customers != null ? customers : GeneratorConfig.defaults().customers();
    if (n < 1 || n > GeneratorConfig.MAX_CUSTOMERS) {
      throw new UserException(
          "--customers must be between 1 and " + GeneratorConfig.MAX_CUSTOMERS + ", got " + n);
    }
    if (days < 1 || days > GeneratorConfig.MAX_DAYS) {
      throw new UserException(
          "--days must be between 1 and " + GeneratorConfig.MAX_DAYS + ", got " + days);
    }
    if (kafka == null
        && (topic != null || !kafkaProperties.isEmpty() || kafkaPropertiesFile != null)) {
      throw new UserException(
          (topic != null
                  ? "--topic"
                  : kafkaPropertiesFile != null ? "--kafka-properties" : "--kafka-property")
              + " applies to --kafka only");
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
        default -> throw new UserException("--format must be avro or jsonl, got " + format);
      }
    }
    if (gzip && f != Format.JSONL) {
      throw new UserException("--gzip applies to --format jsonl only, got --format " + format);
    }
    if (!(badRatio >= 0 && badRatio <= GeneratorConfig.MAX_BAD_RATIO)) {
      throw new UserException(
          "--bad-ratio must be between 0 and "
              + GeneratorConfig.MAX_BAD_RATIO
              + ", got "
              + badRatio);
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
    long target = 0;
    if (events != null) {
      if (events < 1 || events > GeneratorConfig.MAX_TARGET_EVENTS) {
        throw new UserException(
            "--events must be between 1 and "
                + GeneratorConfig.MAX_TARGET_EVENTS
                + ", got "
                + events);
      }
      target = events;
    }
    if (output != null && Files.exists(output) && !Files.isDirectory(output)) {
      throw new UserException("--output " + output + " exists and is not a directory");
    }
    return new GeneratorConfig(n, days, seed, start, f, gzip, badRatio, !noGroundTruth, target);
  }
}
