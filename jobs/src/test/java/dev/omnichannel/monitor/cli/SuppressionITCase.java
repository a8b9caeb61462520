package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import dev.omnichannel.monitor.identity.SuppressionList;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backfill re-run after an erasure, through the real {@code backfill} command: the erased
 * person's identities (taken from the first run's events table, pseudonymised as written) go on the
 * suppression list; a full re-run over the same input, into a fresh output with {@code
 * --suppression-list} and into the same output with the list at its default place, has no row of
 * the person in any table, counts exactly the input records carrying one of the person's identities
 * (its duplicates included) as suppressed, balances, and leaves every other person's rows as they
 * were.
 */
class SuppressionITCase {
  private static final String KEY = "suppression-itcase-hmac-key-0123456789";
  private static final Pseudonymiser P = new Pseudonymiser(KEY.getBytes(StandardCharsets.UTF_8));
  private static final String X = PersonIds.personId(IdentityKey.parse("customer_id:cx"));

  private static final List<String> TABLES =
      List.of(
          "events",
          "journeys",
          "journey_matches",
          "friction",
          "attribution",
          "attribution_channel",
          "identity_merges",
          "persons",
          "dead_letters");

  private static String event(String id, String time, String channel, String type, String ids) {
    return "{\"event_id\":\""
        + id
        + "\",\"event_time\":\""
        + time
        + "\",\"channel\":\""
        + channel
        + "\",\"event_type\":\""
        + type
        + "\",\"identities\":["
        + ids
        + "]"
        + (type.equals("PURCHASE") ? ",\"value\":30.0" : "")
        + "}\n";
  }

  private static String id(String ns, String value) {
    return "{\"namespace\":\"" + ns + "\",\"value\":\"" + value + "\"}";
  }

