package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.LocalFlink;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.io.KafkaRecordFormat;
import dev.omnichannel.monitor.io.registry.RegistryEvolution;
import dev.omnichannel.monitor.io.registry.WireFormat;
import dev.omnichannel.monitor.testing.Await;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.KafkaBroker;
import dev.omnichannel.monitor.testing.RecordedRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.executiongraph.AccessExecution;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stream --schema-registry} on a real broker, with the registry's Confluent-compatible API
 * served from prepared answers ({@link RecordedRegistry}; no registry process runs in the tests).
 * One topic holds the same events framed with the current schema (id 1), an older version (id 2,
 * without {@code campaign}) and a newer one (id 3, with {@code loyalty_tier}), plus a value with an
 * unknown schema id and an unframed one; another holds the same events as plain Avro. The registry
 * answers 503 when the job starts: the job fails and restarts until it is back, and then reads
 * everything. Its {@code events} rows equal the plain run's, and the two broken values are dead
 * letters with their reasons.
 */
class StreamSchemaRegistryITCase {
  private static final String KEY = "stream-registry-itcase-hmac-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EVENTS = 30;

  @Test
  void framedVersionsDecodeAsThePlainEventsAndTheRegistryOutageLosesNothing(@TempDir Path dir)
      throws Exception {
    Path keyFile = dir.resolve("hmac.key");
    Files.writeString(keyFile, KEY + "\n");
    List<byte[]> framed = new ArrayList<>();
    List<byte[]> plain = new ArrayList<>();
    Instant t0 = Instant.parse("2026-01-05T10:00:00Z");
    for (int i = 0; i < EVENTS; i++) {
      ChannelEvent e = RegistryEvolution.event(String.format("e-%04d", i), t0.plusSeconds(60L * i));
      e.setIdentities(List.of(new Identity("customer_id", "C-" + (i % 4))));
      int id = 1 + i % 3;
      if (id == 2) {
        e.setCampaign(null); // the older writer has no campaign: the reader's default
      }
      framed.add(
          RegistryEvolution.framed(id, e, id == 3 ? Map.of("loyalty_tier", "gold") : Map.of()));
      plain.add(KafkaRecordFormat.encode(e));
      if (i == 10) {
        framed.add(WireFormat.frame(99, KafkaRecordFormat.encode(e))); // unknown schema id
      }
      if (i == 20) {
        framed.add(KafkaRecordFormat.encode(e)); // not framed
      }
    }
    try (KafkaBroker broker = KafkaBroker.start();
        RecordedRegistry registry = new RecordedRegistry();
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      broker.createTopic("framed", 1);
      broker.createTopic("plain", 1);
      broker.produce("framed", 0, framed);
      broker.produce("plain", 0, plain);

      Path plainOut = dir.resolve("plain");
      assertThat(stream(broker, "plain", plainOut, keyFile, List.of())).isZero();

      registry.unavailable(true);
      Path framedOut = dir.resolve("framed");
      CompletableFuture<Integer> run =
          CompletableFuture.supplyAsync(
              () ->
                  stream(
                      broker,
                      "framed",
                      framedOut,
                      keyFile,
                      List.of("--schema-registry", registry.url().toString())));
      // the first attempt and at least one restart asked, were refused, and read nothing
      Await.until("two refused attempts", () -> registry.refused() >= 2 || run.isDone());
      assertThat(run.isDone()).as("the job waits for the registry instead of finishing").isFalse();
      registry.unavailable(false);
      assertThat(run.get()).isZero();

      String q = "SELECT * FROM %s ORDER BY event_id";
      List<String> expected = Duck.rows(duck, String.format(q, Duck.table(plainOut, "events")));
      assertThat(expected).hasSize(EVENTS);
      assertThat(Duck.rows(duck, String.format(q, Duck.table(framedOut, "events"))))
          .isEqualTo(expected);
      assertThat(
              Duck.rows(
                  duck,
                  "SELECT source, split_part(reason, ':', 1) FROM "
                      + Duck.table(framedOut, "dead_letters")
                      + " ORDER BY source"))
          .containsExactly(
              "kafka:framed/0/11|registry_unknown_schema_id|",
              "kafka:framed/0/22|registry_bad_frame|");
      JsonNode a =
          JSON.readTree(framedOut.resolve("_runs").resolve("registry-framed.json").toFile())
              .get("accounting");
      assertThat(a.get("balanced").asBoolean()).isTrue();
      assertThat(a.get("input_records").asLong()).isEqualTo(EVENTS + 2);
      assertThat(a.get("accepted_events").asLong()).isEqualTo(EVENTS);
      assertThat(a.get("dead_letters").asLong()).isEqualTo(2);
      // after the outage one attempt read everything: each known id fetched once (cached), the
      // unknown id asked for its one record (unknown ids are not cached)
      assertThat(List.of(registry.requests(1), registry.requests(2), registry.requests(3)))
          .containsExactly(1, 1, 1);
      assertThat(registry.requests(99)).isEqualTo(1);
    }
  }

