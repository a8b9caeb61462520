package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.io.KafkaRecordFormat;
import dev.omnichannel.monitor.testing.Await;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Late and out-of-order data on a real broker: an event behind the watermark by less than the
 * allowed lateness is processed as usual; one further behind lands in {@code late_events} with
 * exactly how far behind it was.
 */
class StreamLateDataITCase {
  private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
  private static final long MIN = 60_000L;

  private static byte[] event(String id, long t) {
    return event(id, t, "ck-late-test");
  }

  private static byte[] event(String id, long t, String cookie) {
    return KafkaRecordFormat.encode(
        ChannelEvent.newBuilder()
            .setEventId(id)
            .setEventTime(Instant.ofEpochMilli(t))
            .setChannel(Channel.WEB)
            .setEventType(EventType.PAGE_VIEW)
            .setIdentities(List.of(new Identity("cookie_id", cookie)))
            .build());
  }

  /** Starts the stream job on the broker's {@code events} topic, from the earliest offsets. */
  private static JobClient start(
      KafkaBroker broker,
      Path dir,
      Path out,
      int parallelism,
      String runId,
      StreamSettings settings)
      throws Exception {
    FlowConfig config =
        PipelineOptions.defaults()
            .backfillConfig(
                List.of(),
                out,
                null,
                null,
                parallelism,
                "late-data-itcase-hmac-key-0123456789".getBytes(StandardCharsets.UTF_8),
                runId);
    StreamRunner.Run run =
        new StreamRunner.Run(
            dir.resolve("checkpoints").toUri().toString(),
            Duration.ofMillis(300),
            null,
            null,
            null,
            0,
            List.of());
    StreamExecutionEnvironment env = StreamRunner.environment(config, run);
    StreamRunner.wire(
        env,
        config,
        settings,
        KafkaOptions.topics(broker.bootstrapServers(), "events")
            .withGroupId(runId)
            .withStartingOffsets("earliest"),
        run);
    return env.executeAsync(runId);
  }

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  /** Waits until the job's lease (written at each checkpoint) shows {@code watermark}. */
  private static void awaitWatermark(Path out, String runId, long watermark) throws Exception {
    Path lease = out.resolve("_writers").resolve("stream-" + runId + ".json");
    String expected = Instant.ofEpochMilli(watermark).toString();
    Await.until(
        "watermark " + expected + " in " + lease,
        () ->
            Files.exists(lease)
                && expected.equals(JSON.readTree(lease.toFile()).path("watermark").asText()));
  }

  /** Waits until the run summary (written at each checkpoint) satisfies {@code condition}. */
  private static void awaitSummary(
      Path out,
      String runId,
      String what,
      java.util.function.Predicate<com.fasterxml.jackson.databind.JsonNode> condition)
      throws Exception {
    Path file = out.resolve("_runs").resolve(runId + ".json");
    Await.until(
        what + " in " + file,
        () -> {
          if (!Files.exists(file)) {
            return false;
          }
          try {
            return condition.test(JSON.readTree(file.toFile()));
          } catch (java.io.IOException e) {
            return false; // replaced while read
          }
        });
  }

  private static long input(com.fasterxml.jackson.databind.JsonNode summary) {
    return summary.get("accounting").get("input_records").asLong();
  }

