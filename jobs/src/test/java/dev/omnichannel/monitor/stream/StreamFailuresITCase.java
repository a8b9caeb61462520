package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.LocalFlink;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.io.KafkaSources;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Failures on a real broker. One topic of generated events (with broken records) is read by a
 * bounded stream job four ways: without failure; with an operator that throws once mid-stream; with
 * a TaskManager of a two-TaskManager mini cluster killed mid-stream; and stopped with a savepoint
 * midway, then resumed from it. Every table and the accounting of the last three equal the first:
 * no row lost, none duplicated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamFailuresITCase {
  private static final String KEY = "failures-itcase-hmac-key-0123456789";
  private static final String RUN_ID = "failures";
  private static final List<String> TABLES = Table.backfillTables();

  private static final StreamSettings SETTINGS =
      new StreamSettings(
          Duration.ofDays(2),
          Duration.ZERO,
          Duration.ZERO,
          Duration.ofMinutes(10),
          Duration.ofDays(7));

  private KafkaBroker broker;
  private KafkaOptions kafka;
  private long records;
  private Path dir;
  private Path whole;
  private Connection duck;

  /**
   * Counts the records it sees (before and after a restart), slows the read a little so that
   * checkpoints complete while the topic is read, and throws once after {@link #failAfter} records
   * if that is positive.
   */
  static final class Probe implements MapFunction<RawRecord, RawRecord> {
    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static volatile long failAfter;

    /** While set, every record waits 1 ms (a test that stops the job midway sets it). */
    static volatile boolean crawl;

    static void reset(long after) {
      SEEN.set(0);
      FAILED.set(false);
      failAfter = after;
      crawl = false;
    }

    @Override
    public RawRecord map(RawRecord r) throws Exception {
      long n = SEEN.incrementAndGet();
      if (crawl) {
        Thread.sleep(1);
      } else if (n % 40 == 0) {
        Thread.sleep(10);
      }
      if (failAfter > 0 && n >= failAfter && FAILED.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure after " + n + " records");
      }
      return r;
    }
  }

  private static FlowConfig config(Path out) {
    return PipelineOptions.defaults()
        .backfillConfig(
            List.of(), out, null, null, 2, KEY.getBytes(StandardCharsets.UTF_8), RUN_ID);
  }

  private StreamRunner.Run run(String name, Integer maxRestarts, String restoreFrom) {
    return run(name, maxRestarts, restoreFrom, StreamRunner.StateBackend.HASHMAP);
  }

  private StreamRunner.Run run(
      String name, Integer maxRestarts, String restoreFrom, StreamRunner.StateBackend backend) {
    return new StreamRunner.Run(
        dir.resolve("checkpoints-" + name + "-" + backend).toUri().toString(),
        Duration.ofMillis(500),
        restoreFrom,
        null,
        null,
        maxRestarts,
        List.of(),
        backend);
  }

  /**
   * The stream job as {@link StreamRunner#wire} builds it, with a {@link Probe} (uid {@code probe})
   * between the Kafka source and the pipeline.
   */
  private StreamExecutionEnvironment job(Path out, String groupId, StreamRunner.Run run) {
    FlowConfig config = config(out);
    StreamExecutionEnvironment env = StreamRunner.environment(config, run);
    StreamPipeline pipeline = new StreamPipeline(config, SETTINGS, run.arguments());
    DataStream<RawRecord> raw =
        env.fromSource(
                KafkaSources.source(kafka.withGroupId(groupId)),
                pipeline.sourceWatermarks(),
                "kafka")
            .uid("source-kafka")
            .name("read Kafka")
            .map(new Probe())
            .uid("probe")
            .name("probe");
    StreamPipeline.sinkParquet(pipeline.wire(raw, true), out.toUri().toString());
    return env;
  }

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    broker = KafkaBroker.start();
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
    records = broker.consumeAll("events").size();
    kafka =
        KafkaOptions.topics(broker.bootstrapServers(), "events")
            .withStartingOffsets("earliest")
            .withBounded(true);
    whole = dir.resolve("whole");
    Probe.reset(0);
    job(whole, "whole", run("whole", 0, null)).execute("without failure");
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void stop() throws Exception {
    if (duck != null) {
      duck.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private JsonNode summary(Path out) throws Exception {
    return new ObjectMapper().readTree(out.resolve("_runs").resolve(RUN_ID + ".json").toFile());
  }

  private JsonNode accounting(Path out) throws Exception {
    return summary(out).get("accounting");
  }

  /** Every table of {@code out} equals the failure-free run's, and the accounting balances. */
  private void assertSameAsWithoutFailure(String what, Path out) throws Exception {
    StringBuilder counts = new StringBuilder();
    for (String table : TABLES) {
      List<String> expected = Duck.comparableRows(duck, whole, table);
      assertThat(expected).as(table).isNotEmpty();
      assertThat(Duck.comparableRows(duck, out, table)).as(what + ": " + table).isEqualTo(expected);
      assertThat(summary(out).get("tables").get(table).asLong())
          .as("the run summary counts the rows written to " + table)
          .isEqualTo(Duck.count(duck, out, table));
      if (table.equals("persons")) {
        assertThat(Duck.repeatedProfileRows(duck, out))
            .as(what + ": persons written twice")
            .isZero();
      }
      counts.append(' ').append(table).append('=').append(expected.size());
    }
    JsonNode expected = accounting(whole);
    JsonNode actual = accounting(out);
    assertThat(actual.get("input_records").asLong()).isEqualTo(records);
    assertThat(actual.get("balanced").asBoolean()).isTrue();
    for (String k :
        List.of("input_records", "accepted_events", "duplicates", "late_events", "dead_letters")) {
      assertThat(actual.get(k).asLong()).as(what + ": " + k).isEqualTo(expected.get(k).asLong());
    }
    System.out.printf(
        "%s equals the failure-free run over %,d records:%s%n", what, records, counts);
  }

  @Test
  void anOperatorThatThrowsOnceShouldRestartFromTheCheckpointAndLoseOrDuplicateNothing()
      throws Exception {
    Path out = dir.resolve("thrown");
    Probe.reset(records / 2);
    job(out, "thrown", run("thrown", 3, null)).execute("throws once");
    assertThat(Probe.FAILED.get()).as("the failure was injected").isTrue();
    assertThat(Probe.SEEN.get())
        .as("after the restart the source resumed from a checkpoint, not from the start")
        .isGreaterThan(records)
        .isLessThan(records + records / 2);
    assertSameAsWithoutFailure("an operator thrown once", out);
  }

  /** On the heap, and in RocksDB with incremental checkpoints. */
  @ParameterizedTest
  @EnumSource(StreamRunner.StateBackend.class)
  void aKilledTaskManagerShouldLoseAndDuplicateNothing(StreamRunner.StateBackend backend)
      throws Exception {
    Path out = dir.resolve("killed-" + backend);
    Probe.reset(0);
    Configuration clusterConf = LocalFlink.loopback(new Configuration());
    try (MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(clusterConf)
                .setNumTaskManagers(2)
                .setNumSlotsPerTaskManager(2)
                .build())) {
      cluster.start();
      StreamExecutionEnvironment env =
          job(out, "killed-" + backend, run("killed", 5, null, backend));
      JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
      Path summary = out.resolve("_runs").resolve(RUN_ID + ".json");
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (!Files.exists(summary) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(summary).as("a first checkpoint completed").exists();
      assertThat(cluster.getJobStatus(job).get()).isEqualTo(JobStatus.RUNNING);
      long before = accounting(out).get("input_records").asLong();
      assertThat(before).as("killed mid-stream").isLessThan(records);
      cluster.terminateTaskManager(0).get();
      System.out.printf(
          "killed TaskManager 0 after a checkpoint covering %,d of %,d records%n", before, records);
      JobResult result = cluster.requestJobResult(job).get();
      assertThat(result.isSuccess()).as(String.valueOf(result.getSerializedThrowable())).isTrue();
    }
    assertSameAsWithoutFailure("a killed TaskManager (" + backend + ")", out);
  }

  /** On the heap, and in RocksDB with incremental checkpoints. */
  @ParameterizedTest
  @EnumSource(StreamRunner.StateBackend.class)
  void aRunStoppedWithASavepointAndResumedShouldEqualTheUninterruptedOne(
      StreamRunner.StateBackend backend) throws Exception {
    Path out = dir.resolve("resumed-" + backend);
    Probe.reset(0);
    Probe.crawl = true; // so the stop comes before the end of the topic, whatever the backend
    JobClient client =
        job(out, "resumed-" + backend, run("first", 0, null, backend)).executeAsync("first half");
    // Every task must be running before a savepoint can be taken (RocksDB's take longer to
    // start): the first completed checkpoint writes the run summary.
    Path summary = out.resolve("_runs").resolve(RUN_ID + ".json");
    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
    while ((Probe.SEEN.get() < records / 2 || !Files.exists(summary))
        && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    String savepoint =
        client
            .stopWithSavepoint(
                false,
                dir.resolve("savepoints-" + backend).toUri().toString(),
                SavepointFormatType.CANONICAL)
            .get();
    long seenBefore = Probe.SEEN.get();
    Probe.crawl = false;
    assertThat(seenBefore).as("stopped midway").isLessThan(records);
    // The resumed job reads on from the offsets in the savepoint (the group id does not matter).
    job(out, "resumed-again-" + backend, run("second", 0, savepoint, backend))
        .execute("second half");
    assertThat(Probe.SEEN.get())
        .as("the second half resumed where the savepoint was taken")
        .isLessThan(records + records / 2);
    System.out.printf(
        "stopped with a savepoint after %,d of %,d records, resumed from %s%n",
        seenBefore, records, savepoint);
    assertSameAsWithoutFailure("a run resumed from a savepoint (" + backend + ")", out);
  }
}
