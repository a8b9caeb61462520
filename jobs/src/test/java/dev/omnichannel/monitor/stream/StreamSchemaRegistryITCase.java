package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.io.KafkaRecordFormat;
import dev.omnichannel.monitor.io.registry.RegistryEvolution;
import dev.omnichannel.monitor.io.registry.WireFormat;
import dev.omnichannel.monitor.testing.Await;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.KafkaBroker;
import dev.omnichannel.monitor.testing.RecordedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code stream --schema-registry} on a real broker, with the registry's Confluent-compatible API
 * served from prepared answers ({@link RecordedRegistry}; no registry process runs in the tests).
 * One topic holds the same events framed with the current schema (id 1), an older version (id 2,
 * without {@code campaign}) and a newer one (id 3, with {@code loyalty_tier}), plus a value with an
 * unknown schema id and an unframed one; another holds the same events as plain Avro. The registry
 * answers 503 when the job starts: the job fails and restarts until it is back, and then reads
 * everything. Its {@code events} rows equal the plain run's, and the two broken values are dead
 * letters with their reasons.
 */
class StreamSchemaRegistryITCase {
  private static final String KEY = "stream-registry-itcase-hmac-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int EVENTS = 30;

  @Test
  void framedVersionsDecodeAsThePlainEventsAndTheRegistryOutageLosesNothing(@TempDir Path dir)
      throws Exception {
    Path keyFile = dir.resolve("hmac.key");
    Files.writeString(keyFile, KEY + "\n");
    List<byte[]> framed = new ArrayList<>();
    List<byte[]> plain = new ArrayList<>();
    Instant t0 = Instant.parse("2026-01-05T10:00:00Z");
    for (int i = 0; i < EVENTS; i++) {
      ChannelEvent e = RegistryEvolution.event(String.format("e-%04d", i), t0.plusSeconds(60L * i));
      e.setIdentities(List.of(new Identity("customer_id", "C-" + (i % 4))));
      int id = 1 + i % 3;
      if (id == 2) {
        e.setCampaign(null); // the older writer has no campaign: the reader's default
      }
      framed.add(
          RegistryEvolution.framed(id, e, id == 3 ? Map.of("loyalty_tier", "gold") : Map.of()));
      plain.add(KafkaRecordFormat.encode(e));
      if (i == 10) {
        framed.add(WireFormat.frame(99, KafkaRecordFormat.encode(e))); // unknown schema id
      }
      if (i == 20) {
        framed.add(KafkaRecordFormat.encode(e)); // not framed
      }
    }
    try (KafkaBroker broker = KafkaBroker.start();
        RecordedRegistry registry = new RecordedRegistry();
        Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      broker.createTopic("framed", 1);
      broker.createTopic("plain", 1);
      broker.produce("framed", 0, framed);
      broker.produce("plain", 0, plain);

      Path plainOut = dir.resolve("plain");
      assertThat(stream(broker, "plain", plainOut, keyFile, List.of())).isZero();

      registry.unavailable(true);
      Path framedOut = dir.resolve("framed");
      CompletableFuture<Integer> run =
          CompletableFuture.supplyAsync(
              () ->
                  stream(
                      broker,
                      "framed",
                      framedOut,
                      keyFile,
                      List.of("--schema-registry", registry.url().toString())));
      // the first attempt and at least one restart asked, were refused, and read nothing
      Await.until("two refused attempts", () -> registry.refused() >= 2 || run.isDone());
      assertThat(run.isDone()).as("the job waits for the registry instead of finishing").isFalse();
      registry.unavailable(false);
      assertThat(run.get()).isZero();

      String q = "SELECT * FROM %s ORDER BY event_id";
      List<String> expected = Duck.rows(duck, String.format(q, Duck.table(plainOut, "events")));
      assertThat(expected).hasSize(EVENTS);
      assertThat(Duck.rows(duck, String.format(q, Duck.table(framedOut, "events"))))
          .isEqualTo(expected);
      assertThat(
              Duck.rows(
                  duck,
                  "SELECT source, split_part(reason, ':', 1) FROM "
                      + Duck.table(framedOut, "dead_letters")
                      + " ORDER BY source"))
          .containsExactly(
              "kafka:framed/0/11|registry_unknown_schema_id|",
              "kafka:framed/0/22|registry_bad_frame|");
      JsonNode a =
          JSON.readTree(framedOut.resolve("_runs").resolve("registry-framed.json").toFile())
              .get("accounting");
      assertThat(a.get("balanced").asBoolean()).isTrue();
      assertThat(a.get("input_records").asLong()).isEqualTo(EVENTS + 2);
      assertThat(a.get("accepted_events").asLong()).isEqualTo(EVENTS);
      assertThat(a.get("dead_letters").asLong()).isEqualTo(2);
      // after the outage one attempt read everything: each known id fetched once (cached), the
      // unknown id asked for its one record (unknown ids are not cached)
      assertThat(List.of(registry.requests(1), registry.requests(2), registry.requests(3)))
          .containsExactly(1, 1, 1);
      assertThat(registry.requests(99)).isEqualTo(1);
    }
  }

  private static int stream(
      KafkaBroker broker, String topic, Path out, Path keyFile, List<String> extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "stream",
                "--bootstrap-servers",
                broker.bootstrapServers(),
                "--topic",
                topic,
                "--group-id",
                "registry-" + topic,
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
                "--parallelism",
                "1",
                "--run-id",
                "registry-" + topic,
                "--max-restarts",
                "20",
                "--hmac-key-file",
                keyFile.toString()));
    args.addAll(extra);
    return Main.execute(args.toArray(String[]::new));
  }
}
