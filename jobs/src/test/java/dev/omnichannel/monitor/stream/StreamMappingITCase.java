package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stream --mapping TOPIC=FILE} on a real broker: one topic carries the example call log's
 * rows (CSV, one row per value, no header), another an e-mail service provider's activity as JSON
 * objects (a {@code format: json} mapping). One bounded stream job reads both; each topic's events
 * and dead letters are those of {@code backfill --mapping} over a file of the same rows (batch and
 * stream agree), a row that does not fit is a dead letter naming the column and the value with the
 * record's topic, partition and offset as its source, and the books balance.
 */
class StreamMappingITCase {
  private static final Path EXAMPLES =
      Path.of("..", "examples", "mappings").toAbsolutePath().normalize();
  private static final String KEY = "stream-mapping-itcase-hmac-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The example ESP mapping, for JSON objects whose fields are the TSV's columns. */
  private static final String ESP_JSON =
      """
      format: json
      columns: [message_id, event, timestamp, email, campaign, url, bounce_type]
      fields:
        event_id: {columns: [message_id, event, timestamp], separator: ":"}
        event_time: {column: timestamp, format: epoch_seconds}
        channel: {constant: EMAIL}
        event_type:
          column: event
          values: {send: OTHER, open: EMAIL_OPEN, click: EMAIL_CLICK, bounce: ERROR, unsubscribe: OTHER}
        source_system: {constant: esp}
        campaign: campaign
      identities:
        - {namespace: email, column: email}
      attributes:
        esp_event: event
        url: url
        bounce_type: bounce_type
      """;

