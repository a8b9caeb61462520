package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.flow.Alert;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient;
import dev.omnichannel.monitor.io.registry.WireFormat;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.KafkaBroker;
import dev.omnichannel.monitor.testing.RecordedRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end with a schema registry, on a real broker ({@link RecordedRegistry} serves the
 * registry's API; no registry process runs): {@code generate --kafka --schema-registry} writes a
 * data set registry-framed into one topic and the same seed plain into another; {@code stream
 * --schema-registry} reads the framed topic, writing alerts and dead letters registry-framed
 * ({@code --alerts-format registry --dlq-format registry}), and {@code stream} the plain one with
 * JSON alerts and dead letters. Every table equals the plain run's, the accounting too, and the
 * framed alerts and dead letters, decoded through the registry, are the plain run's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GenerateStreamRegistryITCase {
  private static final String KEY = "generate-stream-registry-itcase-hmac-key-0123";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String[] GENERATE = {
    "--customers", "120", "--days", "30", "--seed", "1515", "--bad-ratio", "0.03"
  };

  /** The plain run's reason as the framed run gives it: an oversized value 5 bytes larger. */
  private static final String TOO_LARGE_PLUS_HEADER =
      "CASE WHEN reason LIKE 'record_too_large: %' THEN 'record_too_large: '"
          + " || (CAST(regexp_extract(reason, '(\\d+) bytes', 1) AS BIGINT) + 5) || ' bytes'"
          + " ELSE reason END";

  private KafkaBroker broker;
  private RecordedRegistry registry;
  private Connection duck;
  private Path plainOut;
  private Path framedOut;

  @BeforeAll
  void run(@TempDir Path dir) throws Exception {
    Path keyFile = Files.writeString(dir.resolve("hmac.key"), KEY + "\n");
    broker = KafkaBroker.start();
    registry = new RecordedRegistry();
    for (String t : List.of("events-plain", "events-framed")) {
      broker.createTopic(t, 2);
    }
    for (String t : List.of("alerts-plain", "alerts-framed", "dlq-plain", "dlq-framed")) {
      broker.createTopic(t, 1);
    }
    assertThat(generate(dir, "events-plain")).isZero();
    assertThat(generate(dir, "events-framed", "--schema-registry", registry.url().toString()))
        .isZero();
    plainOut = dir.resolve("plain");
    assertThat(stream(keyFile, "plain", plainOut)).isZero();
    framedOut = dir.resolve("framed");
    assertThat(
            stream(
                keyFile,
                "framed",
                framedOut,
                "--schema-registry",
                registry.url().toString(),
                "--alerts-format",
                "registry",
                "--dlq-format",
                "registry"))
        .isZero();
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  private int generate(Path dir, String topic, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "generate",
                "--kafka",
                broker.bootstrapServers(),
                "--topic",
                topic,
                "--output",
                dir.resolve("generated-" + topic).toString()));
    args.addAll(Arrays.asList(GENERATE));
    args.addAll(Arrays.asList(extra));
    return Main.execute(args.toArray(String[]::new));
  }

  private int stream(Path keyFile, String name, Path out, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "stream",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--topic",
                "events-" + name,
                "--group-id",
                "registry-e2e-" + name,
                "--starting-offsets",
                "earliest",
                "--bounded",
                "--output",
                out.toString(),
                "--checkpoint-interval",
                "1s",
                "--max-out-of-orderness",
                "2d",
                "--allowed-lateness",
                "1d",
                "--stitch-delay",
                "400d",
                "--alerts-topic",
                "alerts-" + name,
                "--dlq-topic",
                "dlq-" + name,
                "--parallelism",
                "1",
                "--run-id",
                "registry-e2e",
                "--max-restarts",
                "0",
                "--hmac-key-file",
                keyFile.toString()));
    args.addAll(Arrays.asList(extra));
    return Main.execute(args.toArray(String[]::new));
  }

  @Test
  void theGeneratorFramesEveryValueWithTheRegisteredIdOfTheChannelEventSchema() throws Exception {
    List<Integer> ids = registry.versions("events-framed-value");
    assertThat(ids).hasSize(1);
    int id = ids.get(0);
    Schema registered = new SchemaRegistryClient(registry.url(), Duration.ofSeconds(5)).schema(id);
    assertThat(SchemaNormalization.parsingFingerprint64(registered))
        .isEqualTo(SchemaNormalization.parsingFingerprint64(ChannelEvent.getClassSchema()));
    List<ConsumerRecord<byte[], byte[]>> plain = broker.consumeAll("events-plain");
    List<ConsumerRecord<byte[], byte[]>> framed = broker.consumeAll("events-framed");
    assertThat(framed).hasSameSizeAs(plain).isNotEmpty();
    Comparator order = new Comparator();
    plain.sort(order);
    framed.sort(order);
    int tombstones = 0;
    for (int i = 0; i < plain.size(); i++) {
      ConsumerRecord<byte[], byte[]> p = plain.get(i);
      ConsumerRecord<byte[], byte[]> f = framed.get(i);
      assertThat(f.partition()).isEqualTo(p.partition());
      assertThat(f.offset()).isEqualTo(p.offset());
      assertThat(f.key()).isEqualTo(p.key());
      if (p.value() == null) {
        assertThat(f.value()).as("a tombstone stays one").isNull();
        tombstones++;
        continue;
      }
      // the same datum, broken ones too, behind the header of the registered id
      assertThat(f.value()).isEqualTo(WireFormat.frame(id, p.value()));
    }
    System.out.printf(
        "%,d framed values (%d tombstones), schema id %d%n", framed.size(), tombstones, id);
  }

  @Test
  void everyTableAndTheAccountingEqualThePlainRun() throws Exception {
    for (String table : Table.allTables()) {
      if (table.equals("dead_letters")) {
        continue;
      }
      List<String> expected = rows(plainOut, table);
      if (Table.backfillTables().contains(table)) {
        assertThat(expected).as(table).isNotEmpty();
      }
      assertThat(rows(framedOut, table)).as(table).isEqualTo(expected);
    }
    // dead letters: the same records with the same reasons; the payload of a value that is not a
    // ChannelEvent shows the whole framed value, and an oversized one is 5 bytes (the header)
    // larger
    String q =
        "SELECT replace(source, 'events-%s', 'events'), %s, event_id, event_time FROM %s"
            + " ORDER BY ALL";
    List<String> expected =
        Duck.rows(duck, String.format(q, "plain", TOO_LARGE_PLUS_HEADER, table(plainOut)));
    assertThat(expected).isNotEmpty().anyMatch(r -> r.contains("record_too_large"));
    assertThat(Duck.rows(duck, String.format(q, "framed", "reason", table(framedOut))))
        .isEqualTo(expected);
    JsonNode p = accounting(plainOut);
    JsonNode f = accounting(framedOut);
    assertThat(f.get("balanced").asBoolean()).isTrue();
    for (String k :
        List.of("input_records", "accepted_events", "duplicates", "late_events", "dead_letters")) {
      assertThat(f.get(k).asLong()).as(k).isEqualTo(p.get(k).asLong());
    }
  }

  @Test
  void framedAlertsDecodeThroughTheRegistryToThePlainRunsAlerts() throws Exception {
    Set<String> expected = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : broker.consumeAll("alerts-plain")) {
      Alert a = Alert.fromJson(new String(r.value(), StandardCharsets.UTF_8));
      expected.add(a.alertId() + " " + FramedRecords.avro(a));
    }
    assertThat(expected).isNotEmpty();
    int id = onlyVersion("alerts-framed-value");
    Set<String> actual = new HashSet<>();
    List<ConsumerRecord<byte[], byte[]>> framed = broker.consumeAll("alerts-framed");
    for (ConsumerRecord<byte[], byte[]> r : framed) {
      dev.omnichannel.monitor.avro.Alert a =
          decode(r.value(), id, dev.omnichannel.monitor.avro.Alert.getClassSchema());
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(a.getAlertId());
      actual.add(a.getAlertId() + " " + a);
    }
    assertThat(framed).hasSize(expected.size());
    assertThat(actual).isEqualTo(expected);
  }

  @Test
  void framedDeadLettersDecodeThroughTheRegistryToTheTablesRows() throws Exception {
    Set<String> expected = new HashSet<>();
    for (ConsumerRecord<byte[], byte[]> r : broker.consumeAll("dlq-plain")) {
      JsonNode d = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
      expected.add(
          String.join(
              "|",
              d.get("source").asText().replace("events-plain", "events"),
              tooLargePlusHeader(d.get("reason").asText()),
              d.get("event_id").asText(),
              d.get("event_time").asText()));
    }
    assertThat(expected).isNotEmpty();
    int id = onlyVersion("dlq-framed-value");
    Set<String> actual = new HashSet<>();
    Set<String> table = new HashSet<>();
    List<ConsumerRecord<byte[], byte[]>> framed = broker.consumeAll("dlq-framed");
    for (ConsumerRecord<byte[], byte[]> r : framed) {
      DeadLetterRow d = decode(r.value(), id, DeadLetterRow.getClassSchema());
      Instant t = d.getEventTime();
      actual.add(
          String.join(
              "|",
              d.getSource().replace("events-framed", "events"),
              d.getReason(),
              String.valueOf(d.getEventId()),
              String.valueOf(t)));
      table.add(d.getSource() + "|" + d.getReason() + "|" + d.getPayload() + "|");
    }
    assertThat(framed).hasSize(expected.size());
    assertThat(actual).isEqualTo(expected);
    assertThat(table)
        .as("the topic holds the table's rows")
        .isEqualTo(
            new HashSet<>(
                Duck.rows(duck, "SELECT source, reason, payload FROM " + table(framedOut))));
  }

  private static String tooLargePlusHeader(String reason) {
    var m = java.util.regex.Pattern.compile("record_too_large: (\\d+) bytes").matcher(reason);
    return m.matches()
        ? "record_too_large: " + (Long.parseLong(m.group(1)) + WireFormat.HEADER) + " bytes"
        : reason;
  }

  /** The one id registered under {@code subject}, and its schema is served by that id. */
  private int onlyVersion(String subject) {
    List<Integer> ids = registry.versions(subject);
    assertThat(ids).as(subject).hasSize(1);
    return ids.get(0);
  }

  /** The value framed with {@code id}, read with the registry's schema of that id. */
  private <T extends SpecificRecord> T decode(byte[] value, int id, Schema reader)
      throws Exception {
    WireFormat.Frame frame = WireFormat.parse(value);
    assertThat(frame.schemaId()).isEqualTo(id);
    Schema writer = new SchemaRegistryClient(registry.url(), Duration.ofSeconds(5)).schema(id);
    assertThat(writer.toString()).doesNotContain("avro.java.string");
    SpecificDatumReader<T> r = new SpecificDatumReader<>(writer, reader);
    var decoder =
        DecoderFactory.get()
            .binaryDecoder(value, frame.datumStart(), value.length - frame.datumStart(), null);
    T out = r.read(null, decoder);
    assertThat(decoder.isEnd()).isTrue();
    return out;
  }

  private List<String> rows(Path out, String table) throws Exception {
    Path d = out.resolve(table);
    boolean any;
    try (var files = Files.exists(d) ? Files.walk(d) : java.util.stream.Stream.<Path>empty()) {
      any = files.anyMatch(f -> f.getFileName().toString().endsWith(".parquet"));
    }
    return any ? Duck.comparableRows(duck, out, table) : List.of();
  }

  private static String table(Path out) {
    return Duck.table(out, "dead_letters");
  }

  private static JsonNode accounting(Path out) throws Exception {
    return JSON.readTree(out.resolve("_runs").resolve("registry-e2e.json").toFile())
        .get("accounting");
  }

  /** Records by partition, then offset. */
  private static final class Comparator
      implements java.util.Comparator<ConsumerRecord<byte[], byte[]>> {
    @Override
    public int compare(ConsumerRecord<byte[], byte[]> a, ConsumerRecord<byte[], byte[]> b) {
      int c = Integer.compare(a.partition(), b.partition());
      return c != 0 ? c : Long.compare(a.offset(), b.offset());
    }
  }
}
