package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.io.ObjectStores;
import dev.omnichannel.monitor.testing.Await;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.KafkaBroker;
import dev.omnichannel.monitor.testing.S3Server;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jclouds.blobstore.domain.Blob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A stream job with its checkpoints and tables on S3 (S3Proxy, through Flink's S3 plugin), with a
 * savepoint resume and nothing lost. On a real broker, half of a generated topic is read by a job
 * writing to {@code s3://lake/out}, checkpointing to {@code s3://lake/out/_checkpoints}, until some
 * checkpoints are committed; it is stopped with a savepoint on S3; the rest of the topic is
 * produced; the job resumes from the savepoint and is stopped with a drained savepoint (the end of
 * its input) once it has read everything. The same topic also goes through the {@code stream}
 * command twice, with {@code --bounded}: into a local folder, and into {@code s3://lake/cli} with
 * the default checkpoints there. Every table is read back from the store with DuckDB: the resumed
 * run's and the command's on S3 equal the local run's row for row, the events table holds each
 * accepted event once, and the run summaries' accounting balances exactly over every record.
 */
class StreamObjectStoreITCase {
  private static final String KEY = "object-store-itcase-hmac-key-0123456789";
  private static final String RUN_ID = "s3-stream";
  private static final String BUCKET = "lake";
  private static final String TOPIC = "events";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The stream settings of the command's defaults but for a 2-day out-of-orderness, no idling. */
  private static final StreamSettings SETTINGS =
      new StreamSettings(
          Duration.ofDays(2),
          Duration.ZERO,
          Duration.ZERO,
          Duration.ofMinutes(10),
          Duration.ofDays(7));

  /** The same settings as flags of the {@code stream} command. */
  private static final List<String> SETTING_FLAGS =
      List.of(
          "--max-out-of-orderness",
          "2d",
          "--idleness",
          "0s",
          "--allowed-lateness",
          "0s",
          "--stitch-delay",
          "10m",
          "--dedup-ttl",
          "7d",
          "--parallelism",
          "2",
          "--checkpoint-interval",
          "500ms");

  @TempDir Path dir;

  @Test
  void aStreamJobWithCheckpointsAndTablesOnS3ShouldResumeFromASavepointAndLoseNothing()
      throws Exception {
    try (S3Server s3 = S3Server.start(dir.resolve("s3"), BUCKET);
        KafkaBroker broker = KafkaBroker.start();
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      Configuration conf = new Configuration();
      conf.setString("s3.endpoint", s3.endpoint());
      conf.setString("s3.path.style.access", "true");
      conf.setString("s3.access-key", S3Server.ACCESS_KEY);
      conf.setString("s3.secret-key", S3Server.SECRET_KEY);
      conf.setString("s3.directory.marker.retention", "keep");
      conf.setString("s3.multiobjectdelete.enable", "false");
      // before any command runs: its own registration is then a no-op
      ObjectStores.initialize(conf, Path.of("target/plugins"));

      // The generated topic, copied to TOPIC in two halves per partition, in offset order.
      broker.createTopic("generated", 3);
      broker.createTopic(TOPIC, 3);
      assertThat(
              Main.execute(
                  "generate",
                  "--kafka",
                  broker.bootstrapServers(),
                  "--topic",
                  "generated",
                  "--customers",
                  "300",
                  "--days",
                  "30",
                  "--seed",
                  "41",
                  "--bad-ratio",
                  "0.02",
                  "--output",
                  dir.resolve("generated").toString()))
          .isZero();
      List<List<byte[]>> partitions = new ArrayList<>();
      List<ConsumerRecord<byte[], byte[]>> generated = broker.consumeAll("generated");
      long records = generated.size();
      for (int p = 0; p < 3; p++) {
        int partition = p;
        partitions.add(
            generated.stream()
                .filter(r -> r.partition() == partition)
                .sorted(Comparator.comparingLong(ConsumerRecord::offset))
                .map(ConsumerRecord::value)
                .toList());
      }
      long half = 0;
      for (int p = 0; p < 3; p++) {
        List<byte[]> all = partitions.get(p);
        broker.produce(TOPIC, p, all.subList(0, all.size() / 2));
        half += all.size() / 2;
      }

      // 1. The first half, checkpointed to S3, stopped with a savepoint on S3.
      String out = "s3://" + BUCKET + "/out";
      FlowConfig config =
          PipelineOptions.defaults()
              .streamConfig(out, 2, KEY.getBytes(StandardCharsets.UTF_8), RUN_ID);
      KafkaOptions kafka =
          KafkaOptions.topics(broker.bootstrapServers(), TOPIC)
              .withStartingOffsets("earliest")
              .withGroupId("s3-stream");
      JobClient first = job(config, kafka, null).executeAsync("first half to S3");
      long firstHalf = half;
      Await.until(
          "two checkpoints on S3, the last covering the first half",
          () -> {
            JsonNode s = summary(running(first), s3, "out");
            return s != null
                && s.get("accounting").get("input_records").asLong() == firstHalf
                && s.get("checkpoint_id").asLong() >= 2;
          });
      assertThat(s3.keys(BUCKET, "out/_checkpoints/"))
          .as("checkpoints on S3")
          .anyMatch(k -> k.endsWith("/_metadata"));
      JsonNode lease = json(object(s3, "out/_writers/stream-" + RUN_ID + ".json"));
      assertThat(lease).as("the running job's lease on S3").isNotNull();
      assertThat(lease.get("run_id").asText()).isEqualTo(RUN_ID);
      Await.until(
          "event files committed by a checkpoint",
          () ->
              running(first) != null
                  && s3.keys(BUCKET, "out/events/").stream().anyMatch(k -> k.endsWith(".parquet")));
      String savepoint =
          first
              .stopWithSavepoint(
                  false, "s3://" + BUCKET + "/savepoints", SavepointFormatType.CANONICAL)
              .get();
      assertThat(savepoint).startsWith("s3://" + BUCKET + "/savepoints/");
      assertThat(s3.keys(BUCKET, savepoint.substring(("s3://" + BUCKET + "/").length())))
          .as("the savepoint's objects")
          .anyMatch(k -> k.endsWith("/_metadata"));

      // 2. The rest of the topic; the job resumes from the savepoint, reads everything, and is
      // stopped with a drained savepoint: the end of its input, which closes every journey and
      // window and publishes the last files.
      for (int p = 0; p < 3; p++) {
        List<byte[]> all = partitions.get(p);
        broker.produce(TOPIC, p, all.subList(all.size() / 2, all.size()));
      }
      JobClient second = job(config, kafka, savepoint).executeAsync("resumed on S3");
      Await.until(
          "a checkpoint covering every record",
          () -> {
            JsonNode s = summary(running(second), s3, "out");
            return s != null && s.get("accounting").get("input_records").asLong() == records;
          });
      second
          .stopWithSavepoint(true, "s3://" + BUCKET + "/savepoints", SavepointFormatType.CANONICAL)
          .get();
      JobExecutionResult done = second.getJobExecutionResult().get();
      assertThat(done).isNotNull();

      // 3. The same topic through the command: into a local folder, and onto S3.
      Path keyFile = Files.writeString(dir.resolve("hmac.key"), KEY + "\n");
      Path local = dir.resolve("local");
      assertThat(command(broker, keyFile, local.toString(), "local")).isZero();
      assertThat(command(broker, keyFile, "s3://" + BUCKET + "/cli/", "cli")).isZero();
      assertThat(s3.keys(BUCKET, "cli/_checkpoints/"))
          .as("the command's checkpoints, by default under its output")
          .isNotEmpty();

      // 4. Read back from S3 and compare.
      JsonNode reference = JSON.readTree(local.resolve("_runs").resolve(RUN_ID + ".json").toFile());
      for (String prefix : List.of("out", "cli")) {
        Path copy = download(s3, prefix);
        JsonNode s = summary(s3, prefix);
        String what = "s3://" + BUCKET + "/" + prefix;
        assertThat(s.get("status").asText()).as(what).isEqualTo("FINISHED");
        assertThat(s3.keys(BUCKET, prefix + "/_writers/"))
            .as(what + ": the lease is gone once the input has ended")
            .isEmpty();
        assertBalanced(what, s.get("accounting"), records);
        for (String k :
            List.of(
                "input_records", "accepted_events", "duplicates", "late_events", "dead_letters")) {
          assertThat(s.get("accounting").get(k).asLong())
              .as(what + ": " + k)
              .isEqualTo(reference.get("accounting").get(k).asLong());
        }
        long accepted = s.get("accounting").get("accepted_events").asLong();
        assertThat(accepted).isPositive();
        assertThat(
                Duck.rows(
                    duck,
                    "SELECT count(*), count(DISTINCT event_id) FROM " + Duck.table(copy, "events")))
            .as(what + ": every accepted event once")
            .containsExactly(accepted + "|" + accepted + "|");
        assertThat(Duck.rows(duck, copy, "events", "event_id"))
            .as(what + ": the accepted event ids")
            .isEqualTo(Duck.rows(duck, local, "events", "event_id"));
        StringBuilder counts = new StringBuilder();
        for (String table : Table.backfillTables()) {
          List<String> expected = Duck.comparableRows(duck, local, table);
          assertThat(Duck.comparableRows(duck, copy, table))
              .as(what + ": " + table)
              .isEqualTo(expected);
          assertThat(s.get("tables").get(table).asLong())
              .as(what + ": the run summary counts the rows written to " + table)
              .isEqualTo(Duck.count(duck, copy, table));
          counts.append(' ').append(table).append('=').append(expected.size());
        }
        assertThat(Duck.repeatedProfileRows(duck, copy)).as(what + ": persons twice").isZero();
        System.out.printf("%s equals the local run over %,d records:%s%n", what, records, counts);
      }
      assertThat(Duck.count(duck, local, "events")).isPositive();
    }
  }

  /** The stream job as the command builds it ({@link StreamRunner#wire}), checkpointing to S3. */
  private static StreamExecutionEnvironment job(
      FlowConfig config, KafkaOptions kafka, String restoreFrom) {
    StreamRunner.Run run =
        new StreamRunner.Run(
            config.output() + "/_checkpoints",
            Duration.ofMillis(500),
            restoreFrom,
            null,
            null,
            0,
            List.of());
    StreamExecutionEnvironment env = StreamRunner.environment(config, run);
    StreamRunner.wire(env, config, SETTINGS, kafka, run);
    return env;
  }

  /** Runs {@code stream --bounded} over the whole topic into {@code output}; its exit code. */
  private static int command(KafkaBroker broker, Path keyFile, String output, String group) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "stream",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--topic",
                TOPIC,
                "--group-id",
                group,
                "--starting-offsets",
                "earliest",
                "--bounded",
                "--max-restarts",
                "0",
                "--run-id",
                RUN_ID,
                "--hmac-key-file",
                keyFile.toString(),
                "--output",
                output));
    args.addAll(SETTING_FLAGS);
    return Main.execute(args.toArray(String[]::new));
  }

  /** input = accepted + duplicates + late + dead letters + suppressed, over every record. */
  private static void assertBalanced(String what, JsonNode a, long records) {
    assertThat(a.get("input_records").asLong()).as(what + ": input").isEqualTo(records);
    assertThat(
            a.get("accepted_events").asLong()
                + a.get("duplicates").asLong()
                + a.get("late_events").asLong()
                + a.get("dead_letters").asLong()
                + a.get("suppressed").asLong())
        .as(what + ": the accounting identity")
        .isEqualTo(records);
    assertThat(a.get("balanced").asBoolean()).as(what + ": balanced").isTrue();
  }

  /** {@code job}, failing the test with the job's own error if it has ended. */
  private static JobClient running(JobClient job) throws Exception {
    var result = job.getJobExecutionResult();
    if (result.isDone()) {
      result.get(); // throws the job's failure
      throw new AssertionError("the job ended early");
    }
    return job;
  }

  /** The run summary under {@code prefix} (while {@code job} runs); null while there is none. */
  private static JsonNode summary(JobClient job, S3Server s3, String prefix) throws Exception {
    return summary(s3, prefix);
  }

  /** The run summary under {@code prefix}, read from the store; null while there is none. */
  private static JsonNode summary(S3Server s3, String prefix) throws Exception {
    return json(object(s3, prefix + "/_runs/" + RUN_ID + ".json"));
  }

  private static JsonNode json(byte[] bytes) throws Exception {
    return bytes == null ? null : JSON.readTree(bytes);
  }

  /** The bytes of object {@code key} of the bucket, or null when there is none. */
  private static byte[] object(S3Server s3, String key) throws Exception {
    Blob b = s3.blobs().getBlob(BUCKET, key);
    if (b == null) {
      return null;
    }
    try (InputStream in = b.getPayload().openStream()) {
      return in.readAllBytes();
    }
  }

  /**
   * Every object under {@code prefix} but the checkpoints, downloaded to a local folder of the same
   * layout, where DuckDB reads the tables as it would read them from the bucket.
   */
  private Path download(S3Server s3, String prefix) throws Exception {
    Path copy = dir.resolve("downloaded-" + prefix);
    for (String key : s3.keys(BUCKET, prefix + "/")) {
      if (!key.startsWith(prefix + "/_checkpoints/")) {
        s3.download(BUCKET, key, copy.resolve(key.substring(prefix.length() + 1)));
      }
    }
    return copy;
  }
}