  @Test
  void mappedTopicsGiveTheEventsAndDeadLettersOfTheSameRowsInABackfill(@TempDir Path dir)
      throws Exception {
    Path keyFile = Files.writeString(dir.resolve("hmac.key"), KEY + "\n");
    Path callsMapping = EXAMPLES.resolve("contact-centre.yaml");
    Path espMapping = Files.writeString(dir.resolve("esp-json.yaml"), ESP_JSON);

    // the call log's rows, without the header line: one Kafka value per row
    List<String> callLines =
        Files.readAllLines(EXAMPLES.resolve("contact-centre-calls.csv"), StandardCharsets.UTF_8);
    List<String> calls = callLines.subList(1, callLines.size());
    Path callsFile = Files.write(dir.resolve("calls.csv"), callLines, StandardCharsets.UTF_8);

    // the ESP's activity as JSON objects (empty cells left out), and a value that is not JSON
    List<String> esp = new ArrayList<>();
    List<String> tsv =
        Files.readAllLines(EXAMPLES.resolve("esp-activity.tsv"), StandardCharsets.UTF_8);
    String[] columns = tsv.get(0).split("\t");
    for (String line : tsv.subList(1, tsv.size())) {
      String[] cells = line.split("\t", -1);
      ObjectNode o = JSON.createObjectNode();
      for (int i = 0; i < cells.length; i++) {
        if (!cells[i].isEmpty()) {
          o.put(columns[i], cells[i]);
        }
      }
      esp.add(o.toString());
    }
    esp.add("message_id=m-7f3a09 event=open");
    Path espFile = Files.write(dir.resolve("esp.jsonl"), esp, StandardCharsets.UTF_8);

    try (KafkaBroker broker = KafkaBroker.start();
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      broker.createTopic("calls", 1);
      broker.createTopic("esp", 1);
      broker.produce("calls", 0, bytes(calls));
      broker.produce("esp", 0, bytes(esp));

      Path callsOut = backfill(callsFile, callsMapping, dir.resolve("backfill-calls"), keyFile);
      Path espOut = backfill(espFile, espMapping, dir.resolve("backfill-esp"), keyFile);

      Path out = dir.resolve("stream");
      assertThat(
              Main.execute(
                  "stream",
                  "--bootstrap-servers",
                  broker.bootstrapServers(),
                  "--topic",
                  "calls",
                  "--topic",
                  "esp",
                  "--mapping",
                  "calls=" + callsMapping,
                  "--mapping",
                  "esp=" + espMapping,
                  "--group-id",
                  "mapping-itcase",
                  "--starting-offsets",
                  "earliest",
                  "--bounded",
                  "--output",
                  out.toString(),
                  "--checkpoint-interval",
                  "1s",
                  "--max-out-of-orderness",
                  "365d",
                  "--parallelism",
                  "1",
                  "--run-id",
                  "mapping",
                  "--hmac-key-file",
                  keyFile.toString()))
          .isZero();

      // the same events, field by field (person ids included), as the backfill of each file
      String events = "SELECT * FROM %s WHERE source_system = '%s' ORDER BY event_id";
      List<String> callEvents =
          Duck.rows(duck, String.format(events, Duck.table(callsOut, "events"), "contact-centre"));
      assertThat(callEvents).hasSize(8);
      assertThat(
              Duck.rows(duck, String.format(events, Duck.table(out, "events"), "contact-centre")))
          .isEqualTo(callEvents);
      List<String> espEvents =
          Duck.rows(duck, String.format(events, Duck.table(espOut, "events"), "esp"));
      assertThat(espEvents).hasSize(7);
      assertThat(Duck.rows(duck, String.format(events, Duck.table(out, "events"), "esp")))
          .isEqualTo(espEvents);

      // the same dead letters: the backfill's source is file:line, the stream's the record's
      // offset (the header is line 1 of the file, and no record: line n is offset n - 2 for the
      // call log, n - 1 for the JSON file, which has no header)
      String letters = "SELECT %s, reason, payload FROM %s ORDER BY 1";
      List<String> expected = new ArrayList<>();
      expected.addAll(
          Duck.rows(
              duck,
              String.format(
                  letters,
                  "'kafka:calls/0/' || (regexp_extract(source, ':([0-9]+)$', 1)::INT - 2)",
                  Duck.table(callsOut, "dead_letters"))));
      expected.addAll(
          Duck.rows(
              duck,
              String.format(
                  letters,
                  "'kafka:esp/0/' || (regexp_extract(source, ':([0-9]+)$', 1)::INT - 1)",
                  Duck.table(espOut, "dead_letters"))));
      List<String> streamed =
          Duck.rows(duck, String.format(letters, "source", Duck.table(out, "dead_letters")));
      assertThat(streamed).containsExactlyInAnyOrderElementsOf(expected);
      // each names the column and the value, or what is wrong with the whole row (in the order
      // of the sources as text)
      assertThat(
              Duck.rows(
                  duck,
                  "SELECT source, reason FROM "
                      + Duck.table(out, "dead_letters")
                      + " WHERE reason LIKE 'mapping:%' ORDER BY source"))
          .containsExactly(
              "kafka:calls/0/6|mapping: column wrap_up value \"ZZZ\": not a known value for"
                  + " outcome (expected one of RES, FCR, CB, ESC, XFER, AB)|",
              "kafka:calls/0/7|mapping: column started_at value \"31/02/2026 12:10:00\": not a"
                  + " time in format dd/MM/yyyy HH:mm:ss|",
              "kafka:calls/0/8|mapping: column csat value \"n/a\": not a number (sentiment)|",
              "kafka:esp/0/11|mapping: row is not json: Unrecognized token 'message_id':"
                  + " was expecting (JSON String, Number, Array, Object or token 'null', 'true'"
                  + " or 'false')|",
              "kafka:esp/0/8|mapping: column event value \"spamreport\": not a known value for"
                  + " event_type (expected one of send, open, click, bounce, unsubscribe)|",
              "kafka:esp/0/9|mapping: column timestamp value \"2026-01-06\": not a time in"
                  + " format epoch_seconds|");

      JsonNode a =
          JSON.readTree(out.resolve("_runs").resolve("mapping.json").toFile()).get("accounting");
      long input = calls.size() + esp.size();
      assertThat(a.get("input_records").asLong()).isEqualTo(input);
      assertThat(a.get("accepted_events").asLong()).isEqualTo(8 + 7);
      assertThat(a.get("duplicates").asLong()).isEqualTo(1); // the ESP's repeated click
      assertThat(a.get("late_events").asLong()).isZero();
      assertThat(a.get("dead_letters").asLong()).isEqualTo(input - 8 - 7 - 1);
      assertThat(a.get("balanced").asBoolean()).isTrue();
    }
  }

  private static List<byte[]> bytes(List<String> values) {
    return values.stream().map(v -> v.getBytes(StandardCharsets.UTF_8)).toList();
  }

  private static Path backfill(Path input, Path mapping, Path out, Path keyFile) {
    assertThat(
            Main.execute(
                "backfill",
                "--input",
                input.toString(),
                "--mapping",
                mapping.toString(),
                "--output",
                out.toString(),
                "--parallelism",
                "1",
                "--hmac-key-file",
                keyFile.toString()))
        .isZero();
    return out;
  }
}
