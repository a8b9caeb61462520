package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.flow.Alert;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.KafkaBroker;
import dev.omnichannel.monitor.testing.TopicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stream mode end to end on a real broker: {@code generate --kafka} plants events and broken
 * records on a 3-partition topic; {@code stream --bounded} reads it (per-partition watermarks,
 * checkpointed Parquet, alerts and dead letters to topics); {@code backfill} reads the same
 * well-formed records from an Avro file. Tables, dead letters, alerts and the accounting are
 * checked against each other and against the generator's ground truth.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamKafkaITCase {
  private static final String KEY = "stream-kafka-itcase-hmac-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  private KafkaBroker broker;
  private GroundTruth truth;
  private List<ConsumerRecord<byte[], byte[]>> onTopic;
  private Path batchOut;
  private Path streamOut;
  private JsonNode streamSummary;
  private Connection duck;

  @BeforeAll
  void run(@TempDir Path dir) throws Exception {
    broker = KafkaBroker.start();
    broker.createTopic("events", 3);
    broker.createTopic("alerts", 1);
    broker.createTopic("dead-letters", 1);
    Path gen = dir.resolve("generated");
    assertThat(
            Main.execute(
                "generate",
                "--kafka",
                broker.bootstrapServers(),
                "--topic",
                "events",
                "--customers",
                "250",
                "--days",
                "45",
                "--seed",
                "17",
                "--bad-ratio",
                "0.03",
                "--output",
                gen.toString()))
        .isZero();
    truth = GroundTruth.read(gen.resolve("ground-truth.json"));
    onTopic = broker.consumeAll("events");

    // The backfill reads the same well-formed records from an Avro container file.
    Path avro = dir.resolve("input").resolve("events.avro");
    TopicFiles.writeAvro(onTopic, avro);
    Path keyFile = dir.resolve("hmac.key");
    Files.writeString(keyFile, KEY + "\n");
    batchOut = dir.resolve("batch");
    assertThat(
            Main.execute(
                "backfill",
                "--input",
                avro.toString(),
                "--output",
                batchOut.toString(),
                "--parallelism",
                "2",
                "--hmac-key-file",
                keyFile.toString()))
        .isZero();

    streamOut = dir.resolve("stream");
    assertThat(
            Main.execute(
                "stream",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--topic",
                "events",
                "--group-id",
                "itcase",
                "--starting-offsets",
                "earliest",
                "--bounded",
                "--output",
                streamOut.toString(),
                "--checkpoint-interval",
                "1s",
                "--max-out-of-orderness",
                "2d",
                "--allowed-lateness",
                "1d",
                "--stitch-delay",
                "400d",
                "--alerts-topic",
                "alerts",
                "--dlq-topic",
                "dead-letters",
                "--parallelism",
                "2",
                "--run-id",
                "kafka-itcase",
                "--max-restarts",
                "0",
                "--hmac-key-file",
                keyFile.toString()))
        .isZero();
    streamSummary = JSON.readTree(streamOut.resolve("_runs").resolve("kafka-itcase.json").toFile());
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
    if (broker != null) {
      broker.close();
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
    assertThat(batch).as(table).isNotEmpty();
    assertThat(rows(String.format(q, table(streamOut, table)))).as(table).isEqualTo(batch);
    System.out.printf("%s: %,d rows, identical in backfill and stream%n", table, batch.size());
  }

  @Test
  void everyTableShouldEqualTheBackfillsOverTheSameEvents() throws Exception {
    assertSame("event_id, event_time, person_id, journey_id", "events");
    assertSame("*", "journeys");
    assertSame("*", "journey_matches");
    assertSame("*", "friction");
    assertSame(Duck.comparable("attribution"), "attribution");
    assertSame(Duck.comparable("attribution_channel"), "attribution_channel");
    // persons: the stream's current profile of each person is the backfill's row
    List<String> batch =
        rows("SELECT " + Duck.PROFILE + " FROM " + table(batchOut, "persons") + " ORDER BY ALL");
    assertThat(batch).hasSize(truth.persons().size());
    assertThat(
            rows(Duck.currentProfiles(table(streamOut, "persons"), Duck.PROFILE) + " ORDER BY ALL"))
        .isEqualTo(batch);
  }

  @Test
  void everyRecordShouldBeAccountedForAsTheGroundTruthSays() throws Exception {
    JsonNode a = streamSummary.get("accounting");
    assertThat(streamSummary.get("status").asText()).isEqualTo("FINISHED");
    assertThat(a.get("balanced").asBoolean()).isTrue();
    assertThat(a.get("input_records").asLong())
        .isEqualTo(onTopic.size())
        .isEqualTo(truth.counts().records());
    assertThat(a.get("accepted_events").asLong()).isEqualTo(truth.counts().acceptedEvents());
    assertThat(a.get("duplicates").asLong()).isEqualTo(truth.counts().duplicates());
    assertThat(a.get("dead_letters").asLong()).isEqualTo(truth.counts().deadLetters());
    assertThat(a.get("late_events").asLong()).isZero();
    // the bounded input has ended: the job no longer holds any day of the output
    assertThat(streamOut.resolve("_writers").resolve("stream-kafka-itcase.json")).doesNotExist();
  }

  @Test
  void brokenRecordsShouldBeDeadLettersWithTheirOffsetsOnTheTableAndTheTopic() throws Exception {
    Map<String, String> expected = new HashMap<>();
    for (GroundTruth.BadRecord b : truth.badRecords()) {
      if ("dead_letter".equals(b.expected())) {
        expected.put(b.source(), b.reasonCode());
      }
    }
    assertThat(expected).isNotEmpty();
    Map<String, String> table = new HashMap<>();
    for (String r : rows("SELECT source, reason FROM " + table(streamOut, "dead_letters"))) {
      String[] f = r.split("\\|");
      String reason = f[1];
      table.put(f[0], reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason);
    }
    assertThat(table).isEqualTo(expected);
    // Dead letters without a usable time go to the processing date, never to dt=unknown.
    try (Stream<Path> parts = Files.list(streamOut.resolve("dead_letters"))) {
      assertThat(parts.map(p -> p.getFileName().toString()))
          .isNotEmpty()
          .allMatch(n -> n.matches("dt=\\d{4}-\\d{2}-\\d{2}"));
    }
    Set<String> kinds = new HashSet<>();
    truth.badRecords().forEach(b -> kinds.add(b.kind()));
    assertThat(kinds).contains("RANDOM_BYTES", "TRUNCATED_AVRO", "WRONG_SCHEMA");
    Map<String, String> topic = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : broker.consumeAll("dead-letters")) {
      JsonNode d = JSON.readTree(new String(r.value(), StandardCharsets.UTF_8));
      String reason = d.get("reason").asText();
      topic.put(
          d.get("source").asText(),
          reason.contains(":") ? reason.substring(0, reason.indexOf(':')) : reason);
    }
    assertThat(topic).isEqualTo(expected);
  }

  @Test
  void everyMatchShouldBeOneAlertAndEveryPlantedFrictionShouldBeAlerted() throws Exception {
    List<Alert> alerts = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : broker.consumeAll("alerts")) {
      Alert a = Alert.fromJson(new String(r.value(), StandardCharsets.UTF_8));
      assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(a.alertId());
      alerts.add(a);
    }
    Set<String> ids = new HashSet<>();
    alerts.forEach(a -> ids.add(a.alertId()));
    assertThat(ids)
        .as("one alert per match: no repeats in a failure-free run")
        .hasSize(alerts.size());
    long matches =
        rows("SELECT 1 FROM " + table(streamOut, "journey_matches")).size()
            + rows("SELECT 1 FROM " + table(streamOut, "friction")).size();
    assertThat(alerts).hasSize((int) matches);
    Set<String> alerted = new HashSet<>();
    for (Alert a : alerts) {
      alerted.add(a.type() + " " + a.evidenceEventIds());
      assertThat(a.recentChannels()).isNotEmpty();
    }
    int planted = 0;
    for (GroundTruth.Person p : truth.persons()) {
      for (GroundTruth.Planted f : p.planted()) {
        if (f.kind().equals("friction")) {
          planted++;
          assertThat(alerted).contains(f.name() + " " + f.eventIds());
        }
      }
    }
    assertThat(planted).isPositive();
  }
}
