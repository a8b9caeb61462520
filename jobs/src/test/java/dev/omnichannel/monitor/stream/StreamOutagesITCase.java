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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.checkpoint.AbstractCheckpointStats;
import org.apache.flink.runtime.executiongraph.AccessExecution;
import org.apache.flink.runtime.executiongraph.AccessExecutionVertex;
import org.apache.flink.runtime.executiongraph.ArchivedExecutionGraph;
import org.apache.flink.runtime.executiongraph.ErrorInfo;
import org.apache.flink.runtime.jobmaster.JobResult;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.SerializedThrowable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outages around a running stream job, on a real broker: the broker stopped and started again on
 * the same port and log directories while the job reads; the output folder gone between a
 * checkpoint's snapshot and its commit; the output folder gone while rows are written. Root can
 * write anywhere, so "gone" is the folder moved away and a regular file put in its place (every
 * write and rename under it fails), until the test moves it back. Every table and the accounting
 * equal those of a run without an outage over the same topic: no row lost, none duplicated.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StreamOutagesITCase {
  private static final String KEY = "outages-itcase-hmac-key-0123456789";
  private static final String RUN_ID = "outages";
  private static final String TOPIC = "events";
  private static final Duration HANG_GUARD = Duration.ofMinutes(2);
  private static final Duration BROKER_OUTAGE = Duration.ofSeconds(10);

  private static final StreamSettings SETTINGS =
      new StreamSettings(
          Duration.ofDays(2),
          Duration.ZERO,
          Duration.ZERO,
          Duration.ofMinutes(10),
          Duration.ofDays(7));

  private KafkaBroker broker;

  /** The generated records of each partition, in offset order. */
  private final List<List<byte[]>> partitions = new ArrayList<>();

  private long records;

  /** How many of each partition's records are on {@link #TOPIC}. */
  private int[] produced;

  private Path dir;
  private Path whole;
  private Connection duck;

  /**
   * Counts the records it sees. While {@link #crawl} is set, every record after the first {@link
   * #crawlAfter} waits 1 ms, so that a test can act while the job is mid-stream. Once {@link
   * #arm}ed, it stops the job in the middle of the next checkpoint but one ({@link #BLOCK_AT}): its
   * snapshot waits until {@link #released}, while the tasks downstream write and close their files
   * for the checkpoint and acknowledge it; from then on no record passes while {@link #hold} is
   * set, so no task opens a new file.
   */
  static final class Probe implements MapFunction<RawRecord, RawRecord>, CheckpointedFunction {
    static final AtomicLong SEEN = new AtomicLong();
    static final AtomicLong BLOCK_AT = new AtomicLong();
    static final AtomicInteger BLOCKED = new AtomicInteger();
    static volatile long crawlAfter;
    static volatile boolean crawl;
    static volatile boolean arm;
    static volatile boolean released;
    static volatile boolean hold;

    static void reset(long after) {
      SEEN.set(0);
      BLOCK_AT.set(-1);
      BLOCKED.set(0);
      crawlAfter = after;
      crawl = after > 0;
      arm = false;
      released = false;
      hold = false;
    }

    @Override
    public RawRecord map(RawRecord r) throws Exception {
      while (hold) {
        Thread.sleep(10);
      }
      if (SEEN.incrementAndGet() > crawlAfter && crawl) {
        Thread.sleep(1);
      }
      return r;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext ctx) throws Exception {
      long id = ctx.getCheckpointId();
      if (arm) {
        // the next checkpoint: both subtasks take it after this one, so both block in it
        BLOCK_AT.compareAndSet(-1, id + 1);
      }
      if (id == BLOCK_AT.get()) {
        hold = true;
        BLOCKED.incrementAndGet();
        while (!released) {
          Thread.sleep(10);
        }
      }
    }

    @Override
    public void initializeState(FunctionInitializationContext ctx) {}
  }

  @BeforeAll
  void start(@TempDir Path tmp) throws Exception {
    dir = tmp;
    broker = KafkaBroker.start();
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
                "600",
                "--days",
                "40",
                "--seed",
                "29",
                "--bad-ratio",
                "0.02",
                "--output",
                dir.resolve("generated").toString()))
        .isZero();
    List<ConsumerRecord<byte[], byte[]>> generated = broker.consumeAll("generated");
    records = generated.size();
    for (int p = 0; p < 3; p++) {
      int partition = p;
      partitions.add(
          generated.stream()
              .filter(r -> r.partition() == partition)
              .sorted(Comparator.comparingLong(ConsumerRecord::offset))
              .map(ConsumerRecord::value)
              .toList());
    }
    produced = new int[partitions.size()];
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

  /**
   * Copies the first {@code share} of each partition of the generated topic to the same partition
   * of {@link #TOPIC} (what is not there yet). The copy is filled in at most two steps, the first
   * half and then the rest, whichever test fills it, so every run reads the same partitions and
   * offsets as the generator wrote them: time-ordered per partition.
   */
  private void produce(double share) throws Exception {
    for (int p = 0; p < partitions.size(); p++) {
      List<byte[]> all = partitions.get(p);
      int upTo = (int) Math.round(all.size() * share);
      if (upTo > produced[p]) {
        broker.produce(TOPIC, p, all.subList(produced[p], upTo));
        produced[p] = upTo;
      }
    }
  }

  private long producedRecords() {
    return java.util.Arrays.stream(produced).sum();
  }

  private void produceAll() throws Exception {
    produce(0.5);
    produce(1);
  }

  private static FlowConfig config(Path out) {
    return PipelineOptions.defaults()
        .backfillConfig(
            List.of(), out, null, null, 2, KEY.getBytes(StandardCharsets.UTF_8), RUN_ID);
  }

  private StreamRunner.Run run(String name, Integer maxRestarts) {
    return run(dir.resolve("checkpoints-" + name), maxRestarts);
  }

  private StreamRunner.Run run(Path checkpoints, Integer maxRestarts) {
    return new StreamRunner.Run(
        checkpoints.toUri().toString(),
        Duration.ofMillis(500),
        null,
        null,
        null,
        maxRestarts,
        List.of());
  }

  /**
   * The stream job as {@link StreamRunner#wire} builds it, with a {@link Probe} between the Kafka
   * source and the pipeline.
   */
  private StreamExecutionEnvironment job(
      Path out, String groupId, StreamRunner.Run run, boolean bounded) {
    FlowConfig config = config(out);
    StreamExecutionEnvironment env = StreamRunner.environment(config, run);
    StreamPipeline pipeline = new StreamPipeline(config, SETTINGS, run.arguments());
    KafkaOptions kafka =
        KafkaOptions.topics(broker.bootstrapServers(), TOPIC)
            .withStartingOffsets("earliest")
            .withBounded(bounded)
            .withGroupId(groupId);
    DataStream<RawRecord> raw =
        env.fromSource(KafkaSources.source(kafka), pipeline.sourceWatermarks(), "kafka")
            .uid("source-kafka")
            .name("read Kafka")
            .map(new Probe())
            .uid("probe")
            .name("probe");
    StreamPipeline.sinkParquet(pipeline.wire(raw, true), out.toUri().toString());
    return env;
  }

  private static MiniCluster cluster() throws Exception {
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .setConfiguration(LocalFlink.sized(LocalFlink.loopback(new Configuration()), 2))
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(4)
                .build());
    cluster.start();
    return cluster;
  }

  /** The run without an outage, over the whole topic (run once, when first needed). */
  private Path whole() throws Exception {
    if (whole == null) {
      produceAll();
      Path out = dir.resolve("whole");
      Probe.reset(0);
      job(out, "whole", run("whole", 0), true).execute("without outage");
      whole = out;
    }
    return whole;
  }

  private static void await(String what, BooleanSupplier condition) throws Exception {
    long deadline = System.nanoTime() + HANG_GUARD.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("waited " + HANG_GUARD + " for " + what);
      }
      Thread.sleep(50);
    }
  }

  private static JsonNode summary(Path out) {
    Path file = out.resolve("_runs").resolve(RUN_ID + ".json");
    try {
      return Files.isRegularFile(file) ? new ObjectMapper().readTree(file.toFile()) : null;
    } catch (Exception e) {
      return null; // being replaced
    }
  }

  private static long checkpointedInput(Path out) {
    JsonNode s = summary(out);
    return s == null ? -1 : s.get("accounting").get("input_records").asLong();
  }

  private static long checkpointId(Path out) {
    JsonNode s = summary(out);
    return s == null || s.get("checkpoint_id").isNull() ? -1 : s.get("checkpoint_id").asLong();
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

  /**
   * The root causes of every task failure of {@code job}, one line each ({@code Class: message}),
   * in the order they happened.
   */
  private static List<String> failures(MiniCluster cluster, JobID job) throws Exception {
    ArchivedExecutionGraph g = cluster.getArchivedExecutionGraph(job).get();
    List<ErrorInfo> errors = new ArrayList<>();
    for (AccessExecutionVertex v : g.getAllExecutionVertices()) {
      for (AccessExecution e : v.getExecutionHistory().getHistoricalExecutions()) {
        e.getFailureInfo().ifPresent(errors::add);
      }
      v.getCurrentExecutionAttempt().getFailureInfo().ifPresent(errors::add);
    }
    errors.sort(Comparator.comparingLong(ErrorInfo::getTimestamp));
    List<String> out = new ArrayList<>();
    for (ErrorInfo e : errors) {
      out.add(describe(e.getException()));
    }
    return out;
  }

  /**
   * The job's own message about the output ({@code cannot write table ...}, {@code cannot commit
   * table ...}, {@code cannot write the run summary ...}) if {@code t} has one in its chain, else
   * its root cause.
   */
  private static String describe(Throwable t) {
    Throwable root = t;
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      String m = String.valueOf(c.getMessage());
      if (m.contains("cannot write table")
          || m.contains("cannot commit table")
          || m.contains("cannot write the run summary")) {
        return m;
      }
      root = c;
    }
    return root instanceof SerializedThrowable st
        ? st.getOriginalErrorClassName() + ": " + st.getMessage()
        : root.toString();
  }

  /** The sorted rows of {@code table} under {@code out}; none if it has no Parquet files. */
  private List<String> rows(Path out, String table) throws Exception {
    Path dir = out.resolve(table);
    boolean any;
    try (var files = Files.exists(dir) ? Files.walk(dir) : java.util.stream.Stream.<Path>empty()) {
      any = files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet"));
    }
    return any ? Duck.comparableRows(duck, out, table) : List.of();
  }

  /** Every table of {@code out} equals the run's without an outage; the accounting balances. */
  private void assertSameAsWithoutOutage(String what, Path out) throws Exception {
    Path expectedOut = whole();
    StringBuilder counts = new StringBuilder();
    for (String table : Table.allTables()) {
      List<String> expected = rows(expectedOut, table);
      if (Table.backfillTables().contains(table)) {
        assertThat(expected).as(table).isNotEmpty();
      }
      assertThat(rows(out, table)).as(what + ": " + table).isEqualTo(expected);
      boolean persons = table.equals("persons");
      assertThat(summary(out).get("tables").get(table).asLong())
          .as("the run summary counts the rows written to " + table)
          .isEqualTo(persons ? Duck.count(duck, out, table) : expected.size());
      if (persons) {
        assertThat(Duck.repeatedProfileRows(duck, out))
            .as(what + ": persons written twice")
            .isZero();
      }
      counts.append(' ').append(table).append('=').append(expected.size());
    }
    JsonNode expected = summary(expectedOut).get("accounting");
    JsonNode actual = summary(out).get("accounting");
    assertThat(actual.get("input_records").asLong()).isEqualTo(records);
    assertThat(actual.get("balanced").asBoolean()).isTrue();
    for (String k :
        List.of("input_records", "accepted_events", "duplicates", "late_events", "dead_letters")) {
      assertThat(actual.get(k).asLong()).as(what + ": " + k).isEqualTo(expected.get(k).asLong());
    }
    System.out.printf(
        "%s equals the run without outage over %,d records:%s%n", what, records, counts);
  }

  /**
   * The broker stops (broker and controller, as a process would) after the job has read and
   * checkpointed the first half of every partition, stays away for {@link #BROKER_OUTAGE}, and
   * comes back on the same port and log directories; the second half is produced after it is back.
   * The Kafka source only reconnects: the job keeps checkpointing through the outage and does not
   * restart.
   */
  @Test
  @Order(1)
  void aBrokerStoppedAndRestartedMidStreamShouldLoseAndDuplicateNothing() throws Exception {
    Path out = dir.resolve("broker");
    produce(0.5);
    long half = producedRecords();
    Probe.reset(0);
    try (MiniCluster cluster = cluster()) {
      StreamExecutionEnvironment env = job(out, "broker", run("broker", null), false);
      JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
      await("a checkpoint covering the first half", () -> checkpointedInput(out) == half);
      long checkpoint = checkpointId(out);
      broker.stop();
      long down = System.nanoTime();
      System.out.printf(
          "broker stopped after checkpoint %d covering %,d of %,d records%n",
          checkpoint, half, records);
      await("two checkpoints during the outage", () -> checkpointId(out) >= checkpoint + 2);
      // the outage's length, not a wait for something to happen
      Thread.sleep(Math.max(0, BROKER_OUTAGE.toMillis() - (System.nanoTime() - down) / 1_000_000));
      assertThat(cluster.getJobStatus(job).get()).isEqualTo(JobStatus.RUNNING);
      broker.restart(TOPIC);
      long outage = (System.nanoTime() - down) / 1_000_000;
      produce(1);
      await("a checkpoint covering every record", () -> checkpointedInput(out) == records);
      System.out.printf(
          "broker back after %,d ms; checkpoint %d covers every record%n",
          outage, checkpointId(out));
      assertThat(restarts(cluster, job)).as("restarts of the job").isZero();
      assertThat(failures(cluster, job)).isEmpty();
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
    assertThat(Probe.SEEN.get()).as("every record read once").isEqualTo(records);
    assertThat(summary(out).get("status").asText()).isEqualTo("FINISHED");
    assertSameAsWithoutOutage("a broker restarted mid-stream", out);
  }

  /**
   * The output goes away between the moment every table has written and closed its files for a
   * checkpoint and the moment that checkpoint publishes them: each commit must then fail (naming
   * the folder), not skip the files, and the job must restart from the checkpoint until the output
   * is back. Checkpoints are kept elsewhere, as they would be on another disk.
   */
  @Test
  @Order(2)
  void anOutputGoneBeforeTheCommitShouldFailWithItsPathAndPublishOnceBack() throws Exception {
    produceAll();
    Path out = dir.resolve("disk");
    Path away = dir.resolve("disk-away");
    Probe.reset(records / 3);
    try (MiniCluster cluster = cluster()) {
      StreamExecutionEnvironment env = job(out, "disk", run("disk", null), true);
      JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
      await("a checkpoint covering a quarter", () -> checkpointedInput(out) >= records / 4);
      Probe.arm = true;
      await("both readers blocked in a checkpoint", () -> Probe.BLOCKED.get() == 2);
      long checkpoint = Probe.BLOCK_AT.get();
      await(
          "every other task's part of checkpoint " + checkpoint,
          () -> unchecked(() -> acknowledged(cluster, job, checkpoint) == tasks(cluster, job) - 2));
      Files.move(out, away);
      Files.writeString(out, "not a directory\n");
      Probe.released = true;
      System.out.printf(
          "output gone before checkpoint %d (covering %,d records read) published it%n",
          checkpoint, Probe.SEEN.get());
      await(
          "a commit that names the missing folder",
          () ->
              unchecked(
                  () ->
                      failures(cluster, job).stream()
                          .anyMatch(
                              f ->
                                  f.contains("cannot commit table")
                                      && f.contains(out.toString()))));
      await(
          "a restart while the output is gone", () -> unchecked(() -> restarts(cluster, job) >= 2));
      failures(cluster, job).stream().distinct().forEach(f -> System.out.println("failure: " + f));
      Files.delete(out);
      Files.move(away, out);
      Probe.hold = false;
      Probe.crawl = false;
      JobResult result = cluster.requestJobResult(job).get();
      assertThat(result.isSuccess()).as(String.valueOf(result.getSerializedThrowable())).isTrue();
    }
    assertSameAsWithoutOutage("an output gone before a commit", out);
  }

  /**
   * The output goes away while rows are being written, with the checkpoints inside it as {@code
   * stream} keeps them by default: writes, commits and checkpoints fail, naming what they could not
   * write, and the job restarts with back-off until the output is back.
   */
  @Test
  @Order(3)
  void anOutputGoneWhileWritingShouldFailWithItsPathAndRecoverOnceBack() throws Exception {
    produceAll();
    Path out = dir.resolve("writing");
    Path away = dir.resolve("writing-away");
    Probe.reset(records / 3);
    try (MiniCluster cluster = cluster()) {
      StreamExecutionEnvironment env =
          job(out, "writing", run(out.resolve("_checkpoints"), null), true);
      JobID job = cluster.submitJob(env.getStreamGraph()).get().getJobID();
      await("a checkpoint covering a quarter", () -> checkpointedInput(out) >= records / 4);
      Files.move(out, away);
      Files.writeString(out, "not a directory\n");
      System.out.printf("output gone while %,d records were read%n", Probe.SEEN.get());
      await(
          "a failure that names the output",
          () ->
              unchecked(
                  () ->
                      failures(cluster, job).stream()
                          .anyMatch(
                              f ->
                                  f.contains(out.toString())
                                      && (f.contains("cannot write table")
                                          || f.contains("cannot commit table")))));
      await(
          "a restart while the output is gone", () -> unchecked(() -> restarts(cluster, job) >= 2));
      failures(cluster, job).stream().distinct().forEach(f -> System.out.println("failure: " + f));
      Files.delete(out);
      Files.move(away, out);
      Probe.crawl = false;
      JobResult result = cluster.requestJobResult(job).get();
      assertThat(result.isSuccess()).as(String.valueOf(result.getSerializedThrowable())).isTrue();
    }
    assertSameAsWithoutOutage("an output gone while writing", out);
  }

  /** Subtasks of every task of {@code job}. */
  private static int tasks(MiniCluster cluster, JobID job) throws Exception {
    int n = 0;
    for (AccessExecutionVertex v :
        cluster.getArchivedExecutionGraph(job).get().getAllExecutionVertices()) {
      n++;
    }
    return n;
  }

  /** The subtasks that acknowledged {@code checkpoint} so far. */
  private static int acknowledged(MiniCluster cluster, JobID job, long checkpoint)
      throws Exception {
    AbstractCheckpointStats s =
        cluster
            .getArchivedExecutionGraph(job)
            .get()
            .getCheckpointStatsSnapshot()
            .getHistory()
            .getCheckpointById(checkpoint);
    return s == null ? 0 : s.getNumberOfAcknowledgedSubtasks();
  }

  interface Check {
    boolean get() throws Exception;
  }

  private static boolean unchecked(Check c) {
    try {
      return c.get();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
