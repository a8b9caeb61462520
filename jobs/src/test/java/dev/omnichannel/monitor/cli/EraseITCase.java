package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.erase.PayloadTokens;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import dev.omnichannel.monitor.identity.SuppressionList;
import dev.omnichannel.monitor.io.OutputClaims;
import dev.omnichannel.monitor.io.PayloadRedactor;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Erasure through the real commands: a backfill of generated data, then {@code erase}. Each erase
 * is checked against a copy of the output taken just before it, with DuckDB: no row of any table
 * holds the erased person ids, their event ids or any of their identity values (the whole row as
 * text, dead-letter payloads included); every other row is exactly as it was (other persons' events
 * that carried an erased identity lose just that identity); the receipt's counts are the rows that
 * went; the suppression list holds the hashes of exactly the erased identities. The persons and
 * their identities come from the generator's ground truth, not from the code under test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EraseITCase {
  private static final String KEY = "erase-itcase-hmac-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDate START = LocalDate.of(2026, 3, 1);
  private static final int DAYS = 14;

  /** Values that need no quoting in SQL nor escaping in a regular expression. */
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_:-]+");

  private final Pseudonymiser pseudonymiser =
      new Pseudonymiser(KEY.getBytes(StandardCharsets.UTF_8));
  private Path dir;
  private Path out;
  private Path keyFile;
  private Path input;
  private GroundTruth truth;
  private Connection duck;

  @BeforeAll
  void backfill(@TempDir Path tmp) throws Exception {
    dir = tmp;
    input = dir.resolve("input");
    Generator.generate(
        new GeneratorConfig(
            50, DAYS, 21L, START, GeneratorConfig.Format.JSONL, false, 0.08, true, 0),
        input);
    truth = GroundTruth.read(input.resolve("ground-truth.json"));
    keyFile = Files.writeString(dir.resolve("hmac.key"), KEY + "\n");
    out = dir.resolve("out");
    assertThat(runBackfill()).isZero();
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  /** The backfill of the generated input into {@code out}, as an operator runs it. */
  private int runBackfill() {
    return Main.execute(
        "backfill",
        "--input",
        input.resolve("events").toString(),
        "--output",
        out.toString(),
        "--parallelism",
        "2",
        "--hmac-key-file",
        keyFile.toString());
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  /** A generated person with the identity keys the tables hold for it (pseudonymised). */
  record Subject(GroundTruth.Person person, String personId, Set<String> keys) {}

  private Subject subject(GroundTruth.Person p) {
    Set<String> keys = new TreeSet<>();
    for (GroundTruth.IdentityValue v : p.identities()) {
      keys.add(v.namespace() + ":" + pseudonymiser.apply(v.namespace(), v.value()));
    }
    for (GroundTruth.SharedDevice d : truth.sharedDevices()) {
      if (d.owner().equals(p.person())) {
        keys.add(d.namespace() + ":" + d.value());
      }
    }
    IdentityKey canonical = Collections.min(keys.stream().map(IdentityKey::parse).toList());
    return new Subject(p, PersonIds.personId(canonical), keys);
  }

  private static String customerId(GroundTruth.Person p) {
    return p.identities().stream()
        .filter(v -> v.namespace().equals(Namespaces.CUSTOMER_ID))
        .map(GroundTruth.IdentityValue::value)
        .findFirst()
        .orElse(null);
  }

  private static String email(GroundTruth.Person p) {
    return p.identities().stream()
        .filter(v -> v.namespace().equals(Namespaces.EMAIL))
        .map(GroundTruth.IdentityValue::value)
        .findFirst()
        .orElse(null);
  }

  private long count(String sql) throws Exception {
    return Long.parseLong(Duck.rows(duck, sql).get(0).replace("|", ""));
  }

  private static String list(Set<String> values) {
    for (String v : values) {
      assertThat(v).matches(SAFE);
    }
    return values.isEmpty()
        ? "[]::VARCHAR[]"
        : values.stream().map(v -> "'" + v + "'").collect(Collectors.joining(", ", "[", "]"));
  }

  private static Set<String> values(Set<String> keys) {
    Set<String> v = new TreeSet<>();
    keys.forEach(k -> v.add(IdentityKey.parse(k).value()));
    return v;
  }

  /** A regular expression matching any of the values as a whole token. */
  private static String tokens(Set<String> values) {
    return "(^|[^A-Za-z0-9_.@+%-])(" + String.join("|", values) + ")($|[^A-Za-z0-9_.@+%-])";
  }

  private static boolean hasFiles(Path root, String table) throws Exception {
    Path t = root.resolve(table);
    if (!Files.isDirectory(t)) {
      return false;
    }
    try (Stream<Path> s = Files.walk(t)) {
      return s.anyMatch(p -> p.toString().endsWith(".parquet"));
    }
  }

  /** The rows of {@code sql}, sorted. */
  private List<String> sorted(String sql) throws Exception {
    List<String> rows = new ArrayList<>(Duck.rows(duck, sql));
    Collections.sort(rows);
    return rows;
  }

  /**
   * Per table, what must remain of {@code before} once the subjects are erased: every row but
   * theirs, with their identities taken out of other persons' events.
   */
  private String expected(Path before, String table, Set<String> persons, Set<String> keys)
      throws Exception {
    String src = Duck.table(before, table);
    String p = list(persons);
    String events =
        "(SELECT event_id FROM "
            + Duck.table(before, "events")
            + " WHERE list_contains("
            + p
            + ", person_id))";
    String ids = "list_transform(identities, lambda x: x.namespace || ':' || x.value)";
    return switch (table) {
      case "events" ->
          "SELECT * REPLACE (list_filter(identities, lambda x: NOT list_contains("
              + list(keys)
              + ", x.namespace || ':' || x.value)) AS identities) FROM "
              + src
              + " WHERE NOT list_contains("
              + p
              + ", person_id)";
      case "late_events" ->
          "SELECT * FROM "
              + src
              + " WHERE event_id NOT IN "
              + events
              + " AND NOT list_has_any("
              + ids
              + ", "
              + list(keys)
              + ")";
      case "journeys", "journey_matches", "friction", "attribution", "persons" ->
          "SELECT * FROM " + src + " WHERE NOT list_contains(" + p + ", person_id)";
      case "identity_merges" ->
          "SELECT * FROM "
              + src
              + " WHERE NOT list_contains("
              + p
              + ", old_person_id) AND NOT list_contains("
              + p
              + ", new_person_id) AND event_id NOT IN "
              + events
              + " AND NOT list_contains("
              + list(keys)
              + ", primary_identity) AND NOT list_contains("
              + list(keys)
              + ", other_identity)";
      case "dead_letters" ->
          "SELECT * FROM "
              + src
              + " WHERE (event_id IS NULL OR event_id NOT IN "
              + events
              + ") AND NOT regexp_matches(payload, '"
              + tokens(values(keys))
              + "')";
      default -> "SELECT * FROM " + src;
    };
  }

  /** Every file under the output but run summaries, claims and receipts: path → SHA-256. */
  private Map<String, String> checksums() throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        String rel = out.relativize(f).toString();
        boolean receipt = rel.startsWith("_erasures/") && !rel.endsWith(SuppressionList.FILE_NAME);
        if (!rel.startsWith("_runs") && !rel.startsWith("_writers") && !receipt) {
          m.put(
              rel,
              HexFormat.of()
                  .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
        }
      }
    }
    return m;
  }

  private Path copyOutput(String name) throws Exception {
    Path copy = dir.resolve(name);
    try (Stream<Path> s = Files.walk(out)) {
      for (Path f : s.toList()) {
        Path to = copy.resolve(out.relativize(f).toString());
        if (Files.isDirectory(f)) {
          Files.createDirectories(to);
        } else {
          Files.copy(f, to, StandardCopyOption.COPY_ATTRIBUTES);
        }
      }
    }
    return copy;
  }

  private List<String> suppressed() throws Exception {
    Path f = SuppressionList.defaultPath(out);
    if (!Files.exists(f)) {
      return List.of();
    }
    return Files.readAllLines(f).stream().filter(l -> !l.startsWith("#")).sorted().toList();
  }

  /**
   * Checks an erase of {@code subjects} against the copy {@code before}: gone everywhere, the rest
   * unchanged, and returns per table the rows removed and the rows redacted.
   */
  private Map<String, long[]> checkErased(Path before, List<Subject> subjects) throws Exception {
    Set<String> persons = new TreeSet<>();
    Set<String> keys = new TreeSet<>();
    subjects.forEach(
        s -> {
          persons.add(s.personId());
          keys.addAll(s.keys());
        });
    Set<String> eventIds =
        new TreeSet<>(
            Duck.rows(
                    duck,
                    "SELECT event_id FROM "
                        + Duck.table(before, "events")
                        + " WHERE list_contains("
                        + list(persons)
                        + ", person_id)")
                .stream()
                .map(r -> r.replace("|", ""))
                .toList());
    assertThat(eventIds).as("the subjects' events").isNotEmpty();
    Set<String> needles = new TreeSet<>(persons);
    needles.addAll(eventIds);
    needles.addAll(values(keys));
    Map<String, long[]> changes = new LinkedHashMap<>();
    for (String table : Table.allTables()) {
      if (!hasFiles(before, table)) {
        assertThat(hasFiles(out, table)).as(table).isFalse();
        changes.put(table, new long[] {0, 0});
        continue;
      }
      // 1. nothing of the subjects left: each row as text, all columns, lists, maps and payloads
      if (hasFiles(out, table)) {
        for (String n : needles) {
          assertThat(
                  count(
                      "SELECT count(*) FROM (SELECT t::VARCHAR AS s FROM "
                          + Duck.table(out, table)
                          + " t) WHERE contains(s, '"
                          + n
                          + "')"))
              .as("rows of %s holding %s", table, n)
              .isZero();
        }
      }
      // 2. the rest exactly as it was
      List<String> expected = sorted(expected(before, table, persons, keys));
      List<String> after =
          hasFiles(out, table) ? sorted("SELECT * FROM " + Duck.table(out, table)) : List.of();
      assertThat(after).as("the rows of %s", table).isEqualTo(expected);
      long removed = count("SELECT count(*) FROM " + Duck.table(before, table)) - after.size();
      long redacted =
          table.equals("events")
              ? count(
                  "SELECT count(*) FROM "
                      + Duck.table(before, table)
                      + " WHERE NOT list_contains("
                      + list(persons)
                      + ", person_id) AND list_has_any(list_transform(identities, lambda x: x.namespace"
                      + " || ':' || x.value), "
                      + list(keys)
                      + ")")
              : 0;
      changes.put(table, new long[] {removed, redacted});
      // 3. the same schema, and still readable as hive partitions
      if (hasFiles(out, table)) {
        assertThat(Duck.rows(duck, "DESCRIBE SELECT * FROM " + Duck.table(out, table)))
            .as("the schema of %s", table)
            .isEqualTo(Duck.rows(duck, "DESCRIBE SELECT * FROM " + Duck.table(before, table)));
        assertThat(
                count(
                    "SELECT count(*) FROM read_parquet('"
                        + out.resolve(table)
                        + "/*/*.parquet', hive_partitioning = 1)"))
            .isEqualTo(after.size());
      }
    }
    return changes;
  }

  private void checkReceipt(Path file, List<Subject> subjects, Map<String, long[]> changes)
      throws Exception {
    JsonNode r = JSON.readTree(file.toFile());
    assertThat(r.get("status").asText()).isEqualTo("ERASED");
    List<String> persons = new ArrayList<>();
    r.get("persons").forEach(n -> persons.add(n.asText()));
    assertThat(persons)
        .containsExactlyElementsOf(
            new TreeSet<>(subjects.stream().map(Subject::personId).toList()));
    Map<String, Integer> perNamespace = new TreeMap<>();
    subjects.forEach(
        s ->
            s.keys()
                .forEach(
                    k -> perNamespace.merge(IdentityKey.parse(k).namespace(), 1, Integer::sum)));
    assertThat(JSON.convertValue(r.get("identities"), Map.class)).isEqualTo(perNamespace);
    for (String table : Table.allTables()) {
      assertThat(r.get("rows_removed").get(table).asLong())
          .as("rows removed from %s", table)
          .isEqualTo(changes.get(table)[0]);
      assertThat(r.get("rows_redacted").get(table).asLong())
          .as("rows redacted in %s", table)
          .isEqualTo(changes.get(table)[1]);
    }
    // no identity value, raw or pseudonymised, in the receipt
    String text = Files.readString(file);
    for (Subject s : subjects) {
      for (String v : values(s.keys())) {
        assertThat(text).doesNotContain(v);
      }
      for (GroundTruth.IdentityValue v : s.person().identities()) {
        assertThat(text).doesNotContain(v.value().trim());
      }
    }
  }

  private static List<String> hashes(List<Subject> subjects) {
    return subjects.stream()
        .flatMap(s -> s.keys().stream())
        .map(SuppressionList::hash)
        .distinct()
        .sorted()
        .toList();
  }

  private CliTest.Run erase(String... args) {
    List<String> a = new ArrayList<>(List.of("erase", "--output", out.toString()));
    a.addAll(List.of(args));
    return CliTest.run(a.toArray(String[]::new));
  }

  /** Dead letters whose payload carries one of the subject's identity values. */
  private long deadLettersOf(Subject s) throws Exception {
    return count(
        "SELECT count(*) FROM "
            + Duck.table(out, "dead_letters")
            + " WHERE regexp_matches(payload, '"
            + tokens(values(s.keys()))
            + "')");
  }

  /**
   * The person to erase first: one with a customer id and at least three identities, chosen by the
   * most dead letters carrying its identities, then whether it owns a shared device (other persons'
   * events then carry its device), then the most events, then the label.
   */
  private Subject pickFirst() throws Exception {
    Subject best = null;
    long[] bestScore = null;
    Set<String> owners =
        truth.sharedDevices().stream()
            .filter(d -> !d.rejectedEventIds().isEmpty())
            .map(GroundTruth.SharedDevice::owner)
            .collect(Collectors.toSet());
    for (GroundTruth.Person p : truth.persons()) {
      if (customerId(p) == null || p.identities().size() < 3) {
        continue;
      }
      Subject s = subject(p);
      long events =
          count(
              "SELECT count(*) FROM "
                  + Duck.table(out, "events")
                  + " WHERE person_id = '"
                  + s.personId()
                  + "'");
      long[] score = {deadLettersOf(s) > 0 ? 1 : 0, owners.contains(p.person()) ? 1 : 0, events};
      if (bestScore == null || compare(score, bestScore) > 0) {
        best = s;
        bestScore = score;
      }
    }
    assertThat(best).isNotNull();
    assertThat(bestScore[0]).as("dead letters carrying the person's identities").isPositive();
    return best;
  }

  private static int compare(long[] a, long[] b) {
    for (int i = 0; i < a.length; i++) {
      int c = Long.compare(a[i], b[i]);
      if (c != 0) {
        return c;
      }
    }
    return 0;
  }

  /**
   * One test, in order, since each step works on what the one before left: refused while a backfill
   * runs, dry run, erase by customer id, the same again, a requests file (one person by email, one
   * by person id), an unknown identity.
   */
  @Test
  void erasesExactlyThePersonsRowsEverywhereOnceAndSuppressesTheirIdentities() throws Exception {
    Subject first = pickFirst();
    Map<String, String> filesBefore = checksums();
    String customer = "customer_id=" + customerId(first.person());

    // 1. a live backfill claim on any day: refused with exit 4, nothing changed
    try (OutputClaims.Claim other =
        OutputClaims.claimBackfill(
            out, "backfill-other", START.plusDays(2), START.plusDays(2), Instant.now())) {
      CliTest.Run busy = erase("--identity", customer);
      assertThat(busy.code()).as(busy.err()).isEqualTo(4);
      assertThat(busy.err().lines().toList()).hasSize(1);
      assertThat(busy.err()).contains("busy", "backfill-other");
    }
    assertThat(checksums()).isEqualTo(filesBefore);
    assertThat(out.resolve("_erasures")).doesNotExist();

    // 2. dry run: the plan, nothing changed
    CliTest.Run dry = erase("--identity", customer, "--dry-run");
    assertThat(dry.code()).as(dry.err()).isZero();
    assertThat(dry.out()).contains("would remove", "dry run: nothing removed");
    assertThat(checksums()).isEqualTo(filesBefore);
    assertThat(out.resolve("_erasures")).doesNotExist();

    // 3. erase by customer id
    Path before = copyOutput("before-1");
    CliTest.Run run = erase("--identity", customer, "--hmac-key-file", keyFile.toString());
    assertThat(run.code()).as(run.err()).isZero();
    Map<String, long[]> changes = checkErased(before, List.of(first));
    assertThat(changes.get("events")[0]).isPositive();
    assertThat(changes.get("dead_letters")[0])
        .as("dead letters carrying its identity")
        .isPositive();
    assertThat(changes.get("persons")[0]).isPositive();
    List<Path> receipts = receipts();
    assertThat(receipts).hasSize(1);
    String requestId = receipts.get(0).getFileName().toString().replace(".json", "");
    assertThat(requestId).matches("erase-[0-9a-f]{16}");
    checkReceipt(receipts.get(0), List.of(first), changes);
    assertThat(suppressed()).isEqualTo(hashes(List.of(first)));
    long total = changes.values().stream().mapToLong(c -> c[0]).sum();
    assertThat(run.out()).contains(String.format("removed            %,d rows", total));
    JsonNode summary = lastSummary("erase");
    assertThat(summary.get("erased").get("requests").get(0).asText()).isEqualTo(requestId);
    assertThat(summary.get("accounting").get("balanced").asBoolean()).isTrue();
    assertThat(out.resolve("_trash")).doesNotExist();
    assertThat(out.resolve("_staging")).doesNotExist();

    // 4. the same request again: no table file changes, a second receipt says nothing went
    Map<String, String> afterFirst = checksums();
    CliTest.Run again = erase("--identity", customer, "--hmac-key-file", keyFile.toString());
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(again.out()).contains("nothing to erase");
    assertThat(checksums()).isEqualTo(afterFirst);
    Path second = out.resolve("_erasures").resolve(requestId + "-2.json");
    JsonNode r2 = JSON.readTree(second.toFile());
    assertThat(r2.get("status").asText()).isEqualTo("NOTHING_TO_ERASE");
    for (String table : Table.allTables()) {
      assertThat(r2.get("rows_removed").get(table).asLong()).isZero();
      assertThat(r2.get("rows_redacted").get(table).asLong()).isZero();
    }
    assertThat(suppressed()).isEqualTo(hashes(List.of(first)));

    // 5. a requests file: one person by email (raw, pseudonymised by erase), and by person id the
    // owner of a shared device, whose device other persons' events carry (rejected links)
    GroundTruth.SharedDevice shared =
        truth.sharedDevices().stream()
            .filter(
                d -> !d.rejectedEventIds().isEmpty() && !d.owner().equals(first.person().person()))
            .findFirst()
            .orElseThrow();
    Subject owner = subject(truth.person(shared.owner()));
    List<Subject> others = new ArrayList<>();
    for (GroundTruth.Person p : truth.persons()) {
      Subject s = subject(p);
      if (s.personId().equals(first.personId())
          || s.personId().equals(owner.personId())
          || customerId(p) == null
          || email(p) == null) {
        continue;
      }
      if (count(
              "SELECT count(*) FROM "
                  + Duck.table(out, "events")
                  + " WHERE person_id = '"
                  + s.personId()
                  + "'")
          >= 5) {
        others.add(s);
        break;
      }
    }
    others.add(owner);
    assertThat(others).hasSize(2);
    Path requests =
        Files.writeString(
            dir.resolve("requests.jsonl"),
            "{\"request_id\":\"dsr-2\",\"identity\":[\""
                + "email="
                + email(others.get(0).person()).replace("\"", "\\\"")
                + "\"]}\n\n{\"request_id\":\"dsr-3\",\"person\":\""
                + others.get(1).personId()
                + "\"}\n");
    Path before2 = copyOutput("before-2");
    Set<String> erasedEvents = new TreeSet<>(eventsOf(before, List.of(first)));
    CliTest.Run file =
        erase("--requests", requests.toString(), "--hmac-key-file", keyFile.toString());
    assertThat(file.code()).as(file.err()).isZero();
    Map<String, long[]> changes2 = checkErased(before2, others);
    JsonNode d2 = JSON.readTree(out.resolve("_erasures/dsr-2.json").toFile());
    JsonNode d3 = JSON.readTree(out.resolve("_erasures/dsr-3.json").toFile());
    for (String table : Table.allTables()) {
      assertThat(
              d2.get("rows_removed").get(table).asLong()
                  + d3.get("rows_removed").get(table).asLong())
          .as("rows removed from %s by both requests", table)
          .isEqualTo(changes2.get(table)[0]);
    }
    assertThat(d2.get("persons").get(0).asText()).isEqualTo(others.get(0).personId());
    assertThat(d3.get("persons").get(0).asText()).isEqualTo(others.get(1).personId());
    assertThat(changes2.get("events")[1])
        .as("other persons' events that carried the owner's shared device")
        .isEqualTo(shared.rejectedEventIds().size());
    assertThat(d3.get("rows_redacted").get("events").asLong())
        .isEqualTo(shared.rejectedEventIds().size());
    List<Subject> all = List.of(first, others.get(0), others.get(1));
    assertThat(suppressed()).isEqualTo(hashes(all));

    // 6. an identity nobody holds: nothing to erase, exit 0, suppressed all the same
    Map<String, String> filesNow = checksums();
    CliTest.Run unknown =
        erase("--identity", "cookie_id=ck_never_seen", "--request-id", "dsr-unknown");
    assertThat(unknown.code()).as(unknown.err()).isZero();
    assertThat(unknown.out()).contains("nothing to erase");
    Map<String, String> expectedFiles = new TreeMap<>(filesNow);
    expectedFiles.remove("_erasures/" + SuppressionList.FILE_NAME);
    Map<String, String> filesAfter = checksums();
    filesAfter.remove("_erasures/" + SuppressionList.FILE_NAME);
    assertThat(filesAfter).isEqualTo(expectedFiles);
    assertThat(suppressed()).contains(SuppressionList.hash("cookie_id:ck_never_seen"));
    assertThat(suppressed()).hasSize(hashes(all).size() + 1);
    JsonNode ru = JSON.readTree(out.resolve("_erasures/dsr-unknown.json").toFile());
    assertThat(ru.get("status").asText()).isEqualTo("NOTHING_TO_ERASE");
    assertThat(ru.get("unknown_identities").asInt()).isEqualTo(1);

    // 7. a full re-run of the backfill over the same input: none of them comes back, and every
    // record that carries one of their identities (events, duplicates, other persons' events that
    // carried the shared device, dead letters) is counted as suppressed
    erasedEvents.addAll(eventsOf(before2, others));
    Set<String> keys = new TreeSet<>();
    Set<String> persons = new TreeSet<>();
    for (Subject s : all) {
      keys.addAll(s.keys());
      persons.add(s.personId());
    }
    assertThat(runBackfill()).isZero();
    Set<String> needles = new TreeSet<>(persons);
    needles.addAll(erasedEvents);
    needles.addAll(values(keys));
    for (String table : Table.allTables()) {
      if (!hasFiles(out, table)) {
        continue;
      }
      for (String n : needles) {
        assertThat(
                count(
                    "SELECT count(*) FROM (SELECT t::VARCHAR AS s FROM "
                        + Duck.table(out, table)
                        + " t) WHERE contains(s, '"
                        + n
                        + "')"))
            .as("rows of %s holding %s after the re-run", table, n)
            .isZero();
      }
    }
    JsonNode rerun = lastSummary("backfill");
    long carrying = recordsCarrying(values(keys));
    assertThat(carrying).isGreaterThan(erasedEvents.size());
    assertThat(rerun.get("accounting").get("suppressed").asLong()).isEqualTo(carrying);
    assertThat(rerun.get("accounting").get("balanced").asBoolean()).isTrue();
    assertThat(rerun.get("suppression_list_identities").asInt()).isEqualTo(hashes(all).size() + 1);

    // 8. while a stream job runs on the output, the days it may still write are left pending
    // (exit 5): the earlier days are erased, the later ones not touched; once the job has moved
    // on, the same erase finishes the work
    Subject fourth = null;
    String day = null;
    for (GroundTruth.Person p : truth.persons()) {
      Subject s = subject(p);
      if (customerId(p) == null || persons.contains(s.personId())) {
        continue;
      }
      List<String> days =
          Duck.rows(
              duck,
              "SELECT DISTINCT strftime(event_time AT TIME ZONE 'UTC', '%Y-%m-%d') AS d FROM "
                  + Duck.table(out, "events")
                  + " WHERE person_id = '"
                  + s.personId()
                  + "' ORDER BY d");
      if (days.size() >= 3) {
        fourth = s;
        day = days.get(days.size() / 2).replace("|", "");
        break;
      }
    }
    assertThat(fourth).as("a person with events on three days").isNotNull();
    Instant now = Instant.now();
    OutputClaims.writeStreamLease(
        out,
        "stream-live",
        now,
        LocalDate.parse(day).atStartOfDay(java.time.ZoneOffset.UTC).toInstant(),
        java.time.Duration.ZERO,
        java.time.Duration.ofHours(1));
    Path before3 = copyOutput("before-3");
    Map<String, String> held = heldChecksums(day);
    String fourthCustomer = "customer_id=" + customerId(fourth.person());
    CliTest.Run partial = erase("--identity", fourthCustomer, "--request-id", "dsr-4");
    assertThat(partial.code()).as(partial.err()).isEqualTo(EraseCommand.EXIT_PENDING);
    assertThat(partial.out()).contains("pending", "in the days from " + day + " on");
    assertThat(heldChecksums(day)).as("the partitions the stream job holds").isEqualTo(held);
    assertThat(
            count(
                "SELECT count(*) FROM "
                    + Duck.table(out, "events")
                    + " WHERE person_id = '"
                    + fourth.personId()
                    + "' AND event_time < TIMESTAMPTZ '"
                    + day
                    + " 00:00:00+00'"))
        .as("its events before the held days")
        .isZero();
    assertThat(suppressed()).containsAll(hashes(List.of(fourth)));
    JsonNode p4 = JSON.readTree(out.resolve("_erasures/dsr-4.json").toFile());
    assertThat(p4.get("status").asText()).isEqualTo("PENDING");
    assertThat(p4.get("pending_from").asText()).isEqualTo(day);
    long pending = 0;
    for (JsonNode n : p4.get("rows_pending")) {
      pending += n.asLong();
    }
    assertThat(pending).isPositive();
    assertThat(lastSummary("erase").get("status").asText()).isEqualTo("PENDING");

    OutputClaims.removeStreamLease(out, "stream-live");
    CliTest.Run rest = erase("--identity", fourthCustomer, "--request-id", "dsr-4");
    assertThat(rest.code()).as(rest.err()).isZero();
    Map<String, long[]> changes4 = checkErased(before3, List.of(fourth));
    JsonNode r4 = JSON.readTree(out.resolve("_erasures/dsr-4-2.json").toFile());
    assertThat(r4.get("status").asText()).isEqualTo("ERASED");
    long finished = 0;
    for (String table : Table.allTables()) {
      long both =
          p4.get("rows_removed").get(table).asLong() + r4.get("rows_removed").get(table).asLong();
      assertThat(both)
          .as("rows of %s removed by the two runs", table)
          .isEqualTo(changes4.get(table)[0]);
      finished +=
          r4.get("rows_removed").get(table).asLong() + r4.get("rows_redacted").get(table).asLong();
    }
    assertThat(finished)
        .as("the second run removes what the first left pending")
        .isEqualTo(pending);
  }

  /** Checksums of the table files in partitions dated {@code day} or later. */
  private Map<String, String> heldChecksums(String day) throws Exception {
    Map<String, String> m = new TreeMap<>();
    checksums()
        .forEach(
            (f, sum) -> {
              int i = f.indexOf("/dt=");
              if (i > 0 && f.substring(i + 4, i + 14).compareTo(day) >= 0) {
                m.put(f, sum);
              }
            });
    assertThat(m).isNotEmpty();
    return m;
  }

  /** The event ids of the subjects' persons in an output. */
  private List<String> eventsOf(Path output, List<Subject> subjects) throws Exception {
    List<String> persons = subjects.stream().map(Subject::personId).toList();
    return Duck.rows(
            duck,
            "SELECT event_id FROM "
                + Duck.table(output, "events")
                + " WHERE list_contains("
                + list(new TreeSet<>(persons))
                + ", person_id)")
        .stream()
        .map(r -> r.replace("|", ""))
        .toList();
  }

  /**
   * Input records (lines of the generated JSON Lines files) that hold one of {@code values} as a
   * whole token once email and phone values are pseudonymised, as a dead letter's payload is.
   */
  private long recordsCarrying(Set<String> values) throws Exception {
    PayloadRedactor redactor = new PayloadRedactor(pseudonymiser);
    long n = 0;
    try (Stream<Path> files = Files.walk(input.resolve("events"))) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.UTF_8);
        for (String line : text.split("\n")) {
          if (line.isBlank()) {
            continue;
          }
          String redacted = redactor.redact(line);
          if (values.stream().anyMatch(v -> PayloadTokens.contains(redacted, v))) {
            n++;
          }
        }
      }
    }
    return n;
  }

  private List<Path> receipts() throws Exception {
    try (Stream<Path> s = Files.list(out.resolve("_erasures"))) {
      return s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
  }

  private JsonNode lastSummary(String mode) throws Exception {
    JsonNode last = null;
    try (Stream<Path> s = Files.list(out.resolve("_runs"))) {
      for (Path p : s.sorted().toList()) {
        JsonNode n = JSON.readTree(p.toFile());
        if (n.get("mode").asText().equals(mode)) {
          last = n;
        }
      }
    }
    return last;
  }
}