  /** Waits until {@code table}'s committed files hold {@code rows} rows. */
  private static void awaitRows(Path out, String table, long rows) throws Exception {
    Await.until(
        rows + " committed rows in " + table,
        () -> {
          if (!Files.isDirectory(out.resolve(table))) {
            return false;
          }
          try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            return List.of(String.valueOf(rows))
                .equals(
                    strings(
                        duck,
                        "SELECT count(*) FROM read_parquet('"
                            + out.resolve(table)
                            + "/**/*.parquet')"));
          } catch (java.sql.SQLException e) {
            return false; // no file yet
          }
        });
  }

  private static List<String> strings(Connection duck, String sql) throws Exception {
    List<String> out = new ArrayList<>();
    try (Statement st = duck.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * An idle partition that resumes: its source subtask's watermark is far behind the job's, so its
   * old event passes the late filter, but the person's later events have already gone through the
   * journey operator. The event becomes a late event (a straggler), not part of a journey, and the
   * accounting moves it from accepted to late.
   */
  @Test
  void anEventFromAnIdlePartitionThatResumesShouldBecomeALateEvent(@TempDir Path dir)
      throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("events", 2);
      List<byte[]> busy = new ArrayList<>();
      for (int i = 0; i <= 60; i += 10) {
        busy.add(event(String.format("p-%03d", i), T0 + i * MIN, "ck-p"));
      }
      for (int i = 70; i <= 120; i += 10) {
        busy.add(event(String.format("q-%03d", i), T0 + i * MIN, "ck-q"));
      }
      broker.produce("events", 1, busy);

      Path out = dir.resolve("out");
      JobClient job =
          start(
              broker,
              dir,
              out,
              2,
              "straggler-test",
              new StreamSettings(
                  Duration.ofMinutes(1),
                  Duration.ofSeconds(1),
                  Duration.ZERO,
                  Duration.ZERO,
                  Duration.ofDays(1)));
      try {
        // Partition 0 is idle; partition 1 alone moves the watermark to T0 + 119 min, which
        // releases ck-p's events up to T0 + 60 min through the journey operator.
        awaitWatermark(out, "straggler-test", T0 + 119 * MIN - 1);
        broker.produce("events", 0, List.of(event("p-straggler", T0 + 30 * MIN, "ck-p")));
        awaitSummary(out, "straggler-test", "the straggler read", s -> input(s) == 14);
        // moves the watermark on, so the straggler is released
        broker.produce("events", 1, List.of(event("q-200", T0 + 200 * MIN, "ck-q")));
        awaitRows(out, "late_events", 1);
        awaitRows(out, "events", 13); // p-000 .. p-060 and q-070 .. q-120
        awaitSummary(
            out,
            "straggler-test",
            "the straggler counted late",
            s -> input(s) == 15 && s.get("accounting").get("late_events").asLong() == 1);
      } finally {
        job.cancel().get();
      }

      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
        assertThat(
                strings(
                    duck,
                    "SELECT event_id FROM read_parquet('"
                        + out.resolve("late_events")
                        + "/**/*.parquet')"))
            .containsExactly("p-straggler");
        List<String> events =
            strings(
                duck,
                "SELECT event_id FROM read_parquet('"
                    + out.resolve("events")
                    + "/**/*.parquet') ORDER BY 1");
        assertThat(events).doesNotContain("p-straggler").contains("p-000", "p-060", "q-120");
      }
      com.fasterxml.jackson.databind.JsonNode summary =
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree(out.resolve("_runs").resolve("straggler-test.json").toFile());
      com.fasterxml.jackson.databind.JsonNode a = summary.get("accounting");
      assertThat(a.get("late_events").asLong()).isEqualTo(1);
      assertThat(summary.get("tables").get("late_events").asLong()).isEqualTo(1);
      assertThat(summary.get("tables").get("friction").asLong()).isZero();
      assertThat(a.get("balanced").asBoolean()).isTrue();
    }
  }

  @Test
  void eventsShouldBeOnTimeOutOfOrderOrLateAsTheRulesSay(@TempDir Path dir) throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("events", 1);
      List<byte[]> first = new ArrayList<>();
      for (int i = 0; i <= 120; i += 10) {
        first.add(event(String.format("e-%03d", i), T0 + i * MIN));
      }
      broker.produce("events", first);

      JobClient job =
          start(
              broker,
              dir,
              dir.resolve("out"),
              1,
              "late-test",
              new StreamSettings(
                  Duration.ofMinutes(1),
                  Duration.ZERO,
                  Duration.ofHours(1),
                  Duration.ZERO,
                  Duration.ofDays(1)));
      try {
        awaitWatermark(dir.resolve("out"), "late-test", T0 + 120 * MIN - MIN - 1);
        broker.produce(
            "events",
            List.of(
                event("e-ooo", T0 + 90 * MIN), // 29 min behind the watermark: allowed
                event("e-late", T0 - 180 * MIN), // 299 min behind: late
                // moves the watermark on, so the allowed out-of-order event is released
                event("e-200", T0 + 200 * MIN)));
        // every event read and counted, then their rows committed: 13 + e-ooo, and e-late
        awaitSummary(dir.resolve("out"), "late-test", "all 16 records read", s -> input(s) == 16);
        awaitRows(dir.resolve("out"), "events", 14);
        awaitRows(dir.resolve("out"), "late_events", 1);
      } finally {
        job.cancel().get();
      }

      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:");
          Statement st = duck.createStatement()) {
        Path out = dir.resolve("out");
        List<String> late = new ArrayList<>();
        try (ResultSet rs =
            st.executeQuery(
                "SELECT event_id, lateness_ms FROM read_parquet('"
                    + out.resolve("late_events")
                    + "/**/*.parquet')")) {
          while (rs.next()) {
            late.add(rs.getString(1) + " " + rs.getLong(2));
          }
        }
        long watermark = T0 + 120 * MIN - MIN - 1;
        assertThat(late).containsExactly("e-late " + (watermark - (T0 - 180 * MIN)));
        List<String> events = new ArrayList<>();
        try (ResultSet rs =
            st.executeQuery(
                "SELECT event_id FROM read_parquet('"
                    + out.resolve("events")
                    + "/**/*.parquet') ORDER BY 1")) {
          while (rs.next()) {
            events.add(rs.getString(1));
          }
        }
        // Events wait the allowed lateness (1 h): the watermark at T0 + 199 min releases up to
        // T0 + 139 min, the allowed out-of-order event among them, in order.
        assertThat(events)
            .containsExactly(
                "e-000", "e-010", "e-020", "e-030", "e-040", "e-050", "e-060", "e-070", "e-080",
                "e-090", "e-100", "e-110", "e-120", "e-ooo");
      }
    }
  }
}
