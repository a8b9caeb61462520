package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GroundTruth;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The {@code generate} subcommand: flags, errors and the summary. */
class GenerateCommandTest {
  @TempDir Path tmp;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  /** Runs {@code generate} through the real entry point: a bad flag prints one line, exit 2. */
  private int run(String... args) {
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true));
    cl.setErr(new PrintWriter(err, true));
    String[] all = new String[args.length + 1];
    all[0] = "generate";
    System.arraycopy(args, 0, all, 1, args.length);
    return cl.execute(all);
  }

  @Test
  void shouldGenerateAndPrintASummary() throws IOException {
    Path dir = tmp.resolve("out");
    int code =
        run(
            "--output",
            dir.toString(),
            "--customers",
            "50",
            "--days",
            "20",
            "--seed",
            "3",
            "--bad-ratio",
            "0.1",
            "--format",
            "AVRO");
    assertThat(code).as(err.toString()).isZero();
    GroundTruth truth = GroundTruth.read(dir.resolve("ground-truth.json"));
    assertThat(truth.customers()).isEqualTo(50);
    assertThat(truth.days()).isEqualTo(20);
    assertThat(truth.seed()).isEqualTo(3);
    assertThat(truth.format()).isEqualTo("avro");
    assertThat(truth.start()).isEqualTo("2026-01-01");
    String[] lines = out.toString().split("\\R");
    assertThat(lines).hasSize(3);
    assertThat(lines[0])
        .startsWith("Wrote " + String.format("%,d", truth.counts().records()) + " records");
    assertThat(lines[2]).isEqualTo("Ground truth: " + dir.resolve("ground-truth.json"));
    try (var files = Files.list(dir.resolve("events"))) {
      assertThat(files).allMatch(p -> p.toString().endsWith(".avro"));
    }
  }

  @Test
  void shouldHonourGzipStartAndNoGroundTruth() throws IOException {
    Path dir = tmp.resolve("gz");
    int code =
        run(
            "--output",
            dir.toString(),
            "--customers",
            "20",
            "--days",
            "3",
            "--gzip",
            "--start",
            "2027-03-01",
            "--no-ground-truth");
    assertThat(code).as(err.toString()).isZero();
    assertThat(dir.resolve("ground-truth.json")).doesNotExist();
    assertThat(out.toString()).contains("Ground truth: not written");
    try (var files = Files.list(dir.resolve("events"))) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
          .isNotEmpty()
          .allMatch(n -> n.matches("events-2027-03-0[1-3]\\.jsonl\\.gz"));
    }
  }

  @Test
  void shouldDeriveCustomersFromEvents() throws IOException {
    Path dir = tmp.resolve("events");
    assertThat(run("--output", dir.toString(), "--events", "5000", "--days", "30")).isZero();
    GroundTruth truth = GroundTruth.read(dir.resolve("ground-truth.json"));
    GeneratorConfig cfg = GeneratorConfig.defaults().withDays(30).withTargetEvents(5000);
    assertThat(truth.customers()).isEqualTo(Generator.customersFor(cfg));
    assertThat(truth.counts().records()).isBetween(4000L, 6000L);
  }

  @Test
  void shouldRejectBadValuesNamingThem() {
    String o = tmp.resolve("x").toString();
    assertError(
        run("--output", o, "--bad-ratio", "0.9"), "--bad-ratio must be between 0 and 0.5, got 0.9");
    assertError(
        run("--output", o, "--customers", "0"),
        "--customers must be between 1 and 10000000, got 0");
    assertError(
        run("--output", o, "--days", "4000"), "--days must be between 1 and 3650, got 4000");
    assertError(run("--output", o, "--format", "xml"), "--format must be avro or jsonl, got 'xml'");
    assertError(
        run("--output", o, "--format", "avro", "--gzip"),
        "--gzip applies to --format jsonl only, got --format avro");
    assertError(
        run("--output", o, "--events", "0"), "--events must be between 1 and 1000000000, got 0");
    assertError(
        run("--output", o, "--events", "10", "--customers", "5"),
        "--customers and --events exclude each other; give one of them");
    assertError(
        run("--output", o, "--start", "1990-01-01"),
        "--start 1990-01-01 with --days 60 leaves the plausible event-time range 2000-01-01 to 2100-01-01");
    assertThat(tmp.resolve("x")).doesNotExist();
  }

  @Test
  void shouldRejectBadKafkaFlagsNamingThem() {
    String o = tmp.resolve("k").toString();
    assertError(run("--output", o, "--kafka", "127.0.0.1:9092"), "--kafka needs --topic NAME");
    assertError(run("--output", o, "--topic", "events"), "--topic applies to --kafka only");
    assertError(
        run("--output", o, "--kafka-property", "acks=1"),
        "--kafka-property applies to --kafka only");
    assertError(
        run("--output", o, "--kafka", "127.0.0.1:9092", "--topic", "t", "--format", "avro"),
        "--kafka writes Avro binary records; --format and --gzip apply to files only");
    assertError(
        run("--kafka", "127.0.0.1:9092", "--topic", "t"),
        "--output DIR is required for ground-truth.json (or give --no-ground-truth)");
    assertError(
        run("--output", o, "--kafka", "broker-without-port", "--topic", "t"),
        "Kafka bootstrap servers 'broker-without-port': 'broker-without-port' is not host:port");
    assertError(
        run("--output", o, "--kafka", "127.0.0.1:9092", "--topic", "bad topic"),
        "Kafka topic 'bad topic' is not a valid topic name (letters, digits, . _ -)");
    assertError(
        run("--output", o, "--kafka", "127.0.0.1:9092", "--topic", "t", "--kafka-property", "acks"),
        "Kafka property 'acks' is not PROPERTY=VALUE");
    assertError(
        run(
            "--output",
            o,
            "--kafka",
            "127.0.0.1:9092",
            "--topic",
            "t",
            "--kafka-property",
            "bootstrap.servers=x:1"),
        "Kafka property 'bootstrap.servers' cannot be passed through: it is set by its own option");
    assertThat(tmp.resolve("k")).doesNotExist();
  }

  @Test
  void shouldReportUsageErrorsWithExitCodeTwo() {
    assertThat(run("--customers", "5")).isEqualTo(2);
    assertThat(err.toString()).contains("--output DIR is required");
    assertThat(run("--output", "o", "--customers", "many")).isEqualTo(2);
    assertThat(err.toString()).contains("--customers: 'many' is not a whole number");
    assertThat(run("--output", "o", "--start", "2026-13-01")).isEqualTo(2);
    assertThat(run("--output", "o", "--bogus")).isEqualTo(2);
    assertThat(err.toString()).contains("Unknown option: '--bogus'");
  }

  @Test
  void shouldExplainEveryFlagInHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString())
        .contains(
            "--output",
            "--customers",
            "--days",
            "--seed",
            "--format",
            "--gzip",
            "--bad-ratio",
            "--start",
            "--events",
            "--no-ground-truth");
  }

  private void assertError(int code, String message) {
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains(message);
  }
}