  @Test
  void aReRunAfterAnErasureShouldHaveNoneOfThePersonAndCountThemSuppressed(@TempDir Path dir)
      throws Exception {
    String x = id("customer_id", "cx") + "," + id("email", "X@Example.com");
    String y = id("customer_id", "cy") + "," + id("cookie_id", "ky");
    Path input = dir.resolve("events.jsonl");
    Files.writeString(
        input,
        // X: 5 records carry one of X's identities (one a duplicate, one by cookie only)
        event("x1", "2026-03-02T10:00:00Z", "WEB", "PRODUCT_VIEW", x + "," + id("cookie_id", "kx"))
            + event("x2", "2026-03-02T10:05:00Z", "WEB", "ADD_TO_CART", x)
            + event("x2", "2026-03-02T10:06:00Z", "WEB", "ADD_TO_CART", x)
            + event("x3", "2026-03-02T12:00:00Z", "CHAT", "CONTACT_START", x)
            + event("x4", "2026-03-03T09:00:00Z", "WEB", "PAGE_VIEW", id("cookie_id", "kx"))
            // Y and Z: not erased
            + event("y1", "2026-03-02T11:00:00Z", "WEB", "PRODUCT_VIEW", y)
            + event("y2", "2026-03-02T11:30:00Z", "EMAIL", "EMAIL_CLICK", y)
            + event("y3", "2026-03-03T11:45:00Z", "WEB", "PURCHASE", y)
            + event("y3", "2026-03-03T11:45:00Z", "WEB", "PURCHASE", y)
            + event("z1", "2026-03-02T13:00:00Z", "STORE", "STORE_VISIT", id("loyalty_id", "lz"))
            + event("z2", "2026-03-04T08:00:00Z", "WEB", "PURCHASE", id("loyalty_id", "lz"))
            + "{\"event_id\":\"bad\"}\n");
    Path key = Files.writeString(dir.resolve("hmac.key"), KEY + "\n");
    Path first = dir.resolve("first");
    assertThat(backfill(input, key, first)).isZero();

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      // the person's identities, as the output holds them (email pseudonymised)
      List<String> keys =
          Duck.rows(
                  duck,
                  "SELECT DISTINCT i.namespace || ':' || i.value FROM (SELECT unnest(identities) AS"
                      + " i FROM "
                      + Duck.table(first, "events")
                      + " WHERE person_id = '"
                      + X
                      + "') ORDER BY 1")
              .stream()
              .map(r -> r.substring(0, r.length() - 1))
              .toList();
      assertThat(keys)
          .containsExactly("cookie_id:kx", "customer_id:cx", "email:" + P.hmacHex("x@example.com"));
      assertThat(personRows(duck, first)).isPositive();
      java.util.Map<String, List<String>> othersBefore = new java.util.TreeMap<>();
      for (String table : OTHERS) {
        othersBefore.put(table, others(duck, first, table));
      }
      assertThat(othersBefore.get("events")).hasSize(5);
      assertThat(othersBefore.get("persons")).hasSize(2);

      Path list = SuppressionList.defaultPath(first);
      assertThat(SuppressionList.add(list, keys)).isEqualTo(3);

      // a replay into another output, pointed at the list
      Path second = dir.resolve("second");
      assertThat(backfill(input, key, second, "--suppression-list", list.toString())).isZero();
      // a re-run into the same output: the list at its default place applies
      assertThat(backfill(input, key, first)).isZero();

      for (Path out : List.of(second, first)) {
        RunSummary s = lastSummary(out);
        assertThat(s.status).isEqualTo("SUCCEEDED");
        assertThat(s.accounting.balanced()).isTrue();
        assertThat(s.accounting.inputRecords).isEqualTo(12);
        assertThat(s.accounting.suppressed).as("x1, x2 twice, x3, x4").isEqualTo(5);
        assertThat(s.accounting.duplicates).as("y3's copy; x2's copy is suppressed").isEqualTo(1);
        assertThat(s.accounting.deadLetters).isEqualTo(1);
        assertThat(s.accounting.acceptedEvents).isEqualTo(5);
        assertThat(s.suppressionListIdentities).isEqualTo(3);
        assertThat(personRows(duck, out)).as("rows of the erased person in " + out).isZero();
        assertThat(
                Duck.rows(
                    duck,
                    "SELECT event_id FROM "
                        + Duck.table(out, "events")
                        + " WHERE event_id LIKE 'x%'"))
            .isEmpty();
        assertThat(Duck.rows(duck, out, "events", "event_id"))
            .containsExactly("y1|", "y2|", "y3|", "z1|", "z2|");
      }
      // every other person's rows are exactly those of the run before the erasure
      for (String table : OTHERS) {
        assertThat(others(duck, second, table)).as(table).isEqualTo(othersBefore.get(table));
      }
      // and both re-runs wrote the same tables
      for (String table : TABLES) {
        assertThat(rowsOf(duck, second, table)).as(table).isEqualTo(rowsOf(duck, first, table));
      }
      assertThat(Duck.count(duck, second, "journeys")).isEqualTo(2);
      assertThat(Duck.count(duck, second, "persons")).isEqualTo(2);
    }
  }

  /** Tables whose rows carry a person_id. */
  private static final List<String> OTHERS =
      List.of("events", "journeys", "journey_matches", "friction", "attribution", "persons");

  /** The rows of {@code table} of every person but the erased one. */
  private static List<String> others(Connection duck, Path out, String table) throws Exception {
    if (rowsOf(duck, out, table).isEmpty()) {
      return List.of();
    }
    return Duck.rows(
        duck,
        "SELECT "
            + Duck.comparable(table)
            + " FROM "
            + Duck.table(out, table)
            + " WHERE person_id <> '"
            + X
            + "' ORDER BY ALL");
  }

  /** The comparable rows of {@code table}; none when no file of it exists. */
  private static List<String> rowsOf(Connection duck, Path out, String table) throws Exception {
    try (Stream<Path> files =
        Files.exists(out.resolve(table)) ? Files.walk(out.resolve(table)) : Stream.empty()) {
      if (files.noneMatch(f -> f.toString().endsWith(".parquet"))) {
        return List.of();
      }
    }
    return Duck.comparableRows(duck, out, table);
  }

  /** Rows of the erased person in the person-bearing tables of {@code out}. */
  private static long personRows(Connection duck, Path out) throws Exception {
    long n = 0;
    for (String table :
        List.of("events", "journeys", "journey_matches", "friction", "attribution", "persons")) {
      if (rowsOf(duck, out, table).isEmpty()) {
        continue;
      }
      n +=
          Long.parseLong(
              Duck.rows(
                      duck,
                      "SELECT count(*) FROM "
                          + Duck.table(out, table)
                          + " WHERE person_id = '"
                          + X
                          + "'")
                  .get(0)
                  .replace("|", ""));
    }
    if (!rowsOf(duck, out, "identity_merges").isEmpty()) {
      n +=
          Long.parseLong(
              Duck.rows(
                      duck,
                      "SELECT count(*) FROM "
                          + Duck.table(out, "identity_merges")
                          + " WHERE old_person_id = '"
                          + X
                          + "' OR new_person_id = '"
                          + X
                          + "'")
                  .get(0)
                  .replace("|", ""));
    }
    return n;
  }

  private static int backfill(Path input, Path key, Path out, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "backfill",
                "--input",
                input.toString(),
                "--output",
                out.toString(),
                "--parallelism",
                "2",
                "--hmac-key-file",
                key.toString()));
    args.addAll(List.of(more));
    return Main.execute(args.toArray(String[]::new));
  }

  private static RunSummary lastSummary(Path out) throws Exception {
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      List<Path> summaries = runs.filter(p -> p.toString().endsWith(".json")).sorted().toList();
      return RunSummary.read(summaries.get(summaries.size() - 1));
    }
  }
}