  /**
   * The registry process goes away mid-stream: the job has read (and checkpointed) records of
   * schema id 1, then the registry is stopped (nothing listens on its port: connection refused) and
   * records of ids 2 and 3, which the job has not fetched yet, arrive, plus one of an id the
   * registry does not know. The job fails on the first of them and restarts from its checkpoint,
   * again and again, reading nothing further; when the registry is started again on the same port
   * it reads everything. Drained with a savepoint, its events equal the plain Avro run's, the
   * unknown id is the one dead letter, and the accounting is exact.
   */
  @Test
  void aRegistryStoppedMidStreamAndStartedAgainLosesNothing(@TempDir Path dir) throws Exception {
    Path keyFile = dir.resolve("hmac.key");
    Files.writeString(keyFile, KEY + "\n");
    int half = EVENTS / 2;
    List<byte[]> before = new ArrayList<>();
    List<byte[]> after = new ArrayList<>();
    List<byte[]> plain = new ArrayList<>();
    Instant t0 = Instant.parse("2026-01-05T10:00:00Z");
    for (int i = 0; i < EVENTS; i++) {
      ChannelEvent e = RegistryEvolution.event(String.format("e-%04d", i), t0.plusSeconds(60L * i));
      e.setIdentities(List.of(new Identity("customer_id", "C-" + (i % 4))));
      int id = i < half ? 1 : 2 + i % 2; // the second half only with ids not fetched before
      if (id == 2) {
        e.setCampaign(null);
      }
      (i < half ? before : after)
          .add(
              RegistryEvolution.framed(
                  id, e, id == 3 ? Map.of("loyalty_tier", "silver") : Map.of()));
      plain.add(KafkaRecordFormat.encode(e));
      if (i == half + 4) {
        after.add(WireFormat.frame(77, KafkaRecordFormat.encode(e))); // unknown schema id
      }
    }
    try (KafkaBroker broker = KafkaBroker.start();
        RecordedRegistry registry = new RecordedRegistry();
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      broker.createTopic("framed", 1);
      broker.createTopic("plain", 1);
      broker.produce("plain", 0, plain);
      broker.produce("framed", 0, before);
      Path plainOut = dir.resolve("plain");
      assertThat(stream(broker, "plain", plainOut, keyFile, List.of())).isZero();

      Path out = dir.resolve("framed");
      String runId = "registry-outage";
      FlowConfig config =
          PipelineOptions.defaults()
              .backfillConfig(
                  List.of(), out, null, null, 1, KEY.getBytes(StandardCharsets.UTF_8), runId);
      StreamRunner.Run run =
          new StreamRunner.Run(
              dir.resolve("checkpoints").toUri().toString(),
              Duration.ofMillis(500),
              null,
              null,
              null,
              null,
              List.of());
      KafkaOptions kafka =
          KafkaOptions.topics(broker.bootstrapServers(), "framed")
              .withStartingOffsets("earliest")
              .withGroupId("registry-outage")
              .withSchemaRegistry(registry.url().toString());
      StreamSettings settings =
          new StreamSettings(
              Duration.ofDays(2),
              Duration.ofMinutes(1),
              Duration.ofDays(1),
              Duration.ofMinutes(10),
              Duration.ofDays(7));
      try (MiniCluster cluster = cluster()) {
        StreamExecutionEnvironment env = StreamRunner.environment(config, run);
        StreamRunner.wire(env, config, settings, kafka, run);
        JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
        Await.until("a checkpoint covering the records of id 1", () -> input(out, runId) == half);
        assertThat(registry.requests(1)).isEqualTo(1);

        registry.stop();
        broker.produce("framed", 0, after);
        Await.until("two restarts while the registry is down", () -> restarts(cluster, job) >= 2);
        assertThat(failures(cluster, job))
            .isNotEmpty()
            .allMatch(
                f ->
                    f.contains(
                        "cannot read kafka:framed/0/"
                            + half
                            + ": schema registry "
                            + registry.url()
                            + "/ unreachable: ConnectException"),
                "the record of a schema id not fetched yet, with the registry refusing connections");
        assertThat(input(out, runId)).as("nothing read past it meanwhile").isEqualTo(half);
        assertThat(registry.requests(2) + registry.requests(3)).isZero();

        registry.start();
        Await.until("every record read", () -> input(out, runId) == EVENTS + 1);
        cluster
            .stopWithSavepoint(
                job,
                dir.resolve("savepoints").toUri().toString(),
                true,
                SavepointFormatType.CANONICAL)
            .get();
        JobResult result = cluster.requestJobResult(job).get();
        assertThat(result.isSuccess()).as(String.valueOf(result.getSerializedThrowable())).isTrue();
      }
      assertThat(registry.requests(2)).isEqualTo(1);
      assertThat(registry.requests(3)).isEqualTo(1);

      String q = "SELECT * FROM %s ORDER BY event_id";
      List<String> expected = Duck.rows(duck, String.format(q, Duck.table(plainOut, "events")));
      assertThat(expected).hasSize(EVENTS);
      assertThat(Duck.rows(duck, String.format(q, Duck.table(out, "events")))).isEqualTo(expected);
      assertThat(
              Duck.rows(
                  duck,
                  "SELECT source, split_part(reason, ':', 1) FROM "
                      + Duck.table(out, "dead_letters")))
          .containsExactly("kafka:framed/0/" + (half + 5) + "|registry_unknown_schema_id|");
      JsonNode s = JSON.readTree(out.resolve("_runs").resolve(runId + ".json").toFile());
      JsonNode a = s.get("accounting");
      assertThat(s.get("status").asText()).isEqualTo("FINISHED");
      assertThat(a.get("balanced").asBoolean()).isTrue();
      assertThat(a.get("input_records").asLong()).isEqualTo(EVENTS + 1);
      assertThat(a.get("accepted_events").asLong()).isEqualTo(EVENTS);
      assertThat(a.get("duplicates").asLong()).isZero();
      assertThat(a.get("late_events").asLong()).isZero();
      assertThat(a.get("dead_letters").asLong()).isEqualTo(1);
    }
  }

