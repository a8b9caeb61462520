package dev.omnichannel.monitor.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.io.KafkaProducers;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.KafkaBroker;
import dev.omnichannel.monitor.testing.TopicFiles;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar on a real Flink session cluster (a JobManager and a TaskManager, separate JVMs
 * from Maven jars) with a real Kafka broker process, driven only through the {@code deploy/local}
 * scripts a user runs: start the broker and the cluster, create the topics, submit the stream job,
 * produce generated events, check the Parquet output against the ground truth, stop with a
 * savepoint, produce more, resume from the savepoint, drain, then submit a backfill over the same
 * events to the same cluster and compare every table. Everything is stopped, even on failure.
 */
class LocalClusterE2EITCase {
  private static final Path LOCAL = Path.of("..", "deploy", "local").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Map<String, String> env;
  private Path work;

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /** Runs a deploy/local script; returns its standard output, or fails with its output. */
  private String sh(String script, String... args) throws Exception {
    List<String> cmd = new ArrayList<>();
    cmd.add("bash");
    cmd.add(LOCAL.resolve(script).toString());
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().putAll(env);
    Path err = Files.createTempFile(work, script, ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(4, TimeUnit.MINUTES)) {
      p.destroyForcibly();
      throw new AssertionError(script + " timed out");
    }
    String stderr = Files.readString(err);
    System.out.print(stderr);
    assertThat(p.exitValue())
        .as("%s %s failed:%n%s%n%s", script, String.join(" ", args), out, stderr)
        .isZero();
    return out.trim();
  }

  /** What a failing wait shows: the run summaries and the end of the cluster's logs. */
  private String diagnostics() {
    StringBuilder b = new StringBuilder();
    try (Stream<Path> files = Files.walk(work)) {
      for (Path f : files.toList()) {
        String name = f.getFileName().toString();
        if (name.endsWith(".json") && f.getParent().getFileName().toString().equals("_runs")) {
          b.append("\n--- ").append(f).append('\n').append(Files.readString(f));
        }
        if (name.equals("taskmanager.log") || name.equals("jobmanager.log")) {
          List<String> lines = Files.readAllLines(f);
          b.append("\n--- ").append(f).append(" (last 40 lines)\n");
          lines
              .subList(Math.max(0, lines.size() - 40), lines.size())
              .forEach(l -> b.append(l).append('\n'));
        }
      }
    } catch (IOException e) {
      b.append("\n(could not read the diagnostics: ").append(e).append(')');
    }
    return b.toString();
  }

