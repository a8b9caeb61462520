package dev.omnichannel.monitor.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
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
 * Generated data with planted ground truth (5% broken records) through the real {@code backfill}
 * command on an embedded Flink mini cluster; the Parquet output is read back with DuckDB, as an
 * analyst would, and compared with what the generator planted.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BackfillITCase {
  private static final String KEY = "backfill-itcase-hmac-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path dir;
  private Path input;
  private Path keyFile;
  private Path out4;
  private JsonNode truth;
  private JsonNode summary4;
  private Connection duck;
  private final Pseudonymiser pseudonymiser =
      new Pseudonymiser(KEY.getBytes(StandardCharsets.UTF_8));

  @BeforeAll
  void generateAndRun(@TempDir Path tmp) throws Exception {
    dir = tmp;
    input = dir.resolve("input");
    GeneratorConfig defaults = GeneratorConfig.defaults();
    Generator.generate(
        new GeneratorConfig(
            400, 75, 11L, defaults.start(), GeneratorConfig.Format.JSONL, false, 0.05, true, 0),
        input);
    truth = JSON.readTree(input.resolve("ground-truth.json").toFile());
    keyFile = dir.resolve("hmac.key");
    Files.writeString(keyFile, KEY + "\n");
    out4 = dir.resolve("out-p4");
    summary4 = backfill(out4, 4);
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  private JsonNode backfill(Path out, int parallelism, String... extra) throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "backfill",
                "--input",
                input.resolve("events").toString(),
                "--output",
                out.toString(),
                "--parallelism",
                String.valueOf(parallelism),
                "--hmac-key-file",
                keyFile.toString()));
    args.addAll(List.of(extra));
    assertThat(Main.execute(args.toArray(String[]::new))).isZero();
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      Path latest = runs.sorted().reduce((a, b) -> b).orElseThrow();
      return JSON.readTree(latest.toFile());
    }
  }

  private String table(Path out, String table) {
    return "read_parquet('" + out.resolve(table) + "/**/*.parquet', hive_partitioning = false)";
  }

  private List<List<Object>> rows(String sql) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (Statement st = duck.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      ResultSetMetaData md = rs.getMetaData();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          Object v = rs.getObject(i);
          row.add(v == null ? null : v.toString());
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private long scalar(String sql) throws Exception {
    return Long.parseLong(rows(sql).get(0).get(0).toString());
  }

  @Test
  void accountingShouldBalanceAndMatchWhatWasPlanted() throws Exception {
    JsonNode counts = truth.get("counts");
    JsonNode a = summary4.get("accounting");
    assertThat(a.get("input_records").asLong()).isEqualTo(counts.get("records").asLong());
    assertThat(a.get("accepted_events").asLong()).isEqualTo(counts.get("accepted_events").asLong());
    assertThat(a.get("duplicates").asLong()).isEqualTo(counts.get("duplicates").asLong());
    assertThat(a.get("dead_letters").asLong()).isEqualTo(counts.get("dead_letters").asLong());
    assertThat(a.get("late_events").asLong()).isZero();
    assertThat(a.get("out_of_range").asLong()).isZero();
    assertThat(a.get("balanced").asBoolean()).isTrue();
    assertThat(a.get("input_records").asLong())
        .isEqualTo(
            a.get("accepted_events").asLong()
                + a.get("duplicates").asLong()
                + a.get("late_events").asLong()
                + a.get("dead_letters").asLong());
    assertThat(counts.get("dead_letters").asLong()).isPositive();
    assertThat(counts.get("duplicates").asLong()).isPositive();
    assertThat(scalar("SELECT count(*) FROM " + table(out4, "events")))
        .isEqualTo(counts.get("accepted_events").asLong());
    assertThat(scalar("SELECT count(DISTINCT event_id) FROM " + table(out4, "events")))
        .isEqualTo(counts.get("accepted_events").asLong());
    assertThat(scalar("SELECT count(*) FROM " + table(out4, "dead_letters")))
        .isEqualTo(counts.get("dead_letters").asLong());
    assertThat(summary4.get("tables").get("events").asLong())
        .isEqualTo(counts.get("accepted_events").asLong());
  }

  @Test
  void reportGroundTruthAgainstFound() throws Exception {
    long truePersons = truth.get("persons").size();
    long trueConversions = 0;
    for (JsonNode p : truth.get("persons")) {
      for (JsonNode j : p.get("journeys")) {
        trueConversions += j.get("status").asText().equals("CONVERTED") ? 1 : 0;
      }
    }
    long trueDead = truth.get("counts").get("dead_letters").asLong();
    long persons = scalar("SELECT count(DISTINCT person_id) FROM " + table(out4, "events"));
    long conversions =
        scalar("SELECT count(*) FROM " + table(out4, "journeys") + " WHERE converted");
    long dead = scalar("SELECT count(*) FROM " + table(out4, "dead_letters"));
    System.out.printf(
        "GROUND TRUTH vs FOUND: persons %d/%d, conversions %d/%d, dead letters %d/%d,"
            + " records %d, duplicates %d/%d, rejected links %d%n",
        truePersons,
        persons,
        trueConversions,
        conversions,
        trueDead,
        dead,
        truth.get("counts").get("records").asLong(),
        truth.get("counts").get("duplicates").asLong(),
        summary4.get("accounting").get("duplicates").asLong(),
        scalar("SELECT count(*) FROM " + table(out4, "identity_merges") + " WHERE NOT accepted"));
    assertThat(persons).isEqualTo(truePersons);
    assertThat(conversions).isEqualTo(trueConversions);
    assertThat(dead).isEqualTo(trueDead);
  }

  @Test
  void everyInjectedBadRecordShouldEndWhereItBelongs() throws Exception {
    Map<String, String> deadBySource = new HashMap<>();
    for (List<Object> r :
        rows("SELECT source, reason, payload FROM " + table(out4, "dead_letters"))) {
      String source = r.get(0).toString();
      String file = source.substring(source.lastIndexOf('/') + 1);
      deadBySource.put(file, r.get(1).toString());
      assertThat(r.get(2).toString()).doesNotContain("@example.");
    }
    Map<String, String> expectedDead = new TreeMap<>();
    Set<String> duplicateIds = new HashSet<>();
    Set<String> acceptedIds = new HashSet<>();
    for (JsonNode bad : truth.get("bad_records")) {
      String expected = bad.get("expected").asText();
      switch (expected) {
        case "dead_letter" ->
            expectedDead.put(
                bad.get("file").asText() + ":" + bad.get("line").asInt(),
                bad.get("reason_code").asText());
        case "duplicate" -> duplicateIds.add(bad.get("event_id").asText());
        case "accepted" -> acceptedIds.add(bad.get("event_id").asText());
        default -> throw new AssertionError("unknown expectation " + expected);
      }
    }
    assertThat(expectedDead).isNotEmpty();
    Map<String, String> actualCodes = new TreeMap<>();
    deadBySource.forEach((k, v) -> actualCodes.put(k, v.substring(0, v.indexOf(':'))));
    assertThat(actualCodes).isEqualTo(expectedDead);

    for (String id : duplicateIds) {
      assertThat(
              scalar(
                  "SELECT count(*) FROM "
                      + table(out4, "events")
                      + " WHERE event_id = '"
                      + id
                      + "'"))
          .as("duplicate %s kept once", id)
          .isEqualTo(1);
    }
    for (String id : acceptedIds) {
      assertThat(
              scalar(
                  "SELECT count(*) FROM "
                      + table(out4, "events")
                      + " WHERE event_id = '"
                      + id
                      + "'"))
          .as("accepted %s", id)
          .isEqualTo(1);
    }
    long unknown = truth.get("counts").get("unknown_enum_events").asLong();
    assertThat(unknown).isPositive();
    assertThat(
            scalar(
                "SELECT count(*) FROM "
                    + table(out4, "events")
                    + " WHERE (channel = 'OTHER' AND attributes['raw_channel'] IS NOT NULL)"
                    + " OR (event_type = 'OTHER' AND attributes['raw_event_type'] IS NOT NULL)"))
        .isEqualTo(unknown);
  }

  private IdentityKey key(JsonNode id) {
    String ns = id.get("namespace").asText();
    return new IdentityKey(ns, pseudonymiser.apply(ns, id.get("value").asText()));
  }

  @Test
  void personsShouldEqualTheTruePersonsAndGuardCasesShouldBeRejectedMerges() throws Exception {
    Map<String, Set<String>> personsOfIdentity = new HashMap<>();
    for (List<Object> r :
        rows(
            "SELECT DISTINCT i.namespace || ':' || i.value, person_id FROM (SELECT unnest(identities)"
                + " AS i, person_id FROM "
                + table(out4, "events")
                + ")")) {
      personsOfIdentity
          .computeIfAbsent(r.get(0).toString(), k -> new HashSet<>())
          .add(r.get(1).toString());
    }
    Set<String> sharedIdentities = new HashSet<>();
    Map<String, String> truePersonOf = new HashMap<>();
    for (JsonNode p : truth.get("persons")) {
      truePersonOf.put(p.get("person").asText(), expectedPersonId(p));
    }
    Set<String> expectedRejected = new HashSet<>();
    for (JsonNode s : truth.get("shared_devices")) {
      IdentityKey device = key(s);
      sharedIdentities.add(device.toString());
      String owner = truePersonOf.get(s.get("owner").asText());
      String other = truePersonOf.get(s.get("other").asText());
      Set<String> rejectedHere = new HashSet<>();
      s.get("rejected_event_ids").forEach(e -> rejectedHere.add(e.asText()));
      assertThat(rejectedHere).isNotEmpty();
      expectedRejected.addAll(rejectedHere);
      // Events on the shared tablet belong to whoever logged in: the owner's keep the device,
      // the other user's are exactly the rejected links.
      Set<String> ownerEvents = new HashSet<>();
      Set<String> otherEvents = new HashSet<>();
      for (List<Object> r :
          rows(
              "SELECT event_id, person_id FROM "
                  + table(out4, "events")
                  + " WHERE list_contains(identities, {'namespace': '"
                  + device.namespace()
                  + "', 'value': '"
                  + device.value()
                  + "'})")) {
        String person = r.get(1).toString();
        assertThat(person).isIn(owner, other);
        (person.equals(owner) ? ownerEvents : otherEvents).add(r.get(0).toString());
      }
      assertThat(ownerEvents).as("owner's events on %s", device).isNotEmpty();
      assertThat(otherEvents).as("other user's events on %s", device).isEqualTo(rejectedHere);
    }
    assertThat(sharedIdentities).as("shared devices are planted").isNotEmpty();

    int checked = 0;
    Set<String> expectedPersons = new HashSet<>();
    for (JsonNode p : truth.get("persons")) {
      String expected = truePersonOf.get(p.get("person").asText());
      expectedPersons.add(expected);
      for (JsonNode id : p.get("identities")) {
        String k = key(id).toString();
        assertThat(personsOfIdentity.get(k))
            .as("identity %s of %s", k, p.get("person").asText())
            .containsExactly(expected);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(1000);
    Set<String> actualPersons = new HashSet<>();
    personsOfIdentity.values().forEach(actualPersons::addAll);
    assertThat(actualPersons).isEqualTo(expectedPersons);
    assertThat(summary4.get("persons").asLong()).isEqualTo(truth.get("persons").size());

    List<List<Object>> merges =
        rows(
            "SELECT event_id, accepted, reason FROM "
                + table(out4, "identity_merges")
                + " WHERE NOT accepted");
    Set<String> rejected = new HashSet<>();
    for (List<Object> m : merges) {
      assertThat(m.get(1)).isEqualTo("false");
      assertThat(m.get(2).toString()).startsWith("namespace_limit:customer_id");
      rejected.add(m.get(0).toString());
    }
    assertThat(rejected).isEqualTo(expectedRejected);
    assertThat(merges).hasSize(expectedRejected.size());
  }

  private String expectedPersonId(JsonNode person) {
    List<IdentityKey> ids = new ArrayList<>();
    person.get("identities").forEach(id -> ids.add(key(id)));
    return PersonIds.personId(Collections.min(ids));
  }

  @Test
  void journeysAndConversionsShouldMatchTheGroundTruth() throws Exception {
    List<String> expected = new ArrayList<>();
    long conversions = 0;
    for (JsonNode p : truth.get("persons")) {
      String pid = expectedPersonId(p);
      for (JsonNode j : p.get("journeys")) {
        JsonNode value = j.get("conversion_value");
        expected.add(
            String.join(
                "|",
                pid,
                j.get("start_ms").asText(),
                j.get("end_ms").asText(),
                j.get("status").asText(),
                j.get("event_count").asText(),
                value == null || value.isNull()
                    ? "null"
                    : String.format("%.2f", value.asDouble())));
        if (j.get("status").asText().equals("CONVERTED")) {
          conversions++;
        }
      }
    }
    List<String> actual = new ArrayList<>();
    for (List<Object> r :
        rows(
            "SELECT person_id, epoch_ms(start_time), epoch_ms(end_time), status, event_count,"
                + " CASE WHEN conversion_value IS NULL THEN 'null' ELSE printf('%.2f',"
                + " conversion_value) END FROM "
                + table(out4, "journeys"))) {
      actual.add(String.join("|", r.stream().map(String::valueOf).toList()));
    }
    Collections.sort(expected);
    Collections.sort(actual);
    assertThat(actual).hasSize(expected.size());
    assertThat(actual).isEqualTo(expected);
    assertThat(conversions).isPositive();
    assertThat(scalar("SELECT count(*) FROM " + table(out4, "journeys") + " WHERE converted"))
        .isEqualTo(conversions);
    assertThat(summary4.get("conversions").asLong()).isEqualTo(conversions);
    assertThat(
            scalar(
                "SELECT count(*) FROM "
                    + table(out4, "events")
                    + " e LEFT JOIN "
                    + table(out4, "journeys")
                    + " j USING (journey_id) WHERE j.journey_id IS NULL"))
        .as("every event belongs to a written journey")
        .isZero();
  }

  @Test
  void personsShouldHaveOneRowPerTruePersonWithItsExactTotals() throws Exception {
    // From the ground truth: per true person its events, journeys by status, conversions and
    // their value, first and last seen, the last journey's status and its identities.
    List<String> expected = new ArrayList<>();
    Map<String, Map<String, Long>> expectedIdentities = new TreeMap<>();
    Map<String, String> truePersonOf = new HashMap<>();
    Set<String> identityValues = new HashSet<>();
    long conversions = 0;
    for (JsonNode p : truth.get("persons")) {
      String pid = expectedPersonId(p);
      truePersonOf.put(p.get("person").asText(), pid);
      long events = 0;
      long first = Long.MAX_VALUE;
      long last = Long.MIN_VALUE;
      Map<String, Integer> byStatus = new TreeMap<>();
      double value = 0;
      String lastStatus = null;
      for (JsonNode j : p.get("journeys")) {
        events += j.get("event_count").asLong();
        first = Math.min(first, j.get("start_ms").asLong());
        last = Math.max(last, j.get("end_ms").asLong());
        byStatus.merge(j.get("status").asText(), 1, Integer::sum);
        JsonNode v = j.get("conversion_value");
        if (v != null && !v.isNull()) {
          value += v.asDouble();
        }
        lastStatus = j.get("status").asText();
      }
      conversions += byStatus.getOrDefault("CONVERTED", 0);
      expected.add(
          String.join(
              "|",
              pid,
              String.valueOf(events),
              String.valueOf(p.get("journeys").size()),
              String.valueOf(byStatus.getOrDefault("CONVERTED", 0)),
              String.valueOf(byStatus.getOrDefault("ABANDONED", 0)),
              "0",
              String.valueOf(byStatus.getOrDefault("OPEN", 0)),
              String.format("%.2f", value),
              String.valueOf(first),
              String.valueOf(last),
              lastStatus));
      List<IdentityKey> keys = new ArrayList<>();
      for (JsonNode id : p.get("identities")) {
        IdentityKey k = key(id);
        keys.add(k);
        expectedIdentities
            .computeIfAbsent(pid, x -> new TreeMap<>())
            .merge(k.namespace(), 1L, Long::sum);
        identityValues.add(id.get("value").asText());
        identityValues.add(k.value());
      }
      expectedIdentities.get(pid).put("canonical " + Collections.min(keys).namespace(), 1L);
    }
    // A shared tablet belongs to its owner (the ground truth lists it for neither customer);
    // every link of the other customer to it is rejected.
    Map<String, Long> expectedRejected = new TreeMap<>();
    for (JsonNode sd : truth.get("shared_devices")) {
      String owner = truePersonOf.get(sd.get("owner").asText());
      expectedIdentities.get(owner).merge(sd.get("namespace").asText(), 1L, Long::sum);
      identityValues.add(sd.get("value").asText());
      expectedRejected.merge(truePersonOf.get(sd.get("other").asText()), 0L, Long::sum);
    }

    String persons = table(out4, "persons");
    List<String> actual = new ArrayList<>();
    for (List<Object> r :
        rows(
            "SELECT person_id, events, journeys, journeys_converted, journeys_abandoned,"
                + " journeys_truncated, journeys_open, printf('%.2f', lifetime_value),"
                + " epoch_ms(first_seen), epoch_ms(last_seen), last_journey_status FROM "
                + persons)) {
      actual.add(String.join("|", r.stream().map(String::valueOf).toList()));
    }
    Collections.sort(expected);
    Collections.sort(actual);
    assertThat(actual).hasSize(truth.get("persons").size());
    assertThat(actual).isEqualTo(expected);
    assertThat(conversions).isPositive();
    assertThat(summary4.get("tables").get("persons").asLong())
        .isEqualTo(truth.get("persons").size());
    assertThat(summary4.get("accounting").get("balanced").asBoolean()).isTrue();
    assertThat(scalar("SELECT sum(events) FROM " + persons))
        .isEqualTo(truth.get("counts").get("accepted_events").asLong());

    // identities per namespace (the canonical one's namespace marked), without a value
    Map<String, Map<String, Long>> identities = new TreeMap<>();
    for (List<Object> r :
        rows(
            "SELECT person_id, canonical_namespace, identity_count, unnest(map_keys(identities)),"
                + " unnest(map_values(identities)) FROM "
                + persons)) {
      Map<String, Long> m = identities.computeIfAbsent(r.get(0).toString(), x -> new TreeMap<>());
      m.put(r.get(3).toString(), Long.parseLong(r.get(4).toString()));
      m.put("canonical " + r.get(1), 1L);
      m.merge("total", 0L, Long::sum);
    }
    for (List<Object> r : rows("SELECT person_id, identity_count FROM " + persons)) {
      Map<String, Long> m = identities.get(r.get(0).toString());
      long sum =
          m.entrySet().stream()
              .filter(e -> !e.getKey().startsWith("canonical ") && !e.getKey().equals("total"))
              .mapToLong(Map.Entry::getValue)
              .sum();
      assertThat(Long.parseLong(r.get(1).toString())).as("identity_count").isEqualTo(sum);
      m.remove("total");
    }
    assertThat(identities).isEqualTo(expectedIdentities);

    // rejected links: the distinct pairs of the rejected identity_merges rows of the person's
    // events, which are exactly the other users of the shared tablets
    Map<String, Long> rejected = new TreeMap<>();
    for (List<Object> r :
        rows("SELECT person_id, rejected_links FROM " + persons + " WHERE rejected_links > 0")) {
      rejected.put(r.get(0).toString(), Long.parseLong(r.get(1).toString()));
    }
    Map<String, Long> fromMerges = new TreeMap<>();
    for (List<Object> r :
        rows(
            "SELECT old_person_id, count(DISTINCT regexp_extract(reason, '\\((.*)\\)$', 1))"
                + " FROM "
                + table(out4, "identity_merges")
                + " WHERE NOT accepted GROUP BY 1")) {
      fromMerges.put(r.get(0).toString(), Long.parseLong(r.get(1).toString()));
    }
    assertThat(rejected).isNotEmpty().isEqualTo(fromMerges);
    assertThat(rejected.keySet()).isEqualTo(expectedRejected.keySet());

    // the other columns agree with the events and friction tables
    String events = table(out4, "events");
    String friction = table(out4, "friction");
    assertThat(
            rows(
                "SELECT person_id, k, v FROM (SELECT person_id,"
                    + " unnest(map_keys(events_by_channel)) AS k,"
                    + " unnest(map_values(events_by_channel)) AS v FROM "
                    + persons
                    + ") ORDER BY ALL"))
        .isEqualTo(
            rows(
                "SELECT person_id, channel, count(*) FROM "
                    + events
                    + " GROUP BY ALL ORDER BY ALL"));
    assertThat(
            rows("SELECT person_id, preferred_channel, channels FROM " + persons + " ORDER BY ALL"))
        .isEqualTo(
            rows(
                "SELECT person_id, first(channel ORDER BY n DESC, channel), list(channel ORDER BY"
                    + " channel) FROM (SELECT person_id, channel, count(*) AS n FROM "
                    + events
                    + " GROUP BY ALL) GROUP BY 1 ORDER BY ALL"));
    assertThat(
            rows(
                "SELECT person_id, k, v FROM (SELECT person_id, unnest(map_keys(friction)) AS k,"
                    + " unnest(map_values(friction)) AS v FROM "
                    + persons
                    + ") WHERE v > 0 ORDER BY ALL"))
        .isNotEmpty()
        .isEqualTo(
            rows(
                "SELECT person_id, friction_type, count(*) FROM "
                    + friction
                    + " GROUP BY ALL ORDER BY ALL"));
    assertThat(
            scalar(
                "SELECT count(*) FROM "
                    + persons
                    + " p LEFT JOIN (SELECT person_id, count(*) AS n FROM "
                    + friction
                    + " GROUP BY 1) f USING (person_id) WHERE p.friction_count <> coalesce(f.n, 0)"))
        .isZero();
    assertThat(
            rows(
                "SELECT person_id, round(sentiment_mean, 9), sentiment_latest FROM "
                    + persons
                    + " WHERE sentiment_mean IS NOT NULL ORDER BY ALL"))
        .isNotEmpty()
        .isEqualTo(
            rows(
                "SELECT person_id, round(avg(sentiment), 9), last(sentiment ORDER BY event_time,"
                    + " event_id) FROM "
                    + events
                    + " WHERE sentiment IS NOT NULL GROUP BY 1 ORDER BY ALL"));
    List<List<Object>> open =
        rows(
            "SELECT person_id, open_friction_7d FROM "
                + persons
                + " WHERE open_friction_7d > 0 ORDER BY ALL");
    assertThat(open).isNotEmpty();
    assertThat(open)
        .isEqualTo(
            rows(
                "SELECT p.person_id, count(*) FROM "
                    + persons
                    + " p JOIN "
                    + friction
                    + " f USING (person_id) LEFT JOIN (SELECT person_id, max(event_time) AS t FROM "
                    + events
                    + " WHERE event_type = 'PURCHASE' GROUP BY 1) b USING (person_id)"
                    + " WHERE f.detected_at > p.last_seen - INTERVAL 7 DAY"
                    + " AND (b.t IS NULL OR f.detected_at > b.t) GROUP BY 1 ORDER BY ALL"));
    assertThat(scalar("SELECT count(DISTINCT epoch_ms(updated_at)) FROM " + persons)).isOne();
    assertThat(scalar("SELECT max(epoch_ms(updated_at)) FROM " + persons))
        .isEqualTo(truth.get("end_of_input_ms").asLong());

    // never an identity value, raw or pseudonymised
    int checked = 0;
    for (List<Object> r : rows("SELECT CAST(p AS VARCHAR) FROM " + persons + " p")) {
      String row = r.get(0).toString();
      for (String v : identityValues) {
        assertThat(row).doesNotContain(v);
      }
      checked++;
    }
    assertThat(checked).isEqualTo(truth.get("persons").size());
    assertThat(identityValues).hasSizeGreaterThan(1000);
  }

  @Test
  void journeyPatternsAndFrictionShouldEqualWhatWasPlantedPerPerson() throws Exception {
    List<String> planted = new ArrayList<>();
    Map<String, long[]> perName = new TreeMap<>();
    for (JsonNode p : truth.get("persons")) {
      String pid = expectedPersonId(p);
      for (JsonNode pl : p.get("planted")) {
        List<String> ids = new ArrayList<>();
        pl.get("event_ids").forEach(id -> ids.add(id.asText()));
        String name = pl.get("name").asText();
        planted.add(pid + "|" + pl.get("kind").asText().toUpperCase() + "|" + name + "|" + ids);
        perName.computeIfAbsent(name, k -> new long[2])[0]++;
      }
    }
    List<String> found = new ArrayList<>();
    for (List<Object> r :
        rows("SELECT person_id, pattern, event_ids FROM " + table(out4, "journey_matches"))) {
      found.add(r.get(0) + "|JOURNEY|" + r.get(1) + "|" + r.get(2).toString().replace("'", ""));
      perName.computeIfAbsent(r.get(1).toString(), k -> new long[2])[1]++;
    }
    for (List<Object> r :
        rows(
            "SELECT person_id, friction_type, evidence_event_ids FROM "
                + table(out4, "friction"))) {
      found.add(r.get(0) + "|FRICTION|" + r.get(1) + "|" + r.get(2).toString().replace("'", ""));
      perName.computeIfAbsent(r.get(1).toString(), k -> new long[2])[1]++;
    }
    StringBuilder table = new StringBuilder("PLANTED vs FOUND\n");
    perName.forEach((k, v) -> table.append(String.format("  %-30s %5d %5d%n", k, v[0], v[1])));
    System.out.print(table);
    assertThat(perName).hasSize(12);
    Collections.sort(planted);
    Collections.sort(found);
    assertThat(found).isEqualTo(planted);

    // friction_count on each journey is the number of friction rows that end in it
    assertThat(
            scalar(
                "SELECT count(*) FROM "
                    + table(out4, "journeys")
                    + " j LEFT JOIN (SELECT journey_id, count(*) AS n FROM "
                    + table(out4, "friction")
                    + " GROUP BY 1) f USING (journey_id) WHERE j.friction_count <> coalesce(f.n, 0)"))
        .isZero();
    assertThat(scalar("SELECT sum(friction_count) FROM " + table(out4, "journeys")))
        .isEqualTo(scalar("SELECT count(*) FROM " + table(out4, "friction")));
  }

  private Map<String, List<List<Object>>> snapshot(Path out) throws Exception {
    Map<String, List<List<Object>>> tables = new TreeMap<>();
    for (String t : Table.backfillTables()) {
      tables.put(t, rows("SELECT * FROM " + table(out, t) + " ORDER BY ALL"));
    }
    return tables;
  }

  @Test
  void parallelismOneTwoFourAndEightAndARerunShouldGiveIdenticalTables() throws Exception {
    Map<String, List<List<Object>>> p4 = snapshot(out4);
    Path out1 = dir.resolve("out-p1");
    backfill(out1, 1);
    assertThat(snapshot(out1)).isEqualTo(p4);
    // 8 subtasks on 2 cores stand in for a wider cluster: every keyed exchange spreads further
    Path out8 = dir.resolve("out-p8");
    backfill(out8, 8);
    assertThat(snapshot(out8)).isEqualTo(p4);

    // the re-run at parallelism 2 replaces the parallelism-4 output in place

    JsonNode again = backfill(out4, 2);
    assertThat(snapshot(out4)).isEqualTo(p4);
    assertThat(again.get("tables")).isEqualTo(summary4.get("tables"));
    // no _staging or _trash left behind; _writers holds the writers' lock file (OutputClaims)
    try (Stream<Path> s = Files.list(out4)) {
      assertThat(s.map(p -> p.getFileName().toString()).sorted().toList())
          .containsExactly(
              "_runs",
              "_writers",
              "attribution",
              "attribution_channel",
              "dead_letters",
              "events",
              "friction",
              "identity_merges",
              "journey_matches",
              "journeys",
              "persons");
    }
  }

  @Test
  void aBoundedRangeShouldWriteOnlyItsDatesAndStillBalance() throws Exception {
    LocalDate start = LocalDate.parse(truth.get("start").asText());
    LocalDate from = start.plusDays(20);
    LocalDate to = start.plusDays(29);
    Path out = dir.resolve("out-range");
    JsonNode s = backfill(out, 2, "--from", from.toString(), "--to", to.toString());
    assertThat(s.get("accounting").get("balanced").asBoolean()).isTrue();
    assertThat(s.get("accounting").get("out_of_range").asLong()).isPositive();
    for (String t : Table.backfillTables()) {
      if (!Files.isDirectory(out.resolve(t))) {
        continue; // no rows of this table in the range
      }
      try (Stream<Path> parts = Files.list(out.resolve(t))) {
        parts.forEach(
            p -> {
              LocalDate d = LocalDate.parse(p.getFileName().toString().substring(3));
              assertThat(d).isBetween(from, to);
            });
      }
    }
    // The events of the range are exactly the full run's events on those dates.
    String where =
        " WHERE CAST(event_time AS DATE) BETWEEN DATE '" + from + "' AND DATE '" + to + "'";
    assertThat(rows("SELECT event_id FROM " + table(out, "events") + " ORDER BY ALL"))
        .isEqualTo(rows("SELECT event_id FROM " + table(out4, "events") + where + " ORDER BY ALL"));
    // The data-driven models are solved over exactly the range: one window, the range's
    // conversions (not the context's) in it.
    assertThat(
            rows(
                "SELECT DISTINCT strftime(window_start, '%Y-%m-%d %H:%M'), strftime(window_end,"
                    + " '%Y-%m-%d %H:%M') FROM "
                    + table(out, "attribution_channel")))
        .containsExactly(List.of(from + " 00:00", to.plusDays(1) + " 00:00"));
    long conversionsInRange =
        scalar("SELECT count(*) FROM " + table(out, "journeys") + " WHERE converted");
    assertThat(conversionsInRange).isPositive();
    assertThat(
            rows(
                "SELECT round(sum(attributed_conversions), 6) FROM "
                    + table(out, "attribution_channel")
                    + " WHERE model = 'SHAPLEY'"))
        .containsExactly(List.of(String.valueOf((double) conversionsInRange)));
  }
}
