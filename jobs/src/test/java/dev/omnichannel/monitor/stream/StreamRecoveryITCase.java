package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.pipeline.BackfillConfig;
import dev.omnichannel.monitor.pipeline.LocalFlink;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash recovery on a real broker: a TaskManager of a two-TaskManager mini cluster is killed while
 * the stream job runs; the job restarts from its last checkpoint on the survivor, and every table
 * and the accounting equal a failure-free run over the same topic.
 */
class StreamRecoveryITCase {
  private static final String KEY = "recovery-itcase-hmac-key-0123456789";

  private static BackfillConfig config(Path out) {
    return PipelineOptions.defaults()
        .backfillConfig(
            List.of(), out, null, null, 2, KEY.getBytes(StandardCharsets.UTF_8), "recovery");
  }

  private static StreamRunner.Run run(Path dir, Integer maxRestarts) {
    return new StreamRunner.Run(
        dir.resolve("checkpoints").toUri().toString(),
        Duration.ofMillis(500),
        null,
        null,
        null,
        maxRestarts,
        List.of());
  }

  private static List<String> rows(Connection duck, Path out, String table, String cols)
      throws Exception {
    return Duck.rows(duck, out, table, cols);
  }

  @Test
  void aKilledTaskManagerShouldLoseAndDuplicateNothing(@TempDir Path dir) throws Exception {
    StreamSettings settings =
        new StreamSettings(
            Duration.ofDays(2),
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofMinutes(10),
            Duration.ofDays(7));
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("events", 3);
      assertThat(
              Main.execute(
                  "generate",
                  "--kafka",
                  broker.bootstrapServers(),
                  "--topic",
                  "events",
                  "--customers",
                  "1200",
                  "--days",
                  "60",
                  "--seed",
                  "23",
                  "--bad-ratio",
                  "0.02",
                  "--output",
                  dir.resolve("generated").toString()))
          .isZero();
      long records = broker.consumeAll("events").size();
      KafkaOptions kafka =
          KafkaOptions.topics(broker.bootstrapServers(), "events")
              .withStartingOffsets("earliest")
              .withBounded(true);

      Path whole = dir.resolve("whole");
      StreamRunner.run(
          config(whole), settings, kafka.withGroupId("whole"), run(dir.resolve("a"), 0));

      Path killed = dir.resolve("killed");
      Configuration clusterConf = LocalFlink.loopback(new Configuration());
      try (MiniCluster cluster =
          new MiniCluster(
              new MiniClusterConfiguration.Builder()
                  .setConfiguration(clusterConf)
                  .setNumTaskManagers(2)
                  .setNumSlotsPerTaskManager(2)
                  .build())) {
        cluster.start();
        StreamRunner.Run withRestarts = run(dir.resolve("b"), 5);
        StreamExecutionEnvironment env = StreamRunner.environment(config(killed), withRestarts);
        StreamRunner.wire(env, config(killed), settings, kafka.withGroupId("killed"), withRestarts);
        JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
        Path summary = killed.resolve("_runs").resolve("recovery.json");
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!Files.exists(summary) && System.nanoTime() < deadline) {
          Thread.sleep(50);
        }
        assertThat(summary).as("a first checkpoint completed").exists();
        assertThat(cluster.getJobStatus(job).get()).isEqualTo(JobStatus.RUNNING);
        long before =
            new ObjectMapper()
                .readTree(summary.toFile())
                .get("accounting")
                .get("input_records")
                .asLong();
        assertThat(before).as("killed mid-stream").isLessThan(records);
        cluster.terminateTaskManager(0).get();
        System.out.printf(
            "killed TaskManager 0 after a checkpoint covering %,d of %,d records%n",
            before, records);
        JobResult result = cluster.requestJobResult(job).get();
        assertThat(result.isSuccess()).as(String.valueOf(result.getSerializedThrowable())).isTrue();
      }

      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
        for (String table :
            List.of(
                "events",
                "journeys",
                "journey_matches",
                "friction",
                "identity_merges",
                "dead_letters")) {
          List<String> expected = rows(duck, whole, table, "*");
          assertThat(expected).as(table).isNotEmpty();
          assertThat(rows(duck, killed, table, "*")).as(table).isEqualTo(expected);
        }
        String credit =
            "* EXCLUDE (credit, credited_value), round(credit, 9), round(credited_value, 6)";
        assertThat(rows(duck, killed, "attribution", credit))
            .isEqualTo(rows(duck, whole, "attribution", credit));
      }
      JsonNode a =
          new ObjectMapper()
              .readTree(killed.resolve("_runs").resolve("recovery.json").toFile())
              .get("accounting");
      assertThat(a.get("input_records").asLong()).isEqualTo(records);
      assertThat(a.get("balanced").asBoolean()).isTrue();
    }
  }
}
