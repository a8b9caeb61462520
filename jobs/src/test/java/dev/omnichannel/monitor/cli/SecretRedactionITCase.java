package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.testing.CapturedOutput;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets stay secret: a backfill and a stream run on a real broker, given fake secrets the way
 * users give real ones (a Kafka JAAS configuration on the command line, a key password in a {@code
 * --kafka-properties} file, the HMAC key in its file), leave no trace of them in any file under the
 * output directory (run summaries, Parquet files read as bytes and as rows, dead letters,
 * checkpoints, the generator's ground truth), on the Kafka topics the job writes, or in anything
 * printed or logged at INFO by the job, Flink or the Kafka clients. The run summary records the
 * command line with {@code ***} where a secret was.
 */
class SecretRedactionITCase {
  /** Every fake secret here contains this; it must appear nowhere. */
  private static final String FAKE = "hunter2-FAKE";

  private static final String CLI_PASSWORD = FAKE + "-cli-7c41";
  private static final String FILE_PASSWORD = FAKE + "-file-93d2";
  private static final String HMAC_KEY = FAKE + "-hmac-key-5e07";
  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"analyst\""
          + " password=\""
          + CLI_PASSWORD
          + "\";";

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path keyFile() throws Exception {
    Path key = dir.resolve("secrets").resolve("hmac.key");
    Files.createDirectories(key.getParent());
    Files.writeString(key, HMAC_KEY + "\n");
    return key;
  }

  @Test
  void backfillShouldLeaveTheHmacKeyAndSecretLookingArgumentsNowhere() throws Exception {
    Path gen = dir.resolve("generated");
    assertThat(
            Main.execute(
                "generate",
                "--customers",
                "60",
                "--days",
                "10",
                "--seed",
                "3",
                "--bad-ratio",
                "0.05",
                "--output",
                gen.toString()))
        .isZero();
    Path key = keyFile();
    Path out = dir.resolve("out");
    List<String> args =
        List.of(
            "backfill",
            "--input",
            gen.resolve("events").toString(),
            "--output",
            out.toString(),
            "--parallelism",
            "2",
            "--hmac-key-file",
            key.toString(),
            // backfill takes no secret on its command line; a secret-shaped value in a flag that
            // accepts any text shows that its recorded arguments are masked all the same
            "--blocked-identity-value",
            "api.token=" + FAKE + "-arg");
    int code;
    String printed;
    try (CapturedOutput captured = CapturedOutput.start()) {
      code = Main.execute(args.toArray(String[]::new));
      printed = captured.out() + captured.err() + captured.logs();
    }
    assertThat(code).as(printed).isZero();

    assertNowhere(out, printed, Set.of("dead_letters", "events", "journeys"));
    JsonNode summary = onlySummary(out);
    List<String> recorded = new ArrayList<>(args);
    recorded.set(recorded.size() - 1, "api.token=***");
    assertThat(strings(summary.get("arguments"))).isEqualTo(recorded);
    assertThat(summary.get("accounting").get("balanced").asBoolean()).isTrue();
    assertThat(summary.get("accounting").get("dead_letters").asLong()).isPositive();
  }

  @Test
  void streamShouldLeaveKafkaPasswordsAndTheHmacKeyNowhere() throws Exception {
    Path key = keyFile();
    // Kafka's clients ignore SASL and SSL settings on a PLAINTEXT connection, so the test broker
    // can be reached while the job is handed a JAAS configuration and a key password.
    Path producerProps = dir.resolve("secrets").resolve("producer.properties");
    Files.writeString(producerProps, "ssl.key.password=" + FILE_PASSWORD + "\nacks=all\n");
    Path consumerProps = dir.resolve("secrets").resolve("client.properties");
    Files.writeString(
        consumerProps,
        "security.protocol=PLAINTEXT\n"
            + "sasl.mechanism=PLAIN\n"
            + "ssl.key.password="
            + FILE_PASSWORD
            + "\n"
            + "ssl.keystore.password="
            + FILE_PASSWORD
            + "\n");
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("events", 2);
      broker.createTopic("alerts", 1);
      broker.createTopic("dead-letters", 1);
      Path gen = dir.resolve("generated");
      Path out = dir.resolve("stream");
      List<String> args =
          List.of(
              "stream",
              "--bootstrap-servers",
              broker.bootstrapServers(),
              "--topic",
              "events",
              "--group-id",
              "secrets-itcase",
              "--starting-offsets",
              "earliest",
              "--bounded",
              "--kafka-properties",
              consumerProps.toString(),
              "--kafka",
              "sasl.jaas.config=" + JAAS,
              "--kafka=client.rack=rack-1",
              "--output",
              out.toString(),
              "--checkpoint-interval",
              "1s",
              "--max-out-of-orderness",
              "2d",
              "--stitch-delay",
              "400d",
              "--alerts-topic",
              "alerts",
              "--dlq-topic",
              "dead-letters",
              "--parallelism",
              "2",
              "--run-id",
              "secrets-itcase",
              "--max-restarts",
              "0",
              "--hmac-key-file",
              key.toString());
      int generated;
      int code;
      String printed;
      try (CapturedOutput captured = CapturedOutput.start()) {
        generated =
            Main.execute(
                "generate",
                "--kafka",
                broker.bootstrapServers(),
                "--topic",
                "events",
                "--kafka-properties",
                producerProps.toString(),
                "--kafka-property",
                "sasl.jaas.config=" + JAAS,
                "--customers",
                "60",
                "--days",
                "10",
                "--seed",
                "3",
                "--bad-ratio",
                "0.05",
                "--output",
                gen.toString());
        code = Main.execute(args.toArray(String[]::new));
        printed = captured.out() + captured.err() + captured.logs();
      }
      assertThat(generated).as(printed).isZero();
      assertThat(code).as(printed).isZero();

      assertNowhere(out, printed, Set.of("dead_letters", "events", "journeys"));
      assertNowhere(gen, "", Set.of());
      JsonNode summary =
          JSON.readTree(out.resolve("_runs").resolve("secrets-itcase.json").toFile());
      List<String> recorded = new ArrayList<>(args);
      recorded.set(recorded.indexOf("sasl.jaas.config=" + JAAS), "sasl.jaas.config=***");
      assertThat(strings(summary.get("arguments"))).isEqualTo(recorded);
      assertThat(summary.get("accounting").get("balanced").asBoolean()).isTrue();
      assertThat(summary.get("accounting").get("dead_letters").asLong()).isPositive();
      // The Kafka clients did log their configuration at INFO, with the passwords hidden.
      assertThat(printed)
          .contains("ConsumerConfig values", "ProducerConfig values")
          .contains("sasl.jaas.config = [hidden]", "ssl.key.password = [hidden]");
      List<ConsumerRecord<byte[], byte[]>> written = new ArrayList<>();
      written.addAll(broker.consumeAll("alerts"));
      written.addAll(broker.consumeAll("dead-letters"));
      assertThat(written)
          .hasSizeGreaterThanOrEqualTo(summary.get("accounting").get("dead_letters").asInt());
      for (ConsumerRecord<byte[], byte[]> r : written) {
        assertThat(new String(r.value(), StandardCharsets.UTF_8)).doesNotContain(FAKE);
      }
    }
  }

  private static JsonNode onlySummary(Path out) throws Exception {
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      List<Path> files = runs.filter(p -> p.toString().endsWith(".json")).toList();
      assertThat(files).hasSize(1);
      return JSON.readTree(files.get(0).toFile());
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  /**
   * No fake secret in {@code printed}, in the bytes of any file under {@code root}, or in any row
   * of its Parquet tables read back with DuckDB; {@code tables} must be among the tables read (so
   * that the search cannot pass by finding nothing to search).
   */
  private static void assertNowhere(Path root, String printed, Set<String> tables)
      throws Exception {
    assertThat(printed).doesNotContain(FAKE);
    byte[] needle = FAKE.getBytes(StandardCharsets.UTF_8);
    Set<Path> tableDirs = new TreeSet<>();
    List<Path> files = files(root);
    assertThat(files).isNotEmpty();
    for (Path f : files) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(f);
      } catch (NoSuchFileException e) {
        if (isCheckpoint(root, f)) {
          continue; // removed by Flink's asynchronous checkpoint cleanup since it was listed
        }
        throw e;
      }
      assertThat(indexOf(bytes, needle)).as(f.toString()).isEqualTo(-1);
      if (f.getFileName().toString().endsWith(".parquet")) {
        tableDirs.add(root.resolve(root.relativize(f).getName(0)));
      }
    }
    Set<String> read = new TreeSet<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = duck.createStatement()) {
      for (Path t : tableDirs) {
        String sql =
            "SELECT count(*), count(*) FILTER (WHERE CAST(t AS VARCHAR) LIKE '%"
                + FAKE
                + "%') FROM read_parquet('"
                + t
                + "/**/*.parquet', union_by_name = true) t";
        try (ResultSet rs = st.executeQuery(sql)) {
          rs.next();
          assertThat(rs.getLong(2)).as(t.toString()).isZero();
          if (rs.getLong(1) > 0) {
            read.add(t.getFileName().toString());
          }
        }
      }
    }
    assertThat(read).containsAll(tables);
  }

  /**
   * Every regular file under {@code root}. Flink removes subsumed checkpoints asynchronously, even
   * after the job has ended, so files and directories under {@code _checkpoints} may vanish while
   * the walk runs; anything else vanishing is an error.
   */
  private static List<Path> files(Path root) throws IOException {
    List<Path> files = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile()) {
              files.add(file);
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
            if (e instanceof NoSuchFileException && isCheckpoint(root, file)) {
              return FileVisitResult.CONTINUE;
            }
            throw e;
          }
        });
    return files;
  }

  private static boolean isCheckpoint(Path root, Path file) {
    return root.relativize(file).startsWith("_checkpoints");
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
