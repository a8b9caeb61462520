package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.io.EventFileFormat;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.pipeline.BackfillConfig;
import dev.omnichannel.monitor.pipeline.LocalFlink;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop with a savepoint midway, restart from it, and the output equals an uninterrupted run: the
 * stable operator uids carry every piece of state (de-duplication, identity graph, waiting events,
 * open journeys, CEP partial matches, attribution windows, the accounting) across the restart.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamSavepointITCase {
  private static final String KEY = "savepoint-itcase-hmac-key-0123456789";
  private static final AtomicLong SEEN = new AtomicLong();

  private Path file;
  private Path whole;
  private Path resumed;
  private long records;
  private String savepoint;
  private Connection duck;

  /** Counts records and slows the read so that the job is still running when it is stopped. */
  static final class Slow implements MapFunction<RawRecord, RawRecord> {
    @Override
    public RawRecord map(RawRecord r) throws Exception {
      if (SEEN.incrementAndGet() % 20 == 0) {
        Thread.sleep(10);
      }
      return r;
    }
  }

  private StreamExecutionEnvironment env(Path out, String restoreFrom) {
    Configuration conf = new Configuration();
    conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
    if (restoreFrom != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, restoreFrom);
    }
    StreamExecutionEnvironment env = LocalFlink.environment(conf);
    env.setParallelism(2);
    env.enableCheckpointing(500);
    BackfillConfig config =
        PipelineOptions.defaults()
            .backfillConfig(
                List.of(file.toString()),
                out,
                null,
                null,
                2,
                KEY.getBytes(StandardCharsets.UTF_8),
                "savepoint-test");
    StreamSettings settings =
        new StreamSettings(
            Duration.ofDays(2),
            Duration.ZERO,
            Duration.ofDays(1),
            Duration.ofMinutes(10),
            Duration.ofDays(7));
    DataStream<RawRecord> raw =
        env.fromSource(
                FileSource.forBulkFileFormat(
                        new EventFileFormat(), new org.apache.flink.core.fs.Path(file.toString()))
                    .build(),
                WatermarkStrategy.noWatermarks(),
                "events file")
            .uid("source-file")
            .setParallelism(1)
            .map(new Slow())
            .uid("slow")
            .setParallelism(1);
    StreamPipeline.sinkParquet(
        new StreamPipeline(config, settings).wire(raw), out.toUri().toString());
    return env;
  }

  @BeforeAll
  void run(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("input");
    GeneratorConfig d = GeneratorConfig.defaults();
    Generator.generate(
        new GeneratorConfig(
            150, 40, 21L, d.start(), GeneratorConfig.Format.JSONL, false, 0.03, true, 0),
        input);
    file = dir.resolve("events.jsonl");
    try (Stream<Path> days = Files.list(input.resolve("events"))) {
      for (Path day : days.sorted().toList()) {
        Files.write(
            file, Files.readAllBytes(day), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      }
    }
    try (Stream<String> lines = Files.lines(file)) {
      records = lines.filter(l -> !l.isBlank()).count();
    }
    whole = dir.resolve("whole");
    env(whole, null).execute("uninterrupted");

    resumed = dir.resolve("resumed");
    SEEN.set(0);
    JobClient client = env(resumed, null).executeAsync("first half");
    while (SEEN.get() < records / 2) {
      Thread.sleep(20);
    }
    savepoint =
        client
            .stopWithSavepoint(
                false, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
            .get();
    env(resumed, savepoint).execute("second half");
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  private List<String> rows(Path out, String table, String cols) throws Exception {
    return Duck.rows(duck, out, table, cols);
  }

  @Test
  void theResumedRunShouldEqualTheUninterruptedOne() throws Exception {
    assertThat(savepoint).isNotBlank();
    assertThat(SEEN.get())
        .as("the second half resumed where the savepoint was taken")
        .isLessThan(records + records / 2 + 50);
    for (String table :
        List.of(
            "events",
            "journeys",
            "journey_matches",
            "friction",
            "identity_merges",
            "dead_letters")) {
      List<String> expected = rows(whole, table, "*");
      assertThat(expected).as(table).isNotEmpty();
      assertThat(rows(resumed, table, "*")).as(table).isEqualTo(expected);
    }
    String credit =
        "* EXCLUDE (credit, credited_value), round(credit, 9), round(credited_value, 6)";
    assertThat(rows(resumed, "attribution", credit)).isEqualTo(rows(whole, "attribution", credit));
    JsonNode a =
        new ObjectMapper()
            .readTree(resumed.resolve("_runs").resolve("savepoint-test.json").toFile())
            .get("accounting");
    assertThat(a.get("input_records").asLong()).isEqualTo(records);
    assertThat(a.get("balanced").asBoolean()).isTrue();
  }
}