  /** The input records of the run summary's last checkpoint, or -1 before the first. */
  private static long input(Path out, String runId) {
    Path file = out.resolve("_runs").resolve(runId + ".json");
    try {
      return Files.isRegularFile(file)
          ? JSON.readTree(file.toFile()).get("accounting").get("input_records").asLong()
          : -1;
    } catch (Exception e) {
      return -1; // being replaced
    }
  }

  private static MiniCluster cluster() throws Exception {
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(LocalFlink.sized(LocalFlink.loopback(new Configuration()), 1))
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(2)
                .build());
    cluster.start();
    return cluster;
  }

  /** The highest attempt number of any task: how often the job was restarted. */
  private static int restarts(MiniCluster cluster, JobID job) throws Exception {
    ArchivedExecutionGraph g = cluster.getArchivedExecutionGraph(job).get();
    int max = 0;
    for (AccessExecutionVertex v : g.getAllExecutionVertices()) {
      max = Math.max(max, v.getCurrentExecutionAttempt().getAttemptNumber());
    }
    return max;
  }

  /** Every task failure of {@code job}: the messages of its cause chain, joined by " / ". */
  private static List<String> failures(MiniCluster cluster, JobID job) throws Exception {
    ArchivedExecutionGraph g = cluster.getArchivedExecutionGraph(job).get();
    List<String> out = new ArrayList<>();
    for (AccessExecutionVertex v : g.getAllExecutionVertices()) {
      List<ErrorInfo> errors = new ArrayList<>();
      for (AccessExecution e : v.getExecutionHistory().getHistoricalExecutions()) {
        e.getFailureInfo().ifPresent(errors::add);
      }
      v.getCurrentExecutionAttempt().getFailureInfo().ifPresent(errors::add);
      for (ErrorInfo e : errors) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e.getException();
            t != null;
            t = t.getCause() == t ? null : t.getCause()) {
          b.append(t.getMessage()).append(" / ");
        }
        out.add(b.toString());
      }
    }
    return out;
  }

  private static int stream(
      KafkaBroker broker, String topic, Path out, Path keyFile, List<String> extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "stream",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--topic",
                topic,
                "--group-id",
                "registry-" + topic,
                "--starting-offsets",
                "earliest",
                "--bounded",
                "--output",
                out.toString(),
                "--checkpoint-interval",
                "1s",
                "--max-out-of-orderness",
                "2d",
                "--allowed-lateness",
                "1d",
                "--parallelism",
                "1",
                "--run-id",
                "registry-" + topic,
                "--max-restarts",
                "20",
                "--hmac-key-file",
                keyFile.toString()));
    args.addAll(extra);
    return Main.execute(args.toArray(String[]::new));
  }
}
