package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.io.EventFileFormat;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.pipeline.BackfillConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Batch equals stream: the same generated events through {@code backfill} and through the stream
 * pipeline (STREAMING execution, event time, checkpointed Parquet sinks) give the same tables. The
 * stream reads the events in order from one file; its stitch delay is longer than the data, so
 * every identity link is known before events are given a person (see the stream package
 * documentation for what a short stitch delay changes).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamEqualsBackfillITCase {
  private static final String KEY = "stream-itcase-hmac-key-0123456789";

  private Path batchOut;
  private Path streamOut;
  private Connection duck;

  @BeforeAll
  void run(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("input");
    GeneratorConfig defaults = GeneratorConfig.defaults();
    Generator.generate(
        new GeneratorConfig(
            300, 60, 13L, defaults.start(), GeneratorConfig.Format.JSONL, false, 0.03, true, 0),
        input);
    // One file, in generated order (time order with the planted out-of-order records).
    Path all = dir.resolve("ordered").resolve("events.jsonl");
    Files.createDirectories(all.getParent());
    try (Stream<Path> days = Files.list(input.resolve("events"))) {
      for (Path day : days.sorted().toList()) {
        Files.write(
            all,
            Files.readAllBytes(day),
            java.nio.file.StandardOpenOption.CREATE,
            java.nio.file.StandardOpenOption.APPEND);
      }
    }
    Path keyFile = dir.resolve("hmac.key");
    Files.writeString(keyFile, KEY + "\n");
    batchOut = dir.resolve("batch");
    assertThat(
            Main.execute(
                "backfill",
                "--input",
                all.toString(),
                "--output",
                batchOut.toString(),
                "--parallelism",
                "2",
                "--hmac-key-file",
                keyFile.toString()))
        .isZero();

    streamOut = dir.resolve("stream");
    BackfillConfig config =
        PipelineOptions.defaults()
            .backfillConfig(
                List.of(all.toString()),
                streamOut,
                null,
                null,
                2,
                KEY.getBytes(StandardCharsets.UTF_8),
                "stream-test");
    StreamSettings settings =
        new StreamSettings(
            Duration.ofDays(2),
            Duration.ZERO,
            Duration.ofDays(1),
            Duration.ofDays(400),
            Duration.ofDays(7));
    Configuration conf = new Configuration();
    conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    env.enableCheckpointing(1000);
    DataStream<RawRecord> raw =
        env.fromSource(
                FileSource.forBulkFileFormat(
                        new EventFileFormat(), new org.apache.flink.core.fs.Path(all.toString()))
                    .build(),
                WatermarkStrategy.noWatermarks(),
                "events file")
            .setParallelism(1);
    StreamPipeline.sinkParquet(
        new StreamPipeline(config, settings).wire(raw), streamOut.toUri().toString());
    env.execute("stream equals backfill");
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  private String table(Path out, String table) {
    return "read_parquet('" + out.resolve(table) + "/**/*.parquet', hive_partitioning = false)";
  }

  private List<String> rows(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (Statement st = duck.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        StringBuilder b = new StringBuilder();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          b.append(rs.getString(i)).append('|');
        }
        rows.add(b.toString());
      }
    }
    return rows;
  }

  private void assertSame(String columns, String table) throws Exception {
    String q = "SELECT " + columns + " FROM %s ORDER BY ALL";
    List<String> batch = rows(String.format(q, table(batchOut, table)));
    List<String> stream = rows(String.format(q, table(streamOut, table)));
    assertThat(batch).as(table + " rows in the backfill").isNotEmpty();
    assertThat(stream).as(table).hasSize(batch.size());
    assertThat(stream).as(table).isEqualTo(batch);
  }

  @Test
  void eventsShouldHaveTheSamePersonsAndJourneys() throws Exception {
    assertSame("event_id, event_time, person_id, journey_id", "events");
  }

  @Test
  void journeysShouldBeIdentical() throws Exception {
    assertSame("*", "journeys");
  }

  @Test
  void journeyMatchesAndFrictionShouldBeIdentical() throws Exception {
    assertSame("*", "journey_matches");
    assertSame("*", "friction");
  }

  @Test
  void attributionShouldBeIdentical() throws Exception {
    assertSame(
        "conversion_event_id, journey_id, person_id, conversion_time, model, channel,"
            + " round(credit, 9), round(credited_value, 6)",
        "attribution");
    assertSame(
        "window_start, window_end, model, channel, round(removal_effect, 9),"
            + " round(attributed_conversions, 9), round(attributed_value, 6)",
        "attribution_channel");
  }

  @Test
  void deadLettersAndRejectedLinksShouldBeTheSame() throws Exception {
    assertSame("source, reason, event_id", "dead_letters");
    List<String> batch =
        rows(
            "SELECT event_id, reason FROM "
                + table(batchOut, "identity_merges")
                + " WHERE NOT accepted ORDER BY ALL");
    List<String> stream =
        rows(
            "SELECT event_id, reason FROM "
                + table(streamOut, "identity_merges")
                + " WHERE NOT accepted ORDER BY ALL");
    assertThat(stream).isNotEmpty().isEqualTo(batch);
  }
}
