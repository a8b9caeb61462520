package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.io.KafkaSources;
import dev.omnichannel.monitor.io.OutputBusyException;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.testing.KafkaBroker;
import dev.omnichannel.monitor.testing.TopicFiles;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The rule between a running stream job and a replay into the same output (README "Concurrent
 * writers"), on a real broker: while the stream runs, its lease names the first day it may still
 * write (its watermark minus its horizon); a {@code backfill} over that day exits 4 naming the
 * stream run and publishes nothing, and a backfill over the day before runs.
 */
class StreamLeaseITCase {
  private static final String KEY = "stream-lease-itcase-hmac-key-0123456789";
  private static final String RUN_ID = "live-stream";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** No idleness: the watermark is the slowest partition's, whatever the timing. */
  private static final StreamSettings SETTINGS =
      new StreamSettings(
          Duration.ofHours(6),
          Duration.ZERO,
          Duration.ofHours(1),
          Duration.ofMinutes(10),
          Duration.ofDays(7));

  @Test
  void aReplayShouldBeRefusedOverTheDaysARunningStreamStillWrites(@TempDir Path dir)
      throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("events", 2);
      assertThat(
              Main.execute(
                  "generate",
                  "--kafka",
                  broker.bootstrapServers(),
                  "--topic",
                  "events",
                  "--customers",
                  "150",
                  "--days",
                  "10",
                  "--seed",
                  "31",
                  "--output",
                  dir.resolve("generated").toString()))
          .isZero();
      List<ConsumerRecord<byte[], byte[]>> onTopic = broker.consumeAll("events");
      Path avro = dir.resolve("input").resolve("events.avro");
      TopicFiles.writeAvro(onTopic, avro);
      Path keyFile = dir.resolve("hmac.key");
      Files.writeString(keyFile, KEY + "\n");

      Path out = dir.resolve("out");
      FlowConfig config =
          PipelineOptions.defaults()
              .backfillConfig(
                  List.of(), out, null, null, 2, KEY.getBytes(StandardCharsets.UTF_8), RUN_ID);
      StreamPipeline pipeline = new StreamPipeline(config, SETTINGS, List.of());
      StreamRunner.Run run =
          new StreamRunner.Run(
              dir.resolve("checkpoints").toUri().toString(),
              Duration.ofMillis(300),
              null,
              null,
              null,
              0,
              List.of());
      StreamExecutionEnvironment env = StreamRunner.environment(config, run);
      KafkaOptions kafka =
          KafkaOptions.topics(broker.bootstrapServers(), "events").withStartingOffsets("earliest");
      DataStream<RawRecord> raw =
          env.fromSource(
                  KafkaSources.source(kafka.withGroupId("lease")),
                  pipeline.sourceWatermarks(),
                  "kafka")
              .uid("source-kafka")
              .name("read Kafka");
      StreamPipeline.sinkParquet(pipeline.wire(raw, true), out.toUri().toString());
      JobClient client = env.executeAsync("unbounded stream");
      try {
        // The slowest partition's newest event sets the watermark once the topic is read.
        Instant watermark = expectedWatermark(onTopic, SETTINGS.outOfOrderness());
        Path lease = out.resolve("_writers").resolve("stream-" + RUN_ID + ".json");
        Path summary = out.resolve("_runs").resolve(RUN_ID + ".json");
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        JsonNode l = null;
        while (System.nanoTime() < deadline) {
          if (Files.exists(lease) && Files.exists(summary)) {
            l = JSON.readTree(Files.readAllBytes(lease));
            long read = JSON.readTree(summary.toFile()).at("/accounting/input_records").asLong();
            if (read == onTopic.size()
                && watermark.toString().equals(l.path("watermark").asText())) {
              break;
            }
          }
          Thread.sleep(50);
        }
        assertThat(l).as("the running stream's lease").isNotNull();
        assertThat(l.get("watermark").asText()).isEqualTo(watermark.toString());
        Duration horizon = pipeline.horizon();
        // journeys: the 90-day maximum duration; plus the persons table's hourly profile rows,
        // stitch delay, lateness, out-of-orderness
        assertThat(horizon)
            .isEqualTo(Duration.ofDays(90).plusHours(1).plusMinutes(10).plusHours(1).plusHours(6));
        LocalDate writesFrom = watermark.minus(horizon).atZone(ZoneOffset.UTC).toLocalDate();
        assertThat(l.get("writes_from").asText()).isEqualTo(writesFrom.toString());
        assertThat(l.get("stale_after_ms").asLong()).isEqualTo(3_600_000L);

        // A replay over the stream's first open day: refused, one line, nothing published.
        String[] replay = backfill(avro, out, keyFile, writesFrom, writesFrom);
        StringWriter err = new StringWriter();
        assertThat(execute(err, replay)).isEqualTo(OutputBusyException.EXIT_CODE);
        assertThat(err.toString().strip())
            .startsWith("error: output " + out + " is busy: stream run " + RUN_ID)
            .contains("may still write the days from " + writesFrom + " on")
            .contains("overlaps this run's " + writesFrom + ".." + writesFrom)
            .doesNotContain("\n", "Exception");
        assertThat(out.resolve("_staging")).doesNotExist();

        // The day before: the stream no longer writes it, so the replay runs.
        LocalDate before = writesFrom.minusDays(1);
        StringWriter err2 = new StringWriter();
        assertThat(execute(err2, backfill(avro, out, keyFile, before, before)))
            .as(err2.toString())
            .isZero();
        JsonNode s =
            JSON.readTree(
                Files.list(out.resolve("_runs"))
                    .filter(p -> !p.getFileName().toString().equals(RUN_ID + ".json"))
                    .filter(p -> p.getFileName().toString().endsWith(".json"))
                    .findFirst()
                    .orElseThrow()
                    .toFile());
        assertThat(s.get("mode").asText()).isEqualTo("backfill");
        assertThat(s.at("/range/from").asText()).isEqualTo(before.toString());
      } finally {
        client.cancel().get();
      }
    }
  }

  private static String[] backfill(
      Path input, Path out, Path keyFile, LocalDate from, LocalDate to) {
    return new String[] {
      "backfill",
      "--input",
      input.toString(),
      "--output",
      out.toString(),
      "--from",
      from.toString(),
      "--to",
      to.toString(),
      "--hmac-key-file",
      keyFile.toString()
    };
  }

  private static int execute(StringWriter err, String... args) {
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return cl.execute(args);
  }

  /**
   * The watermark once every record is read: per partition, the newest plausible event time minus
   * the out-of-orderness minus 1 ms; the slowest partition holds the others back.
   */
  private static Instant expectedWatermark(
      List<ConsumerRecord<byte[], byte[]>> records, Duration outOfOrderness) {
    Map<Integer, Long> newest = new HashMap<>();
    SpecificDatumReader<ChannelEvent> reader = new SpecificDatumReader<>(ChannelEvent.class);
    BinaryDecoder decoder = null;
    long from = Instant.parse("2000-01-01T00:00:00Z").toEpochMilli();
    long to = Instant.parse("2100-01-01T00:00:00Z").toEpochMilli();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        decoder = DecoderFactory.get().binaryDecoder(r.value(), decoder);
        long t = reader.read(null, decoder).getEventTime().toEpochMilli();
        if (t >= from && t < to) {
          newest.merge(r.partition(), t, Math::max);
        }
      } catch (Exception notAnEvent) {
        // no readable time: does not move the watermark
      }
    }
    assertThat(newest).hasSize(2);
    long slowest = newest.values().stream().mapToLong(Long::longValue).min().orElseThrow();
    return Instant.ofEpochMilli(slowest - outOfOrderness.toMillis() - 1);
  }
}
