package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.LocalFlink;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.io.EventFileFormat;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
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
  private Path liveOut;
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
    stream(all, streamOut, Duration.ofDays(400));
    liveOut = dir.resolve("live");
    stream(all, liveOut, Duration.ofMinutes(10));
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  /** Runs the stream pipeline over {@code file} with the given stitch delay. */
  private static void stream(Path file, Path out, Duration stitchDelay) throws Exception {
    FlowConfig config =
        PipelineOptions.defaults()
            .backfillConfig(
                List.of(file.toString()),
                out,
                null,
                null,
                2,
                KEY.getBytes(StandardCharsets.UTF_8),
                "stream-test");
    StreamSettings settings =
        new StreamSettings(
            Duration.ofDays(2), Duration.ZERO, Duration.ZERO, stitchDelay, Duration.ofDays(7));
    Configuration conf = new Configuration();
    conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
    StreamExecutionEnvironment env = LocalFlink.environment(conf, 2);
    env.enableCheckpointing(1000);
    DataStream<RawRecord> raw =
        env.fromSource(
                FileSource.forBulkFileFormat(
                        new EventFileFormat(), new org.apache.flink.core.fs.Path(file.toString()))
                    .build(),
                WatermarkStrategy.noWatermarks(),
                "events file")
            .setParallelism(1);
    StreamPipeline.sinkParquet(
        new StreamPipeline(config, settings).wire(raw), out.toUri().toString());
    env.execute("stream " + out.getFileName());
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  private String table(Path out, String table) {
    return Duck.table(out, table);
  }

  private List<String> rows(String sql) throws Exception {
    return Duck.rows(duck, sql);
  }

  private void assertSame(String columns, String table) throws Exception {
    String q = "SELECT " + columns + " FROM %s ORDER BY ALL";
    List<String> batch = rows(String.format(q, table(batchOut, table)));
    List<String> stream = rows(String.format(q, table(streamOut, table)));
    assertThat(batch).as(table + " rows in the backfill").isNotEmpty();
    assertThat(stream).as(table).hasSize(batch.size());
    assertThat(stream).as(table).isEqualTo(batch);
    System.out.printf("%s: %,d rows, identical in backfill and stream%n", table, batch.size());
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
            + " round(value_removal_effect, 9), round(attributed_conversions, 9),"
            + " round(attributed_value, 6)",
        "attribution_channel");
  }

  private static final String PROFILE = Duck.PROFILE;

  private static String currentProfiles(String persons, String columns) {
    return Duck.currentProfiles(persons, columns);
  }

  @Test
  void theStreamsCurrentProfilesShouldEqualTheBackfillsPersons() throws Exception {
    List<String> batch =
        rows("SELECT " + PROFILE + " FROM " + table(batchOut, "persons") + " ORDER BY ALL");
    List<String> current =
        rows(currentProfiles(table(streamOut, "persons"), PROFILE) + " ORDER BY ALL");
    assertThat(batch).as("persons rows in the backfill").hasSizeGreaterThan(250);
    assertThat(current).hasSize(batch.size()).isEqualTo(batch);
    // The batch's rows are as of its end of input, the largest event time.
    assertThat(
            rows(
                "SELECT count(*) FROM "
                    + table(batchOut, "persons")
                    + " WHERE updated_at <> (SELECT max(event_time) FROM "
                    + table(batchOut, "events")
                    + ")"))
        .containsExactly("0|");
    System.out.printf(
        "persons: %,d profiles, the stream's current profiles identical%n", batch.size());
  }

  @Test
  void withAShortStitchDelayCurrentProfilesShouldBeTheBackfillsWhereNoMergeCameLate()
      throws Exception {
    // Events are released 10 minutes after they happen, some before a merge that joins their
    // person to another: those persons' rows stay under the old id. The README's query leaves
    // out the ids merged away; what is left are persons of the backfill, and every person none
    // of whose events needed a later merge has the backfill's profile.
    String persons = table(liveOut, "persons");
    String current =
        currentProfiles(persons, "person_id")
            + " AND person_id NOT IN (SELECT old_person_id FROM "
            + table(liveOut, "identity_merges")
            + " WHERE accepted)";
    java.util.Set<String> all =
        new java.util.HashSet<>(rows(currentProfiles(persons, "person_id")));
    java.util.Set<String> kept = new java.util.HashSet<>(rows(current));
    java.util.Set<String> batchIds =
        new java.util.HashSet<>(rows("SELECT person_id FROM " + table(batchOut, "persons")));
    assertThat(all)
        .as("some persons were merged away after their rows were written")
        .hasSizeGreaterThan(kept.size());
    assertThat(batchIds).containsAll(kept);
    java.util.Set<String> affected = affectedByLateMerges();
    List<String> batch = new ArrayList<>();
    for (String r : rows("SELECT " + PROFILE + " FROM " + table(batchOut, "persons"))) {
      if (!affected.contains(r.substring(0, r.indexOf('|')))) {
        batch.add(r);
      }
    }
    List<String> live = new ArrayList<>();
    for (String r : rows(currentProfiles(persons, PROFILE))) {
      if (!affected.contains(r.substring(0, r.indexOf('|')))) {
        live.add(r);
      }
    }
    batch.sort(null);
    live.sort(null);
    assertThat(live).hasSizeGreaterThan(batch.size() / 2).isEqualTo(batch);
    System.out.printf(
        "short stitch delay: %,d current profiles, %,d once the ids merged away are left out;"
            + " the %,d of persons without late merges identical%n",
        all.size(), kept.size(), live.size());
  }

  /** The persons (both ids) of the events that the live run released before a later merge. */
  private java.util.Set<String> affectedByLateMerges() throws Exception {
    java.util.Map<String, String> batch = persons(batchOut, false);
    java.util.Map<String, String> raw = persons(liveOut, false);
    java.util.Set<String> affected = new java.util.HashSet<>();
    raw.forEach(
        (event, person) -> {
          if (!person.equals(batch.get(event))) {
            affected.add(batch.get(event));
            affected.add(person);
          }
        });
    return affected;
  }

  /** event_id → person_id of a run, with the live run's accepted merges applied transitively. */
  private java.util.Map<String, String> persons(Path out, boolean applyMerges) throws Exception {
    java.util.Map<String, String> merged = new java.util.HashMap<>();
    if (applyMerges) {
      for (String r :
          rows(
              "SELECT old_person_id, new_person_id FROM "
                  + table(out, "identity_merges")
                  + " WHERE accepted")) {
        String[] f = r.split("\\|");
        assertThat(merged.put(f[0], f[1])).as("a person id is merged away once").isNull();
      }
    }
    java.util.Map<String, String> out2 = new java.util.HashMap<>();
    for (String r : rows("SELECT event_id, person_id FROM " + table(out, "events"))) {
      String[] f = r.split("\\|");
      String p = f[1];
      for (int hops = 0; merged.containsKey(p); hops++) {
        assertThat(hops).as("merge chains end").isLessThan(1000);
        p = merged.get(p);
      }
      out2.put(f[0], p);
    }
    return out2;
  }

  @Test
  void withAShortStitchDelayPersonsShouldBeTheSameOnceTheMergesAreApplied() throws Exception {
    java.util.Map<String, String> batch = persons(batchOut, false);
    java.util.Map<String, String> raw = persons(liveOut, false);
    java.util.Map<String, String> live = persons(liveOut, true);
    assertThat(live).isEqualTo(batch);
    long stitchedLate =
        raw.entrySet().stream().filter(e -> !e.getValue().equals(batch.get(e.getKey()))).count();
    assertThat(stitchedLate).as("some events were released before a later merge").isPositive();
    // Journeys are identical for every person none of whose events needed a merge applied.
    java.util.Set<String> affected = new java.util.HashSet<>();
    raw.forEach(
        (event, person) -> {
          if (!person.equals(batch.get(event))) {
            affected.add(batch.get(event));
            affected.add(person);
          }
        });
    String q =
        "SELECT person_id, journey_id, start_time, end_time, status, event_count, channel_path,"
            + " conversion_value, friction_count FROM %s ORDER BY ALL";
    List<String> batchJourneys = new ArrayList<>();
    for (String r : rows(String.format(q, table(batchOut, "journeys")))) {
      if (!affected.contains(r.substring(0, r.indexOf('|')))) {
        batchJourneys.add(r);
      }
    }
    List<String> liveJourneys = new ArrayList<>();
    for (String r : rows(String.format(q, table(liveOut, "journeys")))) {
      if (!affected.contains(r.substring(0, r.indexOf('|')))) {
        liveJourneys.add(r);
      }
    }
    assertThat(liveJourneys).hasSizeGreaterThan(batchJourneys.size() / 2).isEqualTo(batchJourneys);
    System.out.printf(
        "short stitch delay: %d of %d events released before a later merge; %d of %d persons"
            + " affected; %d journeys of the unaffected persons identical%n",
        stitchedLate,
        raw.size(),
        batch.entrySet().stream()
            .filter(e -> !e.getValue().equals(raw.get(e.getKey())))
            .map(java.util.Map.Entry::getValue)
            .distinct()
            .count(),
        new java.util.HashSet<>(batch.values()).size(),
        liveJourneys.size());
  }

  /**
   * {@code explain}'s evidence works on a stream's output too: every identity the backfill knows is
   * found, in the stream's identity_merges, in a person holding exactly the identities the
   * backfill's person holds, with the stitch delay longer than the data and with a short one (whose
   * live merges chain person ids).
   */
  @Test
  void explainShouldFindTheBackfillsPersonsInTheStreamsOutput() throws Exception {
    dev.omnichannel.monitor.explain.IdentityEvidence batch =
        dev.omnichannel.monitor.explain.IdentityEvidence.load(batchOut);
    java.util.List<String> batchPersons =
        rows("SELECT DISTINCT person_id FROM " + table(batchOut, "persons") + " ORDER BY 1")
            .stream()
            .map(r -> r.replace("|", ""))
            .toList();
    assertThat(batchPersons).hasSizeGreaterThan(100);
    long multi = 0;
    for (Path out : List.of(streamOut, liveOut)) {
      dev.omnichannel.monitor.explain.IdentityEvidence stream =
          dev.omnichannel.monitor.explain.IdentityEvidence.load(out);
      for (String p : batchPersons) {
        java.util.SortedSet<dev.omnichannel.monitor.identity.IdentityKey> ids =
            batch.identitiesOf(p);
        assertThat(ids).as("identities of %s in the backfill", p).isNotEmpty();
        String inStream = stream.personOf(ids.first()).orElseThrow();
        assertThat(inStream).as("the stream's person of %s", ids.first()).isEqualTo(p);
        assertThat(stream.identitiesOf(inStream))
            .as("identities of %s in %s", p, out)
            .isEqualTo(ids);
        multi += ids.size() > 1 ? 1 : 0;
      }
    }
    assertThat(multi).isPositive();
  }

  @Test
  void theStreamRunSummaryShouldBalanceWithTheBackfillsCounts() throws Exception {
    com.fasterxml.jackson.databind.ObjectMapper json =
        new com.fasterxml.jackson.databind.ObjectMapper();
    com.fasterxml.jackson.databind.JsonNode batch;
    try (Stream<Path> runs = Files.list(batchOut.resolve("_runs"))) {
      batch = json.readTree(runs.findFirst().orElseThrow().toFile());
    }
    for (Path out : List.of(streamOut, liveOut)) {
      com.fasterxml.jackson.databind.JsonNode s =
          json.readTree(out.resolve("_runs").resolve("stream-test.json").toFile());
      assertThat(s.get("mode").asText()).isEqualTo("stream");
      assertThat(s.get("status").asText()).isEqualTo("FINISHED");
      com.fasterxml.jackson.databind.JsonNode a = s.get("accounting");
      assertThat(a.get("balanced").asBoolean()).isTrue();
      assertThat(a.get("late_events").asLong()).isZero();
      for (String k : List.of("input_records", "accepted_events", "duplicates", "dead_letters")) {
        assertThat(a.get(k).asLong()).as(k).isEqualTo(batch.get("accounting").get(k).asLong());
      }
      assertThat(a.get("input_records").asLong()).isPositive();
      assertThat(a.get("duplicates").asLong()).isPositive();
    }
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
