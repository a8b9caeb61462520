package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.flow.DecodeFunction;
import dev.omnichannel.monitor.flow.LocalFlink;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka in, through the job's decoding, against a real broker in the JVM: a topic written by {@code
 * generate --kafka} and read back with {@link KafkaSources} (bounded at the latest offsets) and
 * {@link DecodeFunction} on a mini cluster, checked record by record against the ground truth.
 */
class KafkaIngestITCase {
  private static final byte[] KEY = "kafka-ingest-itcase-key".getBytes(StandardCharsets.UTF_8);

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(LocalFlink.loopback(new Configuration()))
              .build());

  private static KafkaBroker broker;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void shouldTurnEveryGeneratedRecordIntoTheEventOrDeadLetterTheGroundTruthSays() throws Exception {
    broker.createTopic("generated", 3);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(out));
    cl.setErr(new PrintWriter(err));
    int code =
        cl.execute(
            "generate",
            "--kafka",
            broker.bootstrapServers(),
            "--topic",
            "generated",
            "--customers",
            "200",
            "--days",
            "30",
            "--bad-ratio",
            "0.05",
            "--output",
            dir.toString());
    assertThat(code).as(err.toString()).isZero();
    assertThat(out.toString()).contains("to Kafka topic generated at " + broker.bootstrapServers());
    GroundTruth truth = GroundTruth.read(dir.resolve("ground-truth.json"));
    assertThat(truth.format()).isEqualTo("kafka");
    GroundTruth.Counts c = truth.counts();

    // The topic holds exactly the records the ground truth counts.
    List<ConsumerRecord<byte[], byte[]>> onTopic = broker.consumeAll("generated");
    assertThat(onTopic).hasSize((int) c.records());
    assertThat(onTopic.stream().map(ConsumerRecord::partition).distinct()).hasSize(3);
    // In file order: per partition, the records that are not planted keep their time order, and
    // every key is its event id.
    Set<String> planted =
        truth.badRecords().stream().map(GroundTruth.BadRecord::source).collect(Collectors.toSet());
    Map<Integer, String> lastId = new HashMap<>();
    KafkaRecordFormat format = new KafkaRecordFormat();
    for (ConsumerRecord<byte[], byte[]> rec : onTopic) {
      String source = KafkaRecordFormat.source(rec.topic(), rec.partition(), rec.offset());
      if (planted.contains(source)) {
        continue;
      }
      String id = new String(rec.key(), StandardCharsets.UTF_8);
      assertThat(
              format
                  .read(rec.topic(), rec.partition(), rec.offset(), null, rec.value())
                  .payloadText())
          .contains("\"event_id\": \"" + id + "\"");
      assertThat(id).as(source).isGreaterThan(lastId.getOrDefault(rec.partition(), ""));
      lastId.put(rec.partition(), id);
    }

    // The same flags into another empty topic give the same ground truth.
    broker.createTopic("generated-again", 3);
    Path again = dir.resolve("again");
    assertThat(
            Main.execute(
                "generate",
                "--kafka",
                broker.bootstrapServers(),
                "--topic",
                "generated-again",
                "--customers",
                "200",
                "--days",
                "30",
                "--bad-ratio",
                "0.05",
                "--output",
                again.toString()))
        .isZero();
    assertThat(Files.readString(again.resolve("ground-truth.json")))
        .isEqualTo(
            Files.readString(dir.resolve("ground-truth.json"))
                .replace("kafka:generated/", "kafka:generated-again/"));

    Result r = run("generated", "generate-itcase");

    assertThat(r.events).hasSize((int) (c.acceptedEvents() + c.duplicates()));
    assertThat(new HashSet<>(r.events)).hasSize((int) c.acceptedEvents());
    assertThat(r.dead).hasSize((int) c.deadLetters()).isNotEmpty();
    Map<String, String> expected = new TreeMap<>();
    for (GroundTruth.BadRecord b : truth.badRecords()) {
      assertThat(b.source()).matches("kafka:generated/[0-2]/\\d+");
      if (b.expected().equals("dead_letter")) {
        expected.put(b.source(), b.reasonCode());
      }
    }
    Map<String, String> actual = new TreeMap<>();
    r.dead.forEach((source, reason) -> actual.put(source, DeadLetterReason.codeOf(reason)));
    assertThat(actual).isEqualTo(expected);

    // every Kafka form of a broken record was planted and came out as its dead letter
    Map<String, Long> kinds =
        truth.badRecords().stream()
            .collect(Collectors.groupingBy(GroundTruth.BadRecord::kind, Collectors.counting()));
    assertThat(kinds)
        .containsKeys(
            "RANDOM_BYTES",
            "TRUNCATED_AVRO",
            "WRONG_SCHEMA",
            "TOMBSTONE",
            "OVERSIZED_RECORD",
            "UNKNOWN_CHANNEL",
            "EXACT_DUPLICATE",
            "ABSURD_TIMESTAMP_2999")
        .doesNotContainKeys("MALFORMED_JSON", "MISSING_EVENT_ID", "MISSING_EVENT_TIME");
    for (GroundTruth.BadRecord b : truth.badRecords()) {
      if (b.kind().equals("OVERSIZED_RECORD")) {
        assertThat(r.dead.get(b.source())).startsWith("record_too_large: ");
      }
      if (b.kind().equals("TOMBSTONE")) {
        assertThat(r.dead.get(b.source())).isEqualTo("malformed_record: null value (tombstone)");
      }
    }
  }

  @Test
  void shouldRefuseATopicThatDoesNotExistNamingIt() {
    StringWriter err = new StringWriter();
    var cl = Main.commandLine();
    cl.setOut(new PrintWriter(new StringWriter()));
    cl.setErr(new PrintWriter(err));
    long t0 = System.nanoTime();
    int code =
        cl.execute(
            "generate",
            "--kafka",
            broker.bootstrapServers(),
            "--topic",
            "no-such-topic",
            "--customers",
            "5",
            "--output",
            dir.toString());
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("Kafka topic 'no-such-topic' does not exist on");
    assertThat(System.nanoTime() - t0).isLessThan(20_000_000_000L);
  }

  @Test
  void shouldTurnBrokenBytesIntoDeadLettersAtTheirOffsetsAndKeepGoing() throws Exception {
    broker.createTopic("broken", 2);
    SplittableRandom rnd = new SplittableRandom(3);
    List<byte[]> values = new ArrayList<>();
    Map<Integer, String> expectedReason = new HashMap<>();
    Set<String> validIds = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      ChannelEvent e =
          ChannelEvent.newBuilder(KafkaRecordFormatTest.minimal())
              .setEventId("k-" + i)
              .setEventTime(Instant.parse("2026-01-05T10:00:00Z").plusSeconds(i))
              .build();
      byte[] good = KafkaRecordFormat.encode(e);
      switch (i % 6) {
        case 1 -> {
          byte[] b = new byte[10 + rnd.nextInt(100)];
          rnd.nextBytes(b);
          values.add(b);
          expectedReason.put(i, "malformed_record");
        }
        case 2 -> {
          values.add(Arrays.copyOf(good, good.length / 2));
          expectedReason.put(i, "malformed_record");
        }
        case 3 -> {
          values.add(otherSchema(i));
          expectedReason.put(i, "malformed_record");
        }
        case 4 -> {
          values.add(i == 4 ? null : Arrays.copyOf(good, good.length + 1));
          expectedReason.put(i, "malformed_record");
        }
        case 5 -> {
          if (i == 5) {
            ChannelEvent big =
                ChannelEvent.newBuilder(e)
                    .setAttributes(Map.of("blob", "y".repeat(RawRecord.MAX_RECORD_BYTES)))
                    .build();
            values.add(KafkaRecordFormat.encode(big));
            expectedReason.put(i, "record_too_large");
          } else {
            values.add(good);
            validIds.add(e.getEventId());
          }
        }
        default -> {
          values.add(good);
          validIds.add(e.getEventId());
        }
      }
    }
    List<RecordMetadata> where = broker.produce("broken", values);

    Result r = run("broken", "broken-itcase");

    assertThat(new HashSet<>(r.events)).isEqualTo(validIds);
    Map<String, String> expected = new TreeMap<>();
    expectedReason.forEach(
        (i, reason) ->
            expected.put(
                KafkaRecordFormat.source("broken", where.get(i).partition(), where.get(i).offset()),
                reason));
    Map<String, String> actual = new TreeMap<>();
    r.dead.forEach((source, reason) -> actual.put(source, DeadLetterReason.codeOf(reason)));
    assertThat(actual).isEqualTo(expected);
  }

  // ---------------------------------------------------------------------------------------------

  /** Accepted event ids (with repeats) and dead letters by source. */
  private record Result(List<String> events, Map<String, String> dead) {}

  /** A bounded job on a mini cluster: Kafka source, decoding; collects both outputs. */
  private static Result run(String topic, String group) throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    KafkaOptions options =
        KafkaOptions.topics(broker.bootstrapServers(), topic)
            .withGroupId(group)
            .withStartingOffsets("committed")
            .withBounded(true);
    SingleOutputStreamOperator<dev.omnichannel.monitor.event.Event> events =
        env.fromSource(KafkaSources.source(options), WatermarkStrategy.noWatermarks(), "kafka")
            .process(
                new DecodeFunction(ValidationRules.defaults(), KEY, Long.MIN_VALUE, Long.MAX_VALUE))
            .name("decode");
    DataStream<String> accepted =
        events.map(e -> "E\t" + e.eventId).returns(Types.STRING).name("events");
    DataStream<String> dead =
        events
            .getSideOutput(Tags.DEAD_LETTERS)
            .map((DeadLetterRow d) -> "D\t" + d.getSource() + "\t" + d.getReason())
            .returns(Types.STRING)
            .name("dead letters");
    List<String> ids = new ArrayList<>();
    Map<String, String> letters = new HashMap<>();
    try (CloseableIterator<String> it = accepted.union(dead).executeAndCollect("kafka-ingest")) {
      while (it.hasNext()) {
        String[] f = it.next().split("\t", 3);
        if (f[0].equals("E")) {
          ids.add(f[1]);
        } else {
          assertThat(letters.put(f[1], f[2])).as("second dead letter from " + f[1]).isNull();
        }
      }
    }
    return new Result(ids, letters);
  }

  private static byte[] otherSchema(int i) throws Exception {
    Schema s =
        SchemaBuilder.record("Click")
            .fields()
            .requiredInt("n")
            .requiredString("target")
            .endRecord();
    GenericRecord rec = new GenericData.Record(s);
    rec.put("n", 100_000 + i);
    rec.put("target", "button-" + i);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(s).write(rec, enc);
    enc.flush();
    return out.toByteArray();
  }
}