  private void await(String what, Duration timeout, BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + diagnostics());
      }
      Thread.sleep(500);
    }
  }

  private static JsonNode summary(Path out, String runId) {
    try {
      return JSON.readTree(out.resolve("_runs").resolve(runId + ".json").toFile());
    } catch (IOException notYet) {
      return null;
    }
  }

  private static long inputRecords(Path out, String runId) {
    JsonNode s = summary(out, runId);
    return s == null ? -1 : s.get("accounting").get("input_records").asLong();
  }

  private static JsonNode truth(Path generated) throws IOException {
    return JSON.readTree(generated.resolve("ground-truth.json").toFile());
  }

  /**
   * Copies the records of {@code staging} to the same partitions of {@code events}, with their
   * keys: per partition, those before (or from) the middle offset. Returns how many.
   */
  private long copyHalf(String bootstrap, boolean firstHalf) throws Exception {
    List<ConsumerRecord<byte[], byte[]>> all = KafkaBroker.consumeAll(bootstrap, "staging");
    Map<Integer, Long> size = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : all) {
      size.merge(r.partition(), 1L, Long::sum);
    }
    // The generator's producer settings (lz4 batches): the planted oversized records fit the
    // broker's limit only compressed.
    Properties p = KafkaProducers.properties(bootstrap, Map.of());
    List<java.util.concurrent.Future<?>> sent = new ArrayList<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      for (ConsumerRecord<byte[], byte[]> r : all) {
        if ((r.offset() < size.get(r.partition()) / 2) == firstHalf) {
          sent.add(
              producer.send(new ProducerRecord<>("events", r.partition(), r.key(), r.value())));
        }
      }
      producer.flush();
    }
    for (java.util.concurrent.Future<?> f : sent) {
      f.get(30, TimeUnit.SECONDS);
    }
    return sent.size();
  }

  @Test
  void theShadedJarShouldStreamResumeFromASavepointAndBackfillOnARealCluster(@TempDir Path tmp)
      throws Exception {
    work = tmp;
    env = new HashMap<>();
    env.put("OMNI_LOCAL_WORK", tmp.resolve("local").toString());
    env.put("OMNI_FLINK_PORT", String.valueOf(freePort()));
    env.put("OMNI_FLINK_RPC_PORT", String.valueOf(freePort()));
    env.put("OMNI_KAFKA_PORT", String.valueOf(freePort()));
    env.put("OMNI_KAFKA_CONTROLLER_PORT", String.valueOf(freePort()));
    env.put("OMNI_HMAC_KEY", "e2e-itcase-hmac-key-0123456789abcdef");
    env.put(
        "OMNI_JOB_JAR", Path.of("target", "omnichannel-monitor.jar").toAbsolutePath().toString());
    Path stream = tmp.resolve("stream");
    Path batch = tmp.resolve("batch");
    String[] streamArgs = {
      "stream",
      "--output",
      stream.toString(),
      "--group-id",
      "e2e",
      "--starting-offsets",
      "earliest",
      "--checkpoint-interval",
      "2s",
      "--max-out-of-orderness",
      "2d",
      "--allowed-lateness",
      "1d",
      "--stitch-delay",
      "400d",
      "--attribution-window",
      "day",
      "--run-id",
      "e2e-stream"
    };
    long started = System.nanoTime();
    try {
      sh("kafka.sh", "start");
      sh("cluster.sh", "start");
      sh("topics.sh");

      String bootstrap = "127.0.0.1:" + env.get("OMNI_KAFKA_PORT");
      sh("topics.sh", "staging:3");
      // Generated events go to a staging topic, then half of each partition to `events` now and
      // the rest after the savepoint: the resumed job must read on exactly where it stopped.
      Path generated = tmp.resolve("generated");
      sh(
          "produce.sh",
          "--topic",
          "staging",
          "--customers",
          "300",
          "--days",
          "30",
          "--seed",
          "41",
          "--bad-ratio",
          "0.02",
          "--output",
          generated.toString());
      JsonNode truth = truth(generated).get("counts");

      // 1. The stream job, then the first half of the events.
      String job = sh("submit.sh", streamArgs);
      assertThat(job).matches("[0-9a-f]{32}");
      long first = copyHalf(bootstrap, true);
      await(
          "the first half in the run summary",
          Duration.ofMinutes(2),
          () -> inputRecords(stream, "e2e-stream") == first);
      JsonNode a = summary(stream, "e2e-stream").get("accounting");
      assertThat(a.get("balanced").asBoolean()).isTrue();
      long deadLetters = a.get("dead_letters").asLong();
      assertThat(deadLetters).isPositive();
      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
        await(
            "the dead letters committed",
            Duration.ofMinutes(1),
            () -> {
              try {
                return Duck.rows(duck, "SELECT count(*) FROM " + Duck.table(stream, "dead_letters"))
                    .equals(List.of(deadLetters + "|"));
              } catch (Exception noFilesYet) {
                return false;
              }
            });
      }

      // 2. Stop with a savepoint, produce the rest, resume from the savepoint.
      String savepoint = sh("stop.sh", job);
      assertThat(savepoint).contains("savepoint-");
      long second = copyHalf(bootstrap, false);
      assertThat(first + second).isEqualTo(truth.get("records").asLong());
      Map<String, String> resume = new HashMap<>(env);
      resume.put("OMNI_FLINK_RUN_OPTS", "-s " + savepoint);
      Map<String, String> plain = env;
      env = resume;
      String resumed = sh("submit.sh", streamArgs);
      env = plain;
      await(
          "every record in the run summary",
          Duration.ofMinutes(2),
          () -> inputRecords(stream, "e2e-stream") == first + second);

      // 3. Drain: the end of the data closes every journey and window, as a bounded read would.
      sh("stop.sh", resumed, "--drain");
      JsonNode s = summary(stream, "e2e-stream");
      assertThat(s.get("accounting").get("balanced").asBoolean()).isTrue();
      assertThat(s.get("accounting").get("input_records").asLong()).isEqualTo(first + second);
      for (String k : List.of("accepted_events", "duplicates", "dead_letters")) {
        assertThat(s.get("accounting").get(k).asLong())
            .as(k + " as the generator planted")
            .isEqualTo(truth.get(k).asLong());
      }

      // 4. A backfill of the same events (the topic's records as a file) on the same cluster.
      Path input = tmp.resolve("input").resolve("events.avro");
      TopicFiles.writeAvro(KafkaBroker.consumeAll(bootstrap, "events"), input);
      sh(
          "submit.sh",
          "backfill",
          "--input",
          input.toString(),
          "--output",
          batch.toString(),
          "--parallelism",
          "2",
          "--attribution-window",
          "day");

      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
        List<String> events = Duck.rows(duck, stream, "events", "event_id, person_id, journey_id");
        assertThat(events).hasSize((int) s.get("accounting").get("accepted_events").asLong());
        assertThat(
                Duck.rows(
                    duck, "SELECT count(DISTINCT event_id) FROM " + Duck.table(stream, "events")))
            .as("no event written twice across the savepoint")
            .containsExactly(events.size() + "|");
        StringBuilder compared = new StringBuilder();
        for (String table :
            List.of(
                "events",
                "journeys",
                "journey_matches",
                "friction",
                "attribution",
                "attribution_channel")) {
          String cols =
              table.equals("events")
                  ? "event_id, event_time, person_id, journey_id, channel"
                  : Duck.comparable(table);
          List<String> expected = Duck.rows(duck, batch, table, cols);
          assertThat(expected).as(table).isNotEmpty();
          List<String> actual = Duck.rows(duck, stream, table, cols);
          if (!actual.equals(expected)) {
            List<String> missing = new ArrayList<>(expected);
            missing.removeAll(actual);
            List<String> extra = new ArrayList<>(actual);
            extra.removeAll(expected);
            System.out.printf(
                "%s differs: %d rows only in the backfill %s, %d only in the stream %s%n",
                table,
                missing.size(),
                missing.subList(0, Math.min(10, missing.size())),
                extra.size(),
                extra.subList(0, Math.min(10, extra.size())));
          }
          assertThat(actual)
              .as(table + ": stream on the cluster against the backfill on the cluster")
              .isEqualTo(expected);
          compared.append(' ').append(table).append('=').append(expected.size());
        }
        String rejected = "SELECT event_id, reason FROM %s WHERE NOT accepted ORDER BY ALL";
        assertThat(Duck.rows(duck, String.format(rejected, Duck.table(stream, "identity_merges"))))
            .as("rejected identity links")
            .isEqualTo(
                Duck.rows(duck, String.format(rejected, Duck.table(batch, "identity_merges"))));
        System.out.printf(
            "end to end on a real cluster in %d s: %,d + %,d records, stream (resumed from %s)"
                + " equals backfill:%s%n",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
            first,
            second,
            savepoint,
            compared);
      }
    } finally {
      try {
        sh("cluster.sh", "stop");
      } finally {
        sh("kafka.sh", "stop");
      }
    }
  }
}
