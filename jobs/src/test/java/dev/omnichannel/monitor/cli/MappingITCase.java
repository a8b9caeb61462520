package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example mappings of {@code examples/mappings/} through the real {@code backfill
 * --mapping} command: a contact centre's call log (CSV), a point-of-sale receipt export (fixed
 * width) and an email service provider's activity export (TSV). Each sample holds a few rows that
 * do not fit; the events, the dead letters with their reasons and the balanced accounting are read
 * back exactly, with DuckDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MappingITCase {
  private static final Path EXAMPLES =
      Path.of("..", "examples", "mappings").toAbsolutePath().normalize();
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path dir;
  private Path key;
  private Connection duck;

  @BeforeAll
  void setUp(@TempDir Path dir) throws Exception {
    this.dir = dir;
    key = Files.writeString(dir.resolve("hmac.key"), "mapping-itcase-hmac-key-0123456789\n");
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  /** Runs the example {@code sample} with {@code mapping}; returns the output and its summary. */
  private Path backfill(String sample, String mapping) throws Exception {
    Path out = dir.resolve("out-" + mapping.replace(".yaml", ""));
    int code =
        Main.execute(
            "backfill",
            "--input",
            EXAMPLES.resolve(sample).toString(),
            "--mapping",
            EXAMPLES.resolve(mapping).toString(),
            "--output",
            out.toString(),
            "--parallelism",
            "1",
            "--hmac-key-file",
            key.toString());
    assertThat(code).isZero();
    return out;
  }

  private static JsonNode summary(Path out) throws Exception {
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      return JSON.readTree(runs.sorted().reduce((a, b) -> b).orElseThrow().toFile());
    }
  }

  private static void assertAccounting(
      Path out, long input, long accepted, long duplicates, long dead) throws Exception {
    JsonNode a = summary(out).get("accounting");
    assertThat(a.get("input_records").asLong()).isEqualTo(input);
    assertThat(a.get("accepted_events").asLong()).isEqualTo(accepted);
    assertThat(a.get("duplicates").asLong()).isEqualTo(duplicates);
    assertThat(a.get("dead_letters").asLong()).isEqualTo(dead);
    assertThat(a.get("out_of_range").asLong()).isZero();
    assertThat(a.get("suppressed").asLong()).isZero();
    assertThat(a.get("balanced").asBoolean()).isTrue();
  }

  /** The dead letters as {@code line|reason|}, the line taken from the source {@code file:line}. */
  private List<String> deadLetters(Path out) throws Exception {
    return Duck.rows(
        duck,
        "SELECT regexp_extract(source, ':([0-9]+)$', 1)::INT AS line, reason FROM "
            + Duck.table(out, "dead_letters")
            + " ORDER BY line");
  }

  @Test
  void contactCentreCallLog() throws Exception {
    Path out = backfill("contact-centre-calls.csv", "contact-centre.yaml");
    assertAccounting(out, 12, 8, 0, 4);
    // the header is line 1: data rows start at line 2
    assertThat(deadLetters(out))
        .containsExactly(
            "8|mapping: column wrap_up value \"ZZZ\": not a known value for outcome (expected one"
                + " of RES, FCR, CB, ESC, XFER, AB)|",
            "9|mapping: column started_at value \"31/02/2026 12:10:00\": not a time in format"
                + " dd/MM/yyyy HH:mm:ss|",
            "10|mapping: column csat value \"n/a\": not a number (sentiment)|",
            "11|no_usable_identity: 0 identities, none usable (empty or placeholder values)|");
    assertThat(
            Duck.rows(
                duck,
                "SELECT event_id, strftime(event_time, '%Y-%m-%dT%H:%M:%S'), channel, event_type,"
                    + " source_system, topic, outcome, sentiment, attributes['agent'],"
                    + " attributes['talk_time_s'] FROM "
                    + Duck.table(out, "events")
                    + " ORDER BY event_id"))
        .containsExactly(
            "CC-20260105-0001|2026-01-05T08:02:11|VOICE|CONTACT_END|contact-centre|delivery"
                + "|RESOLVED|1.0|agent.khan|312|",
            "CC-20260105-0002|2026-01-05T08:17:45|VOICE|CONTACT_END|contact-centre|billing"
                + "|ESCALATED|-0.5|agent.osei|845|",
            "CC-20260105-0003|2026-01-05T09:03:02|VOICE|CONTACT_END|contact-centre|returns"
                + "|RESOLVED|0.5|agent.khan|204|",
            "CC-20260105-0004|2026-01-05T09:41:30|VOICE|CONTACT_END|contact-centre|delivery"
                + "|UNRESOLVED|0.0|agent.price|390|",
            "CC-20260105-0005|2026-01-05T10:05:59|VOICE|CONTACT_END|contact-centre|order_status"
                + "|TRANSFERRED|null|agent.osei|130|",
            "CC-20260105-0006|2026-01-05T10:22:13|VOICE|CONTACT_END|contact-centre|order_status"
                + "|ABANDONED|null|agent.nowak|0|",
            // British Summer Time: 14:15 in London is 13:15 UTC; an unknown queue is "other"
            "CC-20260705-0011|2026-07-05T13:15:00|VOICE|CONTACT_END|contact-centre|other"
                + "|RESOLVED|-1.0|agent.khan|610|",
            "CC-20260705-0012|2026-07-05T15:45:31|VOICE|CONTACT_END|contact-centre|delivery"
                + "|RESOLVED|1.0|agent.price|95|");
    // the caller's number is pseudonymised like any phone; customer numbers are kept
    assertThat(
            Duck.rows(
                duck,
                "SELECT list_sort([i.namespace || ':' || CASE WHEN i.namespace = 'phone' THEN"
                    + " (i.value LIKE '%7700%')::VARCHAR ELSE i.value END FOR i IN identities])"
                    + " FROM "
                    + Duck.table(out, "events")
                    + " WHERE event_id = 'CC-20260105-0001'"))
        .containsExactly("['customer_id:C100231', 'phone:false']|");
    // the two calls of the same caller are one person
    assertThat(
            Duck.rows(
                duck,
                "SELECT count(DISTINCT person_id) FROM "
                    + Duck.table(out, "events")
                    + " WHERE event_id IN ('CC-20260105-0001', 'CC-20260105-0004')"))
        .containsExactly("1|");
  }

  @Test
  void pointOfSaleReceipts() throws Exception {
    Path out = backfill("pos-receipts.txt", "pos-receipts.yaml");
    assertAccounting(out, 10, 7, 0, 3);
    assertThat(deadLetters(out))
        .containsExactly(
            "2|no_usable_identity: 0 identities, none usable (empty or placeholder values)|",
            "6|mapping: column basket_cents value \"00012A990\": not a number (value)|",
            "7|mapping: column txn_type value \"X\": not a known value for event_type (expected one"
                + " of S, R)|");
    assertThat(
            Duck.rows(
                duck,
                "SELECT event_id, strftime(event_time, '%Y-%m-%dT%H:%M:%S'), channel, event_type,"
                    + " order_id, value, currency, identities[1].namespace, identities[1].value,"
                    + " attributes['store'], attributes['items'] FROM "
                    + Duck.table(out, "events")
                    + " ORDER BY event_id"))
        .containsExactly(
            // Berlin is UTC+1 in January, UTC+2 in July
            "S012-01-000117|2026-01-05T09:15:02|STORE|PURCHASE|S012-01-000117|129.99|EUR"
                + "|loyalty_id|LC4410007845|S012|006|",
            "S012-03-000481|2026-01-05T08:30:12|STORE|PURCHASE|S012-03-000481|59.9|EUR"
                + "|loyalty_id|LC4410002231|S012|003|",
            "S027-02-000930|2026-01-05T10:11:45|STORE|PURCHASE|S027-02-000930|24.8|EUR"
                + "|loyalty_id|LC4410002231|S027|002|",
            "S027-02-000931|2026-01-05T10:18:20|STORE|REFUND|S027-02-000931|24.8|EUR"
                + "|loyalty_id|LC4410002231|S027|002|",
            "S031-01-000050|2026-01-05T14:40:01|STORE|PURCHASE|S031-01-000050|345.5|EUR"
                + "|loyalty_id|LC4410010020|S031|011|",
            "S031-02-000077|2026-01-05T16:02:59|STORE|PURCHASE|S031-02-000077|8.99|EUR"
                + "|loyalty_id|LC4410011337|S031|001|",
            "S031-02-000078|2026-07-05T15:15:33|STORE|PURCHASE|S031-02-000078|44.0|EUR"
                + "|loyalty_id|LC4410011337|S031|003|");
  }

  @Test
  void emailServiceProviderActivity() throws Exception {
    Path out = backfill("esp-activity.tsv", "esp-activity.yaml");
    // the repeated click row is a duplicate of the first: same message, activity and second
    assertAccounting(out, 11, 7, 1, 3);
    assertThat(deadLetters(out))
        .containsExactly(
            "10|mapping: column event value \"spamreport\": not a known value for event_type"
                + " (expected one of send, open, click, bounce, unsubscribe)|",
            "11|mapping: column timestamp value \"2026-01-06\": not a time in format"
                + " epoch_seconds|",
            "12|mapping: row has 3 columns, expected 7|");
    // the dead letters' payloads are the rows, with their e-mail addresses pseudonymised
    assertThat(
            Duck.rows(
                duck,
                "SELECT count(*) FROM "
                    + Duck.table(out, "dead_letters")
                    + " WHERE payload LIKE '%@example%'"))
        .containsExactly("0|");
    assertThat(
            Duck.rows(
                duck,
                "SELECT event_id, strftime(event_time, '%Y-%m-%dT%H:%M:%S'), channel, event_type,"
                    + " campaign, attributes['esp_event'], attributes['bounce_type'] FROM "
                    + Duck.table(out, "events")
                    + " ORDER BY event_time, event_id"))
        .containsExactly(
            "m-7f3a01:send:1767603600|2026-01-05T09:00:00|EMAIL|OTHER|jan-winter-sale|send|null|",
            "m-7f3a02:send:1767603600|2026-01-05T09:00:00|EMAIL|OTHER|jan-winter-sale|send|null|",
            "m-7f3a03:send:1767603600|2026-01-05T09:00:00|EMAIL|OTHER|jan-winter-sale|send|null|",
            "m-7f3a02:bounce:1767603611|2026-01-05T09:00:11|EMAIL|ERROR|jan-winter-sale|bounce"
                + "|hard|",
            "m-7f3a01:open:1767607215|2026-01-05T10:00:15|EMAIL|EMAIL_OPEN|jan-winter-sale|open"
                + "|null|",
            "m-7f3a01:click:1767607290|2026-01-05T10:01:30|EMAIL|EMAIL_CLICK|jan-winter-sale"
                + "|click|null|",
            "m-7f3a03:unsubscribe:1767690000|2026-01-06T09:00:00|EMAIL|OTHER|jan-winter-sale"
                + "|unsubscribe|null|");
    // one address, one person: the send, open and click of the first message
    assertThat(
            Duck.rows(
                duck,
                "SELECT count(DISTINCT person_id), count(*) FROM "
                    + Duck.table(out, "events")
                    + " WHERE event_id LIKE 'm-7f3a01:%'"))
        .containsExactly("1|3|");
  }
}
