package dev.omnichannel.monitor.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.attribution.ChannelCredit;
import dev.omnichannel.monitor.attribution.MarkovModel;
import dev.omnichannel.monitor.attribution.PathShares;
import dev.omnichannel.monitor.attribution.PathStat;
import dev.omnichannel.monitor.attribution.RuleBasedModel;
import dev.omnichannel.monitor.attribution.ShapleyModel;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.journey.Touch;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Attribution end to end: generated events through the backfill on a MiniCluster, the {@code
 * attribution} and {@code attribution_channel} tables read back with DuckDB as an analyst would,
 * and compared with the models computed directly from the generator's ground-truth journeys (their
 * touches, statuses, conversion events and values).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AttributionITCase {
  private static final String KEY = "attribution-itcase-hmac-key-0123456789";
  private static final double TOL = 1e-9;
  private static final long DAY = 86_400_000L;
  private static final List<RuleBasedModel> RULES = List.of(RuleBasedModel.values());

  private Path input;
  private Path keyFile;
  private Path outRange;
  private Path outWeek;
  private Connection duck;

  /** Ground-truth journeys that attribution sees: CONVERTED and ABANDONED. */
  private final List<TrueJourney> journeys = new ArrayList<>();

  private record TrueJourney(
      String conversionEventId, boolean converted, double value, long end, List<Touch> touches) {
    List<String> path() {
      return touches.stream().map(Touch::dimensionValue).toList();
    }
  }

  @BeforeAll
  void generateAndRun(@TempDir Path dir) throws Exception {
    input = dir.resolve("input");
    GeneratorConfig defaults = GeneratorConfig.defaults();
    Generator.generate(
        new GeneratorConfig(
            300, 60, 5L, defaults.start(), GeneratorConfig.Format.JSONL, false, 0.02, true, 0),
        input);
    JsonNode truth = new ObjectMapper().readTree(input.resolve("ground-truth.json").toFile());
    for (JsonNode p : truth.get("persons")) {
      for (JsonNode j : p.get("journeys")) {
        String status = j.get("status").asText();
        if (!status.equals("CONVERTED") && !status.equals("ABANDONED")) {
          continue;
        }
        List<Touch> touches = new ArrayList<>();
        for (int i = 0; i < j.get("touch_channels").size(); i++) {
          long start = j.get("touch_starts_ms").get(i).asLong();
          touches.add(new Touch(j.get("touch_channels").get(i).asText(), start, start, 1));
        }
        boolean converted = status.equals("CONVERTED");
        JsonNode value = j.get("conversion_value");
        journeys.add(
            new TrueJourney(
                converted ? j.get("conversion_event_id").asText() : null,
                converted,
                value == null || value.isNull() ? 0 : value.asDouble(),
                j.get("end_ms").asLong(),
                touches));
      }
    }
    keyFile = dir.resolve("hmac.key");
    Files.writeString(keyFile, KEY + "\n");
    outRange = dir.resolve("out-range");
    backfill(outRange);
    outWeek = dir.resolve("out-week");
    backfill(
        outWeek,
        "--attribution-window",
        "week",
        "--markov-order",
        "2",
        "--attribution-half-life",
        "2d");
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  private void backfill(Path out, String... extra) {
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
                keyFile.toString()));
    args.addAll(List.of(extra));
    assertThat(Main.execute(args.toArray(String[]::new))).isZero();
  }

  private String table(Path out, String table) {
    return "read_parquet('" + out.resolve(table) + "/**/*.parquet', hive_partitioning = false)";
  }

  /** conversion_event_id|model|channel → credit, for the given models. */
  private Map<String, Double> credits(Path out, String modelFilter) throws Exception {
    Map<String, Double> m = new TreeMap<>();
    try (Statement st = duck.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT conversion_event_id, model, channel, credit FROM "
                    + table(out, "attribution")
                    + " WHERE "
                    + modelFilter)) {
      while (rs.next()) {
        Double previous =
            m.put(rs.getString(1) + "|" + rs.getString(2) + "|" + rs.getString(3), rs.getDouble(4));
        assertThat(previous).as("one row per conversion, model and channel").isNull();
      }
    }
    return m;
  }

  private static void assertSameCredits(Map<String, Double> actual, Map<String, Double> expected) {
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach((k, v) -> assertThat(actual.get(k)).as(k).isCloseTo(v, within(TOL)));
  }

  private Map<String, Double> expectedRuleBased(Duration halfLife) {
    Map<String, Double> expected = new TreeMap<>();
    for (TrueJourney j : journeys) {
      if (j.converted()) {
        for (RuleBasedModel m : RULES) {
          m.credit(j.touches(), j.end(), halfLife)
              .forEach((c, v) -> expected.put(j.conversionEventId() + "|" + m + "|" + c, v));
        }
      }
    }
    return expected;
  }

  @Test
  void ruleBasedCreditsShouldEqualTheModelsOverTheTrueJourneys() throws Exception {
    Map<String, Double> expected = expectedRuleBased(Duration.ofDays(7));
    long conversions = journeys.stream().filter(TrueJourney::converted).count();
    assertThat(conversions).isGreaterThan(100);
    assertThat(expected.keySet().stream().filter(k -> k.contains("|FIRST_TOUCH|")).count())
        .isEqualTo(conversions);
    assertSameCredits(credits(outRange, "model NOT IN ('MARKOV', 'SHAPLEY')"), expected);
    assertSameCredits(
        credits(outWeek, "model NOT IN ('MARKOV', 'SHAPLEY')"),
        expectedRuleBased(Duration.ofDays(2)));
  }

  /**
   * The window rows of one model: "start|end|channel" → [removal effect or NaN, conv, value, value
   * removal effect or NaN].
   */
  private Map<String, double[]> windowRows(Path out, String model) throws Exception {
    Map<String, double[]> m = new TreeMap<>();
    try (Statement st = duck.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT epoch_ms(window_start), epoch_ms(window_end), channel, removal_effect,"
                    + " attributed_conversions, attributed_value, value_removal_effect FROM "
                    + table(out, "attribution_channel")
                    + " WHERE model = '"
                    + model
                    + "'")) {
      while (rs.next()) {
        Object re = rs.getObject(4);
        Object valueRe = rs.getObject(7);
        m.put(
            rs.getLong(1) + "|" + rs.getLong(2) + "|" + rs.getString(3),
            new double[] {
              re == null ? Double.NaN : ((Number) re).doubleValue(),
              rs.getDouble(5),
              rs.getDouble(6),
              valueRe == null ? Double.NaN : ((Number) valueRe).doubleValue()
            });
      }
    }
    return m;
  }

  /** Paths per window key "start|end", aggregated from the true journeys. */
  private Map<String, List<PathStat>> truePaths(Function<Long, long[]> window) {
    Map<String, Map<List<String>, double[]>> byWindow = new TreeMap<>();
    for (TrueJourney j : journeys) {
      long[] w = window.apply(j.end());
      double[] sums =
          byWindow
              .computeIfAbsent(w[0] + "|" + w[1], k -> new HashMap<>())
              .computeIfAbsent(j.path(), k -> new double[3]);
      if (j.converted()) {
        sums[0]++;
        sums[1] += j.value();
      } else {
        sums[2]++;
      }
    }
    Map<String, List<PathStat>> out = new TreeMap<>();
    byWindow.forEach(
        (w, paths) -> {
          List<PathStat> stats = new ArrayList<>();
          paths.forEach((p, s) -> stats.add(new PathStat(p, s[0], s[1], s[2])));
          out.put(w, stats);
        });
    return out;
  }

  private static void assertWindowRows(
      Map<String, double[]> actual,
      Map<String, List<PathStat>> paths,
      Function<List<PathStat>, List<ChannelCredit>> model,
      boolean markov) {
    Map<String, double[]> expected = new TreeMap<>();
    paths.forEach(
        (w, stats) -> {
          for (ChannelCredit c : model.apply(stats)) {
            expected.put(
                w + "|" + c.channel(),
                new double[] {
                  markov ? c.removalEffect() : Double.NaN,
                  c.conversions(),
                  c.value(),
                  markov ? c.valueRemovalEffect() : Double.NaN
                });
          }
        });
    assertThat(actual.keySet()).isEqualTo(expected.keySet());
    expected.forEach(
        (k, e) -> {
          double[] a = actual.get(k);
          if (markov) {
            assertThat(a[0]).as(k + " removal effect").isCloseTo(e[0], within(TOL));
            assertThat(a[3]).as(k + " value removal effect").isCloseTo(e[3], within(TOL));
          } else {
            assertThat(a[0]).as(k + " removal effect is null").isNaN();
            assertThat(a[3]).as(k + " value removal effect is null").isNaN();
          }
          assertThat(a[1]).as(k + " conversions").isCloseTo(e[1], within(TOL));
          assertThat(a[2]).as(k + " value").isCloseTo(e[2], within(1e-6));
        });
  }

  private long[] wholeSpan() {
    long min = journeys.stream().mapToLong(TrueJourney::end).min().orElseThrow();
    long max = journeys.stream().mapToLong(TrueJourney::end).max().orElseThrow();
    return new long[] {Math.floorDiv(min, DAY) * DAY, Math.floorDiv(max, DAY) * DAY + DAY};
  }

  private static long[] isoWeek(long t) {
    LocalDate d = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate monday = d.minusDays(d.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue());
    long start = monday.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    return new long[] {start, start + 7 * DAY};
  }

  @Test
  void dataDrivenModelsOverTheWholeRangeShouldEqualTheModelsOverTheTruePaths() throws Exception {
    long[] span = wholeSpan();
    Map<String, List<PathStat>> paths = truePaths(t -> span);
    assertThat(paths).hasSize(1);
    Map<String, double[]> markov = windowRows(outRange, "MARKOV");
    assertThat(markov).hasSizeGreaterThan(5);
    assertWindowRows(markov, paths, s -> MarkovModel.attribute(s, 1), true);
    assertWindowRows(windowRows(outRange, "SHAPLEY"), paths, ShapleyModel::attribute, false);
  }

  @Test
  void weeklyWindowsShouldEqualTheModelsOverEachWeeksTruePaths() throws Exception {
    Map<String, List<PathStat>> paths = truePaths(AttributionITCase::isoWeek);
    assertThat(paths).hasSizeGreaterThanOrEqualTo(8);
    assertWindowRows(windowRows(outWeek, "MARKOV"), paths, s -> MarkovModel.attribute(s, 2), true);
    assertWindowRows(windowRows(outWeek, "SHAPLEY"), paths, ShapleyModel::attribute, false);
  }

  @Test
  void dataDrivenCreditsPerConversionShouldBeTheWindowsSharesOfItsPath() throws Exception {
    long[] span = wholeSpan();
    List<ChannelCredit> markov =
        MarkovModel.attribute(truePaths(t -> span).values().iterator().next(), 1);
    Map<String, Double> removalEffects = new HashMap<>();
    Map<String, Double> valueEffects = new HashMap<>();
    markov.forEach(c -> removalEffects.put(c.channel(), c.removalEffect()));
    markov.forEach(c -> valueEffects.put(c.channel(), c.valueRemovalEffect()));
    Map<String, Double> expected = new TreeMap<>();
    Map<String, Double> expectedValueShares = new TreeMap<>();
    for (TrueJourney j : journeys) {
      if (j.converted()) {
        // a channel gets a row when it has a share of the conversion or of its value
        Map<String, Double> shares = PathShares.markov(j.path(), removalEffects);
        Map<String, Double> valueShares = PathShares.markov(j.path(), valueEffects);
        java.util.TreeSet<String> channels = new java.util.TreeSet<>(shares.keySet());
        channels.addAll(valueShares.keySet());
        for (String c : channels) {
          expected.put(j.conversionEventId() + "|MARKOV|" + c, shares.getOrDefault(c, 0.0));
          if (j.value() > 0) {
            expectedValueShares.put(
                j.conversionEventId() + "|" + c, valueShares.getOrDefault(c, 0.0));
          }
        }
        PathShares.shapley(j.path())
            .forEach((c, v) -> expected.put(j.conversionEventId() + "|SHAPLEY|" + c, v));
      }
    }
    assertSameCredits(credits(outRange, "model IN ('MARKOV', 'SHAPLEY')"), expected);
    // the value is spread by the value shares, not by the credits
    Map<String, Double> valueShares = new TreeMap<>();
    try (Statement st = duck.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT a.conversion_event_id, a.channel, a.credited_value / j.conversion_value"
                    + " FROM "
                    + table(outRange, "attribution")
                    + " a JOIN "
                    + table(outRange, "journeys")
                    + " j USING (journey_id) WHERE a.model = 'MARKOV' AND j.conversion_value > 0")) {
      while (rs.next()) {
        valueShares.put(rs.getString(1) + "|" + rs.getString(2), rs.getDouble(3));
      }
    }
    assertThat(expectedValueShares).isNotEmpty();
    assertSameCredits(valueShares, expectedValueShares);
    assertThat(
            expectedValueShares.entrySet().stream()
                .anyMatch(
                    e ->
                        Math.abs(
                                e.getValue()
                                    - expected.get(e.getKey().replaceFirst("\\|", "|MARKOV|")))
                            > 1e-6))
        .as("some conversion's value shares differ from its credits")
        .isTrue();
  }

  private double scalar(String sql) throws Exception {
    try (Statement st = duck.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getDouble(1);
    }
  }

  @Test
  void creditsShouldSumToOneAndToTheValuePerConversionAsAnAnalystSeesThem() throws Exception {
    for (Path out : List.of(outRange, outWeek)) {
      String sums =
          "SELECT a.conversion_event_id, a.model, sum(a.credit) AS credit,"
              + " sum(a.credited_value) AS credited_value, any_value(j.conversion_value) AS value,"
              + " count(*) AS channels, any_value(len(j.channels)) AS distinct_channels,"
              + " bool_and(j.converted AND j.conversion_event_id = a.conversion_event_id"
              + " AND j.person_id = a.person_id AND j.end_time = a.conversion_time) AS consistent"
              + " FROM "
              + table(out, "attribution")
              + " a JOIN "
              + table(out, "journeys")
              + " j USING (journey_id) GROUP BY ALL";
      assertThat(scalar("SELECT count(*) FROM (" + sums + ") WHERE NOT consistent")).isZero();
      assertThat(
              scalar(
                  "SELECT count(*) FROM ("
                      + sums
                      + ") WHERE model <> 'PARTICIPATION' AND (abs(credit - 1) > 1e-9"
                      + " OR abs(coalesce(credited_value, 0) - coalesce(value, 0)) > 1e-6)"))
          .isZero();
      assertThat(
              scalar(
                  "SELECT count(*) FROM ("
                      + sums
                      + ") WHERE model = 'PARTICIPATION' AND credit <> channels"))
          .isZero();
      assertThat(scalar("SELECT count(DISTINCT model) FROM (" + sums + ")")).isEqualTo(10);
      assertThat(
              scalar(
                  "SELECT count(DISTINCT conversion_event_id) FROM "
                      + table(out, "attribution")
                      + " WHERE model = 'SHAPLEY'"))
          .isEqualTo(journeys.stream().filter(TrueJourney::converted).count());
      // Shapley's per-conversion shares add up to the window figures exactly.
      assertThat(
              scalar(
                  "SELECT max(abs(a.s - c.s)) FROM (SELECT channel, sum(credit) s FROM "
                      + table(out, "attribution")
                      + " WHERE model = 'SHAPLEY' GROUP BY channel) a JOIN (SELECT channel,"
                      + " sum(attributed_conversions) s FROM "
                      + table(out, "attribution_channel")
                      + " WHERE model = 'SHAPLEY' GROUP BY channel) c USING (channel)"))
          .isLessThan(1e-9);
    }
  }
}
