package dev.omnichannel.monitor.notebooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The analysts' SQL in {@code notebooks/sql/} over a real backfill of generated data: every file
 * runs through DuckDB with its placeholders substituted and returns rows, and the answers equal
 * what the generator planted (journeys with their touch channels and statuses, planted friction,
 * shared devices) or, where the ground truth has no figure, hold the invariants an analyst relies
 * on. The funnel's expectation is computed from the generated input files themselves, cut into the
 * ground truth's journeys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebookSqlITCase {
  private static final String KEY = "notebook-sql-itcase-hmac-key-0123456789";
  private static final Path SQL_DIR = Path.of("..", "notebooks", "sql");
  private static final List<String> FUNNEL =
      List.of("PRODUCT_VIEW", "ADD_TO_CART", "CHECKOUT_START", "PURCHASE");
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path out;
  private GroundTruth truth;
  private Connection duck;
  private final Pseudonymiser pseudonymiser =
      new Pseudonymiser(KEY.getBytes(StandardCharsets.UTF_8));

  /** Every query's rows, by file name; each row maps column name to value. */
  private final Map<String, List<Map<String, Object>>> results = new TreeMap<>();

  /** A ground-truth journey with its person and its events (from the input files), in order. */
  private record TrueJourney(
      String person, GroundTruth.Journey journey, List<String> eventIds, List<String> types) {
    boolean converted() {
      return journey.status().equals("CONVERTED");
    }

    String firstChannel() {
      return journey.touchChannels().get(0);
    }
  }

  private final List<TrueJourney> journeys = new ArrayList<>();
  private final Map<String, TrueJourney> journeyOfEvent = new HashMap<>();
  private String timelinePerson;
  private String timelinePersonId;

  @BeforeAll
  void generateRunAndQuery(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("input");
    GeneratorConfig defaults = GeneratorConfig.defaults();
    truth =
        Generator.generate(
            new GeneratorConfig(
                300, 30, 42L, defaults.start(), GeneratorConfig.Format.JSONL, false, 0, true, 0),
            input);
    assertThat(truth.counts().deadLetters() + truth.counts().duplicates()).isZero();
    Path keyFile = dir.resolve("hmac.key");
    Files.writeString(keyFile, KEY + "\n");
    out = dir.resolve("output");
    assertThat(
            Main.execute(
                "backfill",
                "--input",
                input.resolve("events").toString(),
                "--output",
                out.toString(),
                "--parallelism",
                "2",
                "--hmac-key-file",
                keyFile.toString()))
        .isZero();
    cutInputIntoTrueJourneys(input.resolve("events"));

    GroundTruth.Person busiest =
        truth.persons().stream()
            .max(
                Comparator.comparingInt((GroundTruth.Person p) -> p.planted().size())
                    .thenComparingInt(p -> p.journeys().size())
                    .thenComparing(GroundTruth.Person::person, Comparator.reverseOrder()))
            .orElseThrow();
    timelinePerson = busiest.person();
    timelinePersonId = personId(busiest);

    duck = DriverManager.getConnection("jdbc:duckdb:");
    System.out.println("NOTEBOOK SQL FILES (output " + out + ")");
    for (Path file : sqlFiles()) {
      String name = file.getFileName().toString();
      List<Map<String, Object>> rows = run(file);
      results.put(name, rows);
      System.out.printf("  %-36s %5d rows%n", name, rows.size());
    }
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  static List<Path> sqlFiles() throws Exception {
    try (Stream<Path> s = Files.list(SQL_DIR)) {
      return s.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    }
  }

  private List<Map<String, Object>> run(Path file) throws Exception {
    String sql =
        Files.readString(file)
            .replace("${OUTPUT}", out.toString())
            .replace("${PERSON_ID}", timelinePersonId);
    List<Map<String, Object>> rows = new ArrayList<>();
    try (Statement st = duck.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        Map<String, Object> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          row.put(md.getColumnLabel(i), rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static long num(Map<String, Object> row, String col) {
    return ((Number) row.get(col)).longValue();
  }

  private static double dbl(Map<String, Object> row, String col) {
    Object v = row.get(col);
    return v == null ? 0 : ((Number) v).doubleValue();
  }

  private static void compared(String file, String what, Object expected, Object found) {
    System.out.printf(
        "  GROUND TRUTH %-32s %-44s expected %s, found %s%n", file, what, expected, found);
  }

  /**
   * Reads the generated input events, gives each to its true person (the person of its
   * highest-priority identity that the ground truth lists) and cuts each person's events, in time
   * order, into the ground truth's journeys. Checks that the cut matches the ground truth's first
   * and last event ids and event counts, so the expectation below is well founded.
   */
  private void cutInputIntoTrueJourneys(Path events) throws Exception {
    Map<IdentityKey, String> personOf = new HashMap<>();
    for (GroundTruth.Person p : truth.persons()) {
      for (GroundTruth.IdentityValue id : p.identities()) {
        personOf.put(new IdentityKey(id.namespace(), id.value()), p.person());
      }
    }
    record Ev(String id, long time, String type) {}
    Map<String, List<Ev>> byPerson = new HashMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(events)) {
      files = s.sorted().toList();
    }
    for (Path f : files) {
      try (BufferedReader r = Files.newBufferedReader(f)) {
        for (String line = r.readLine(); line != null; line = r.readLine()) {
          JsonNode e = JSON.readTree(line);
          List<IdentityKey> keys = new ArrayList<>();
          for (JsonNode id : e.get("identities")) {
            String ns = id.get("namespace").asText();
            String v = id.get("value").asText();
            v =
                ns.equals("email")
                    ? Pseudonymiser.normaliseEmail(v)
                    : ns.equals("phone") ? Pseudonymiser.normalisePhone(v) : v;
            keys.add(new IdentityKey(ns, v));
          }
          Collections.sort(keys);
          String person =
              keys.stream().map(personOf::get).filter(x -> x != null).findFirst().orElse(null);
          assertThat(person).as("true person of " + line).isNotNull();
          JsonNode t = e.get("event_time");
          long time = t.isNumber() ? t.asLong() : Instant.parse(t.asText()).toEpochMilli();
          byPerson
              .computeIfAbsent(person, k -> new ArrayList<>())
              .add(new Ev(e.get("event_id").asText(), time, e.get("event_type").asText()));
        }
      }
    }
    for (GroundTruth.Person p : truth.persons()) {
      List<Ev> evs = byPerson.getOrDefault(p.person(), List.of());
      evs.sort(Comparator.comparingLong(Ev::time).thenComparing(Ev::id));
      int at = 0;
      for (GroundTruth.Journey j : p.journeys()) {
        List<Ev> part = evs.subList(at, at + j.eventCount());
        at += j.eventCount();
        assertThat(part.get(0).id()).isEqualTo(j.firstEventId());
        assertThat(part.get(part.size() - 1).id()).isEqualTo(j.lastEventId());
        TrueJourney tj =
            new TrueJourney(
                p.person(),
                j,
                part.stream().map(Ev::id).toList(),
                part.stream().map(Ev::type).toList());
        journeys.add(tj);
        tj.eventIds().forEach(id -> journeyOfEvent.put(id, tj));
      }
      assertThat(at).as(p.person() + " events").isEqualTo(evs.size());
    }
  }

  private GroundTruth.Person person(String label) {
    return truth.person(label);
  }

  private String personId(GroundTruth.Person p) {
    List<IdentityKey> ids = new ArrayList<>();
    for (GroundTruth.IdentityValue id : p.identities()) {
      ids.add(new IdentityKey(id.namespace(), pseudonymiser.apply(id.namespace(), id.value())));
    }
    return PersonIds.personId(Collections.min(ids));
  }

  private long conversions() {
    return journeys.stream().filter(TrueJourney::converted).count();
  }

  @Test
  void everySqlFileShouldRunAndReturnRows() throws Exception {
    List<String> names = sqlFiles().stream().map(p -> p.getFileName().toString()).toList();
    assertThat(names)
        .containsExactlyInAnyOrder(
            "attribution_by_model.sql",
            "channel_handoffs.sql",
            "conversion_by_channel_count.sql",
            "conversion_by_first_channel.sql",
            "current_profiles.sql",
            "friction_by_type_channel_week.sql",
            "friction_effect_on_conversion.sql",
            "funnel_by_channel.sql",
            "identity_quality.sql",
            "person_timeline.sql",
            "time_to_convert.sql",
            "top_channel_paths.sql");
    for (Path file : sqlFiles()) {
      String text = Files.readString(file);
      assertThat(text).as(file + " header").startsWith("-- Question:");
      assertThat(text)
          .contains("-- Tables:", "-- Placeholders:", "${OUTPUT}", "-- How to read it:");
      assertThat(results.get(file.getFileName().toString())).as(file + " rows").isNotEmpty();
    }
  }

  @Test
  void conversionByFirstChannelShouldEqualTheGroundTruth() {
    Map<String, long[]> expected = new TreeMap<>();
    for (TrueJourney j : journeys) {
      long[] c = expected.computeIfAbsent(j.firstChannel(), k -> new long[2]);
      c[0]++;
      c[1] += j.converted() ? 1 : 0;
    }
    Map<String, long[]> found = new TreeMap<>();
    for (Map<String, Object> r : results.get("conversion_by_first_channel.sql")) {
      found.put(
          (String) r.get("first_channel"), new long[] {num(r, "journeys"), num(r, "converted")});
      assertThat(dbl(r, "conversion_rate"))
          .isCloseTo((double) num(r, "converted") / num(r, "journeys"), within(1e-4));
    }
    assertThat(found.keySet()).isEqualTo(expected.keySet());
    expected.forEach((k, v) -> assertThat(found.get(k)).as(k).containsExactly(v));
    long total = journeys.size();
    long conv = conversions();
    long foundTotal = found.values().stream().mapToLong(v -> v[0]).sum();
    long foundConv = found.values().stream().mapToLong(v -> v[1]).sum();
    String f = "conversion_by_first_channel.sql";
    compared(f, "journeys", total, foundTotal);
    compared(f, "converted journeys", conv, foundConv);
    compared(
        f,
        "conversion rate (converted/journeys)",
        String.format("%.4f", (double) conv / total),
        String.format("%.4f", (double) foundConv / foundTotal));
    expected.forEach(
        (k, v) ->
            compared(
                f,
                "first channel " + k + " journeys/converted",
                v[0] + "/" + v[1],
                found.get(k)[0] + "/" + found.get(k)[1]));
    assertThat(foundConv).isEqualTo(conv);
  }

  @Test
  void conversionByChannelCountShouldEqualTheGroundTruth() {
    Map<Long, long[]> expected = new TreeMap<>();
    for (TrueJourney j : journeys) {
      long n = new HashSet<>(j.journey().touchChannels()).size();
      long[] c = expected.computeIfAbsent(n, k -> new long[2]);
      c[0]++;
      c[1] += j.converted() ? 1 : 0;
    }
    Map<Long, long[]> found = new TreeMap<>();
    for (Map<String, Object> r : results.get("conversion_by_channel_count.sql")) {
      found.put(num(r, "channel_count"), new long[] {num(r, "journeys"), num(r, "converted")});
    }
    assertThat(found.keySet()).isEqualTo(expected.keySet());
    expected.forEach(
        (k, v) -> {
          compared(
              "conversion_by_channel_count.sql",
              k + " channels journeys/converted",
              v[0] + "/" + v[1],
              found.get(k)[0] + "/" + found.get(k)[1]);
          assertThat(found.get(k)).as(k + " channels").containsExactly(v);
        });
  }

  @Test
  void topPathsAndHandoffsShouldEqualTheGroundTruth() {
    Map<String, long[]> paths = new HashMap<>();
    Map<String, Long> handoffs = new TreeMap<>();
    for (TrueJourney j : journeys) {
      List<String> t = j.journey().touchChannels();
      long[] c = paths.computeIfAbsent(String.join(" > ", t), k -> new long[2]);
      c[0]++;
      c[1] += j.converted() ? 1 : 0;
      for (int i = 0; i + 1 < t.size(); i++) {
        if (!t.get(i).equals(t.get(i + 1))) {
          handoffs.merge(t.get(i) + " -> " + t.get(i + 1), 1L, Long::sum);
        }
      }
    }
    List<Map<String, Object>> top = results.get("top_channel_paths.sql");
    assertThat(top).hasSize(Math.min(25, paths.size()));
    long maxCount = paths.values().stream().mapToLong(v -> v[0]).max().orElseThrow();
    assertThat(num(top.get(0), "journeys")).isEqualTo(maxCount);
    for (Map<String, Object> r : top) {
      long[] e = paths.get((String) r.get("channel_path"));
      assertThat(e).as("path " + r.get("channel_path")).isNotNull();
      assertThat(new long[] {num(r, "journeys"), num(r, "converted")})
          .as("path " + r.get("channel_path"))
          .containsExactly(e);
    }
    compared(
        "top_channel_paths.sql",
        "top path " + top.get(0).get("channel_path") + " journeys",
        maxCount,
        num(top.get(0), "journeys"));
    Map<String, Long> found = new TreeMap<>();
    for (Map<String, Object> r : results.get("channel_handoffs.sql")) {
      found.put(r.get("from_channel") + " -> " + r.get("to_channel"), num(r, "handoffs"));
    }
    compared(
        "channel_handoffs.sql",
        "hand-offs in total / distinct pairs",
        handoffs.values().stream().mapToLong(Long::longValue).sum() + "/" + handoffs.size(),
        found.values().stream().mapToLong(Long::longValue).sum() + "/" + found.size());
    assertThat(found).isEqualTo(handoffs);
  }

  @Test
  void funnelShouldEqualTheInputCutIntoTrueJourneys() {
    // channel -> step -> {journeys, persons}
    Map<String, Map<Integer, Set<String>>> jr = new TreeMap<>();
    Map<String, Map<Integer, Set<String>>> pr = new TreeMap<>();
    for (TrueJourney j : journeys) {
      int step = 0;
      for (String type : j.types()) {
        if (step < FUNNEL.size() && type.equals(FUNNEL.get(step))) {
          step++;
        }
      }
      for (String channel : List.of(j.firstChannel(), "(all)")) {
        for (int s = 1; s <= step; s++) {
          jr.computeIfAbsent(channel, k -> new TreeMap<>())
              .computeIfAbsent(s, k -> new HashSet<>())
              .add(j.journey().firstEventId());
          pr.computeIfAbsent(channel, k -> new TreeMap<>())
              .computeIfAbsent(s, k -> new HashSet<>())
              .add(j.person());
        }
      }
    }
    Map<String, String> expected = new TreeMap<>();
    jr.forEach(
        (c, steps) ->
            steps.forEach(
                (s, js) ->
                    expected.put(
                        c + " " + s + " " + FUNNEL.get(s - 1),
                        js.size() + " journeys/" + pr.get(c).get(s).size() + " persons")));
    Map<String, String> found = new TreeMap<>();
    for (Map<String, Object> r : results.get("funnel_by_channel.sql")) {
      found.put(
          r.get("channel") + " " + r.get("step") + " " + r.get("event_type"),
          num(r, "journeys") + " journeys/" + num(r, "persons") + " persons");
    }
    for (String step :
        List.of("1 PRODUCT_VIEW", "2 ADD_TO_CART", "3 CHECKOUT_START", "4 PURCHASE")) {
      compared(
          "funnel_by_channel.sql",
          "(all) step " + step,
          expected.get("(all) " + step),
          found.get("(all) " + step));
    }
    compared("funnel_by_channel.sql", "(channel, step) rows", expected.size(), found.size());
    assertThat(jr.get("(all)")).hasSize(4);
    assertThat(found).isEqualTo(expected);
  }

  @Test
  void frictionPerTypeShouldEqualWhatWasPlanted() {
    Map<String, Long> planted = new TreeMap<>();
    for (GroundTruth.Person p : truth.persons()) {
      for (GroundTruth.Planted x : p.planted()) {
        if (x.kind().equals("friction")) {
          planted.merge(x.name(), 1L, Long::sum);
        }
      }
    }
    Map<String, Long> found = new TreeMap<>();
    Map<String, Long> perChannelMax = new HashMap<>();
    Map<String, Long> allOfKey = new HashMap<>();
    for (Map<String, Object> r : results.get("friction_by_type_channel_week.sql")) {
      String key = r.get("week") + " " + r.get("friction_type");
      if ("(all)".equals(r.get("channel"))) {
        found.merge((String) r.get("friction_type"), num(r, "frictions"), Long::sum);
        allOfKey.put(key, num(r, "frictions"));
      } else {
        perChannelMax.merge(key, num(r, "frictions"), Math::max);
      }
    }
    planted.forEach(
        (k, v) -> compared("friction_by_type_channel_week.sql", k + " frictions", v, found.get(k)));
    assertThat(found).isEqualTo(planted);
    // a channel row never exceeds its (all) row
    perChannelMax.forEach((k, v) -> assertThat(v).as(k).isLessThanOrEqualTo(allOfKey.get(k)));
  }

  @Test
  void frictionEffectShouldEqualTheGroundTruth() {
    Set<TrueJourney> withFriction = new HashSet<>();
    for (GroundTruth.Person p : truth.persons()) {
      for (GroundTruth.Planted x : p.planted()) {
        if (x.kind().equals("friction")) {
          withFriction.add(journeyOfEvent.get(x.eventIds().get(x.eventIds().size() - 1)));
        }
      }
    }
    Map<Boolean, long[]> expected = new TreeMap<>();
    for (TrueJourney j : journeys) {
      long[] c = expected.computeIfAbsent(withFriction.contains(j), k -> new long[2]);
      c[0]++;
      c[1] += j.converted() ? 1 : 0;
    }
    Map<Boolean, long[]> found = new TreeMap<>();
    for (Map<String, Object> r : results.get("friction_effect_on_conversion.sql")) {
      found.put(
          (Boolean) r.get("with_friction"), new long[] {num(r, "journeys"), num(r, "converted")});
    }
    expected.forEach(
        (k, v) ->
            compared(
                "friction_effect_on_conversion.sql",
                "with_friction=" + k + " journeys/converted",
                v[0] + "/" + v[1],
                found.containsKey(k) ? found.get(k)[0] + "/" + found.get(k)[1] : "missing"));
    assertThat(found.keySet()).isEqualTo(expected.keySet());
    expected.forEach(
        (k, v) -> assertThat(found.get(k)).as("with_friction " + k).containsExactly(v));
  }

  @Test
  void attributionShouldCreditEveryConversionOncePerModel() {
    Map<String, Long> first = new TreeMap<>();
    Map<String, Long> last = new TreeMap<>();
    Map<String, Long> participation = new TreeMap<>();
    for (TrueJourney j : journeys) {
      if (j.converted()) {
        List<String> t = j.journey().touchChannels();
        first.merge(t.get(0), 1L, Long::sum);
        last.merge(t.get(t.size() - 1), 1L, Long::sum);
        new LinkedHashSet<>(t).forEach(c -> participation.merge(c, 1L, Long::sum));
      }
    }
    List<Map<String, Object>> rows = results.get("attribution_by_model.sql");
    Map<String, Long> foundFirst = new TreeMap<>();
    Map<String, Long> foundLast = new TreeMap<>();
    Map<String, Long> foundPart = new TreeMap<>();
    for (Map<String, Object> r : rows) {
      String c = (String) r.get("channel");
      if (dbl(r, "first_touch") > 0) {
        foundFirst.put(c, Math.round(dbl(r, "first_touch")));
      }
      if (dbl(r, "last_touch") > 0) {
        foundLast.put(c, Math.round(dbl(r, "last_touch")));
      }
      if (dbl(r, "participation") > 0) {
        foundPart.put(c, Math.round(dbl(r, "participation")));
      }
    }
    String f = "attribution_by_model.sql";
    compared(f, "first_touch per channel", first, foundFirst);
    compared(f, "last_touch per channel", last, foundLast);
    compared(f, "participation per channel", participation, foundPart);
    assertThat(foundFirst).isEqualTo(first);
    assertThat(foundLast).isEqualTo(last);
    assertThat(foundPart).isEqualTo(participation);
    long conversions = conversions();
    for (String model :
        List.of(
            "first_touch",
            "last_touch",
            "linear",
            "time_decay",
            "position_based",
            "j_curve",
            "inverse_j",
            "markov",
            "shapley",
            "markov_window",
            "shapley_window")) {
      double sum = rows.stream().mapToDouble(r -> dbl(r, model)).sum();
      compared(f, "sum of " + model + " = conversions", conversions, String.format("%.4f", sum));
      assertThat(sum).as(model).isCloseTo(conversions, within(0.01));
    }
  }

  @Test
  void timeToConvertShouldEqualTheGroundTruth() {
    long[] limits = {1, 24, 72, 168, 336, 720};
    long[] buckets = new long[limits.length + 1];
    List<Double> hours = new ArrayList<>();
    for (TrueJourney j : journeys) {
      if (j.converted()) {
        double h = (j.journey().endMs() - j.journey().startMs()) / 3_600_000.0;
        hours.add(h);
        int b = 0;
        while (b < limits.length && h >= limits[b]) {
          b++;
        }
        buckets[b]++;
      }
    }
    Collections.sort(hours);
    double pos = 0.5 * (hours.size() - 1);
    int lo = (int) Math.floor(pos);
    double median =
        hours.get(lo)
            + (pos - lo) * (hours.get(Math.min(lo + 1, hours.size() - 1)) - hours.get(lo));
    Map<Integer, Long> expected = new TreeMap<>();
    for (int b = 0; b < buckets.length; b++) {
      if (buckets[b] > 0) {
        expected.put(b + 1, buckets[b]);
      }
    }
    Map<Integer, Long> found = new TreeMap<>();
    List<Map<String, Object>> rows = results.get("time_to_convert.sql");
    for (Map<String, Object> r : rows) {
      found.put((int) num(r, "bucket_order"), num(r, "journeys"));
    }
    String f = "time_to_convert.sql";
    compared(f, "converted journeys per bucket", expected, found);
    compared(f, "p50_hours", String.format("%.2f", median), rows.get(0).get("p50_hours"));
    compared(
        f,
        "max_hours",
        String.format("%.2f", hours.get(hours.size() - 1)),
        rows.get(0).get("max_hours"));
    assertThat(found).isEqualTo(expected);
    assertThat(dbl(rows.get(0), "p50_hours")).isCloseTo(median, within(0.006));
    assertThat(dbl(rows.get(0), "max_hours")).isCloseTo(hours.get(hours.size() - 1), within(0.006));
    assertThat(dbl(rows.get(rows.size() - 1), "cumulative_share")).isEqualTo(1.0);
  }

  @Test
  void personTimelineShouldShowThePersonsEventsJourneysAndPlantedFindings() {
    GroundTruth.Person p = person(timelinePerson);
    Map<String, Long> expected = new TreeMap<>();
    expected.put("journey", (long) p.journeys().size());
    expected.put("event", p.journeys().stream().mapToLong(GroundTruth.Journey::eventCount).sum());
    for (GroundTruth.Planted x : p.planted()) {
      expected.merge(x.kind().equals("friction") ? "friction" : "pattern", 1L, Long::sum);
    }
    Map<String, Long> found = new TreeMap<>();
    List<Map<String, Object>> rows = results.get("person_timeline.sql");
    for (Map<String, Object> r : rows) {
      found.merge((String) r.get("kind"), 1L, Long::sum);
    }
    compared(
        "person_timeline.sql",
        timelinePerson + " (" + timelinePersonId + ") rows by kind",
        expected,
        found);
    assertThat(found).isEqualTo(expected);
    assertThat(rows.get(0).get("kind")).isEqualTo("journey");
    List<String> eventIds = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      if (r.get("kind").equals("event")) {
        eventIds.add(((String) r.get("detail")).split(" ")[0].substring(3));
      }
    }
    List<String> expectedIds = new ArrayList<>();
    for (TrueJourney j : journeys) {
      if (j.person().equals(timelinePerson)) {
        expectedIds.addAll(j.eventIds());
      }
    }
    assertThat(eventIds).as("events in time order").isEqualTo(expectedIds);
  }

  @Test
  void identityQualityShouldCountEveryPersonAndEveryRejectedLink() {
    Set<String> rejected = new HashSet<>();
    for (GroundTruth.SharedDevice s : truth.sharedDevices()) {
      rejected.addAll(s.rejectedEventIds());
    }
    long persons = 0;
    Map<String, Long> merges = new TreeMap<>();
    for (Map<String, Object> r : results.get("identity_quality.sql")) {
      if (r.get("section").equals("identities_per_person")) {
        persons += num(r, "count");
      } else {
        merges.put(r.get("section") + " " + r.get("label"), num(r, "count"));
      }
    }
    String f = "identity_quality.sql";
    compared(f, "persons", truth.persons().size(), persons);
    compared(f, "rejected links (shared devices)", rejected.size(), merges);
    assertThat(persons).isEqualTo(truth.persons().size());
    assertThat(rejected).isNotEmpty();
    // every person of n identities (a shared device is its first user's) took n - 1 links
    long accepted = truth.sharedDevices().size() - truth.persons().size();
    for (GroundTruth.Person p : truth.persons()) {
      accepted += p.identities().size();
    }
    assertThat(merges)
        .isEqualTo(
            Map.of(
                "rejected_merges namespace_limit:customer_id",
                (long) rejected.size(),
                "accepted_merges linked",
                accepted));
  }

  @Test
  void currentProfilesShouldBeThePersonsOfTheGroundTruthMostValuableFirst() {
    Map<String, String> expected = new TreeMap<>();
    for (GroundTruth.Person p : truth.persons()) {
      long events = 0;
      long converted = 0;
      double value = 0;
      for (GroundTruth.Journey j : p.journeys()) {
        events += j.eventCount();
        if (j.status().equals("CONVERTED")) {
          converted++;
          value += j.conversionValue() == null ? 0 : j.conversionValue();
        }
      }
      expected.put(
          personId(p),
          events
              + " "
              + p.journeys().size()
              + " "
              + converted
              + " "
              + String.format("%.2f", value)
              + " "
              + p.journeys().get(p.journeys().size() - 1).status());
    }
    List<Map<String, Object>> rows = results.get("current_profiles.sql");
    Map<String, String> found = new TreeMap<>();
    double previous = Double.MAX_VALUE;
    for (Map<String, Object> r : rows) {
      double value = dbl(r, "lifetime_value");
      assertThat(value).as("most valuable first").isLessThanOrEqualTo(previous);
      previous = value;
      found.put(
          (String) r.get("person_id"),
          num(r, "events")
              + " "
              + num(r, "journeys")
              + " "
              + num(r, "journeys_converted")
              + " "
              + String.format("%.2f", value)
              + " "
              + r.get("last_journey_status"));
    }
    String f = "current_profiles.sql";
    compared(f, "persons", expected.size(), found.size());
    compared(
        f,
        "lifetime value, all persons",
        String.format(
            "%.2f",
            truth.persons().stream()
                .flatMap(p -> p.journeys().stream())
                .filter(j -> j.conversionValue() != null)
                .mapToDouble(GroundTruth.Journey::conversionValue)
                .sum()),
        String.format("%.2f", rows.stream().mapToDouble(r -> dbl(r, "lifetime_value")).sum()));
    assertThat(rows).hasSize(truth.persons().size());
    assertThat(found).isEqualTo(expected);
  }
}
