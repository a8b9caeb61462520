package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A nightly replay through the real {@code backfill} command: a full backfill of generated data,
 * then {@code --replay-days 2 --today <the day after the data>} into the same output. Partitions
 * outside the two days must be untouched, the two days replaced (not appended to), with the rows a
 * full backfill gives them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ReplayDaysITCase {
  private static final String KEY = "replay-days-itcase-hmac-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDate START = LocalDate.of(2026, 2, 1);
  private static final int DAYS = 8;
  private static final LocalDate FIRST_REPLAYED = LocalDate.of(2026, 2, 7);
  private static final LocalDate LAST_REPLAYED = LocalDate.of(2026, 2, 8);

  private Path input;
  private Path out;
  private Map<String, String> before;
  private Map<String, String> after;
  private JsonNode fullSummary;
  private JsonNode replaySummary;
  private Path snapshot;
  private Connection duck;

  @BeforeAll
  void fullBackfillThenReplay(@TempDir Path dir) throws Exception {
    input = dir.resolve("input");
    Generator.generate(
        new GeneratorConfig(
            300, DAYS, 5L, START, GeneratorConfig.Format.JSONL, false, 0.03, false, 0),
        input);
    Path key = dir.resolve("hmac.key");
    Files.writeString(key, KEY + "\n");
    out = dir.resolve("out");
    fullSummary = backfill(key);
    before = checksums(out);
    snapshot = dir.resolve("before");
    copyTree(out, snapshot);
    replaySummary = backfill(key, "--replay-days", "2", "--today", "2026-02-09");
    after = checksums(out);
    duck = DriverManager.getConnection("jdbc:duckdb:");
    System.out.println("full backfill tables " + fullSummary.get("tables"));
    System.out.println("replay tables " + replaySummary.get("tables"));
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  private JsonNode backfill(Path key, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "backfill",
                "--input",
                input.resolve("events").toString(),
                "--output",
                out.toString(),
                "--parallelism",
                "2",
                "--hmac-key-file",
                key.toString()));
    args.addAll(List.of(extra));
    assertThat(Main.execute(args.toArray(String[]::new))).isZero();
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      Path latest = runs.sorted().reduce((a, b) -> b).orElseThrow();
      return JSON.readTree(latest.toFile());
    }
  }

  /** SHA-256 of every Parquet file, by path relative to the output ({@code table/dt=.../file}). */
  private static Map<String, String> checksums(Path root) throws Exception {
    Map<String, String> sums = new TreeMap<>();
    for (String table : Table.backfillTables()) {
      Path t = root.resolve(table);
      if (!Files.isDirectory(t)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(t)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
          byte[] h = MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
          sums.put(root.relativize(f).toString(), HexFormat.of().formatHex(h));
        }
      }
    }
    return sums;
  }

  private static void copyTree(Path from, Path to) throws Exception {
    try (Stream<Path> s = Files.walk(from)) {
      for (Path p : s.toList()) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
        }
      }
    }
  }

  private static LocalDate dateOf(String relative) {
    String dt = Path.of(relative).getName(1).toString();
    return LocalDate.parse(dt.substring(3));
  }

  private static boolean replayed(LocalDate d) {
    return !d.isBefore(FIRST_REPLAYED) && !d.isAfter(LAST_REPLAYED);
  }

  /**
   * {@code read_parquet(...)} over a table's partitions within the replayed days under {@code
   * root}; null when there are none.
   */
  private static String replayedSource(Path root, String table) throws Exception {
    List<String> files = new ArrayList<>();
    for (LocalDate d = FIRST_REPLAYED; !d.isAfter(LAST_REPLAYED); d = d.plusDays(1)) {
      Path dt = root.resolve(table).resolve("dt=" + d);
      if (Files.isDirectory(dt)) {
        try (Stream<Path> s = Files.list(dt)) {
          s.filter(p -> p.toString().endsWith(".parquet")).forEach(p -> files.add(p.toString()));
        }
      }
    }
    if (files.isEmpty()) {
      return null;
    }
    String list = files.stream().map(f -> "'" + f + "'").collect(Collectors.joining(", "));
    return "read_parquet([" + list + "], hive_partitioning = false)";
  }

  /**
   * The sorted {@code cols} of a table's rows within the replayed days that match {@code where}.
   */
  private List<String> replayedRows(Path root, String table, String cols, String where)
      throws Exception {
    String source = replayedSource(root, table);
    if (source == null) {
      return List.of();
    }
    return Duck.rows(duck, "SELECT " + cols + " FROM " + source + where + " ORDER BY ALL");
  }

  private List<String> filtered(Path root, String table, String where) throws Exception {
    return replayedRows(root, table, "*", where);
  }

  private List<String> filtered(Path root, String table, String where, String cols)
      throws Exception {
    return replayedRows(root, table, cols, where);
  }

  private List<String> rowsBefore(String table, String cols) throws Exception {
    return replayedRows(snapshot, table, cols, "");
  }

  private List<String> rowsAfter(String table, String cols) throws Exception {
    return replayedRows(out, table, cols, "");
  }

  private static Map<String, String> outside(Map<String, String> sums) {
    Map<String, String> m = new TreeMap<>(sums);
    m.keySet().removeIf(k -> replayed(dateOf(k)));
    return m;
  }

  private static Map<String, String> inside(Map<String, String> sums) {
    Map<String, String> m = new TreeMap<>(sums);
    m.keySet().removeIf(k -> !replayed(dateOf(k)));
    return m;
  }

  @Test
  void theSummaryShouldShowTheResolvedRange() {
    assertThat(fullSummary.get("range").toString())
        .isEqualTo("{\"from\":\"2026-02-01\",\"to\":\"2026-02-08\"}");
    assertThat(replaySummary.get("range").toString())
        .isEqualTo("{\"from\":\"2026-02-07\",\"to\":\"2026-02-08\"}");
    assertThat(replaySummary.get("arguments").toString())
        .contains("\"--replay-days\",\"2\",\"--today\",\"2026-02-09\"");
    assertThat(replaySummary.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(replaySummary.get("accounting").get("balanced").asBoolean()).isTrue();
    assertThat(replaySummary.get("tables").get("events").asLong()).isEqualTo(583);
  }

  @Test
  void partitionsOutsideTheReplayedDaysShouldBeByteIdentical() {
    // The main tables have files outside the window (attribution from two operators).
    assertThat(outside(before).keySet().stream().map(k -> k.substring(0, k.indexOf('/'))))
        .contains("events", "journeys", "attribution");
    assertThat(outside(after)).isEqualTo(outside(before));
  }

  @Test
  void theReplayedDaysShouldBeReplacedNotAppendedTo() throws Exception {
    // Every file of the replayed partitions is new: the old partitions were swapped out whole.
    assertThat(inside(after)).isNotEmpty();
    assertThat(inside(after).keySet()).doesNotContainAnyElementsOf(inside(before).keySet());
    assertThat(rowsAfter("events", "count(*), count(DISTINCT event_id)"))
        .containsExactly("583|583|");
    assertThat(rowsBefore("events", "count(*), count(DISTINCT event_id)"))
        .containsExactly("583|583|");
    assertThat(
            Duck.rows(
                duck,
                "SELECT count(*) - count(DISTINCT event_id) FROM " + Duck.table(out, "events")))
        .containsExactly("0|");
  }

  @Test
  void replayedEventsJourneysAndMergesShouldEqualTheFullBackfills() throws Exception {
    // The data (8 days) lies within the --journey-max-duration (90 days) of context the replay
    // reads before --from, so identities and journeys are stitched with the same knowledge as
    // the full backfill, and journeys in the replayed days are OPEN in both (their end of input,
    // 2026-02-09 00:00 or the last event, is less than the 30-day gap after them).
    Map<String, Integer> expected =
        Map.of(
            "events", 583,
            "journeys", 140,
            "identity_merges", 101, // 9 rejected links and 92 accepted ones
            "journey_matches", 0,
            "friction", 0);
    for (Map.Entry<String, Integer> e : new TreeMap<>(expected).entrySet()) {
      List<String> rows = rowsAfter(e.getKey(), "*");
      assertThat(rows).as(e.getKey()).hasSize(e.getValue());
      assertThat(rows).as(e.getKey()).isEqualTo(rowsBefore(e.getKey(), "*"));
    }
  }

  @Test
  void attributionShouldFollowTheDocumentedWindows() throws Exception {
    // Rule-based credits depend only on the journey: the same rows.
    assertThat(rowsAfter("attribution", "*")).hasSize(236);
    String where = " WHERE model NOT IN ('MARKOV', 'SHAPLEY')";
    assertThat(filtered(out, "attribution", where)).hasSize(186);
    assertThat(filtered(out, "attribution", where))
        .isEqualTo(filtered(snapshot, "attribution", where));
    // MARKOV and SHAPLEY are solved over the run's range (--attribution-window range): the replay
    // solves them over its two days, so their credits differ, for the same conversions.
    String dataDriven = " WHERE model IN ('MARKOV', 'SHAPLEY')";
    assertThat(filtered(out, "attribution", dataDriven, "conversion_event_id, model, channel"))
        .isEqualTo(
            filtered(snapshot, "attribution", dataDriven, "conversion_event_id, model, channel"))
        .hasSize(50);
    assertThat(
            filtered(
                out,
                "attribution_channel",
                "",
                "DISTINCT strftime(window_start, '%Y-%m-%d'), strftime(window_end, '%Y-%m-%d')"))
        .containsExactly("2026-02-07|2026-02-09|");
    assertThat(
            filtered(
                snapshot,
                "attribution_channel",
                "",
                "DISTINCT strftime(window_start, '%Y-%m-%d'), strftime(window_end, '%Y-%m-%d')"))
        .containsExactly("2026-02-01|2026-02-09|");
  }

  @Test
  void deadLettersShouldFollowTheDocumentedDateRule() throws Exception {
    // A dead letter with a readable event time (even one rejected for its event_id) is filed under
    // that day: the same rows.
    String dated = " WHERE event_time IS NOT NULL";
    assertThat(filtered(out, "dead_letters", dated)).hasSize(8);
    assertThat(filtered(out, "dead_letters", dated))
        .isEqualTo(filtered(snapshot, "dead_letters", dated));
    // One without is filed under the run's --from day (DESIGN.md, Output): the full backfill put
    // those of every input file under 2026-02-01, the replay puts them under 2026-02-07 as well.
    String undated = " WHERE event_time IS NULL";
    assertThat(filtered(snapshot, "dead_letters", undated)).isEmpty();
    List<String> replayedUndated = filtered(out, "dead_letters", undated, "source, reason");
    assertThat(replayedUndated).hasSize(16);
    assertThat(replayedUndated)
        .isEqualTo(
            Duck.rows(
                duck,
                "SELECT source, reason FROM read_parquet('"
                    + out.resolve("dead_letters/dt=2026-02-01")
                    + "/*.parquet', hive_partitioning = false) WHERE event_time IS NULL"
                    + " ORDER BY ALL"));
  }
}
