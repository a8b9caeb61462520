package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.TextNode;
import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventRows;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import dev.omnichannel.monitor.testing.PropertyCheck;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The streaming JSON decoder and the direct Avro decoder against the tree decoder they replaced
 * ({@link LegacyEventDecoder}, which saw Avro records as JSON text): the same reason, event id and
 * time for every record, and the same event for every accepted one. Over generated data (every
 * planted kind of bad record, checked against the ground truth too), and over random mutations.
 */
class DecodeEquivalenceTest {
  private static final byte[] KEY = "equivalence-test-key".getBytes(StandardCharsets.UTF_8);
  private static final GeneratorConfig BAD =
      GeneratorConfig.defaults().withCustomers(150).withDays(30).withSeed(11).withBadRatio(0.3);

  @TempDir static Path tmp;
  private static List<RawRecord> jsonl;
  private static List<RawRecord> avro;
  private static GroundTruth jsonlTruth;
  private static GroundTruth avroTruth;

  private final EventDecoder decoder =
      new EventDecoder(ValidationRules.defaults(), new Pseudonymiser(KEY));
  private final LegacyEventDecoder legacy =
      new LegacyEventDecoder(ValidationRules.defaults(), new Pseudonymiser(KEY));

  @BeforeAll
  static void generate() throws IOException {
    Generator.generate(BAD, tmp.resolve("jsonl"));
    jsonl = readAll(tmp.resolve("jsonl"));
    jsonlTruth = GroundTruth.read(tmp.resolve("jsonl/ground-truth.json"));
    Generator.generate(BAD.withFormat(GeneratorConfig.Format.AVRO, false), tmp.resolve("avro"));
    avro = readAll(tmp.resolve("avro"));
    avroTruth = GroundTruth.read(tmp.resolve("avro/ground-truth.json"));
  }

  @Test
  void shouldDecodeGeneratedJsonLinesAsBeforeAndAsTheGroundTruthSays() {
    assertThat(jsonl).hasSizeGreaterThan(1000);
    for (RawRecord r : jsonl) {
      assertThat(r.avro).isNull();
      assertSame(r.source, decoder.decode(r), legacy.decode(r));
    }
    checkGroundTruth(jsonl, jsonlTruth, 15);
  }

  @Test
  void shouldDecodeGeneratedAvroDatumsAsTheirJsonRenderingDecodedBefore() {
    assertThat(avro).hasSizeGreaterThan(1000);
    for (RawRecord r : avro) {
      assertThat(r.avro).as(r.source).isNotNull();
      assertThat(r.payload).isNull();
      assertSame(r.source, decoder.decode(r), legacy.decode(r.payloadText()));
    }
    checkGroundTruth(avro, avroTruth, 10);
  }

  @Test
  void shouldGiveEqualEventsFromJsonAndAvroOfTheSameRecords() throws IOException {
    GeneratorConfig clean = BAD.withBadRatio(0).withSeed(12);
    Generator.generate(clean, tmp.resolve("clean-jsonl"));
    Generator.generate(
        clean.withFormat(GeneratorConfig.Format.AVRO, false), tmp.resolve("clean-avro"));
    List<RawRecord> fromJson = readAll(tmp.resolve("clean-jsonl"));
    List<RawRecord> fromAvro = readAll(tmp.resolve("clean-avro"));
    assertThat(fromAvro).hasSameSizeAs(fromJson).hasSizeGreaterThan(1000);
    int withAttributes = 0;
    int withValue = 0;
    for (int i = 0; i < fromJson.size(); i++) {
      DecodeResult j = decoder.decode(fromJson.get(i));
      DecodeResult a = decoder.decode(fromAvro.get(i));
      assertThat(j.isAccepted()).as(fromJson.get(i).source).isTrue();
      assertThat(a.event()).as(fromAvro.get(i).source).isEqualTo(j.event());
      withAttributes += j.event().attributes.length > 0 ? 1 : 0;
      withValue += Double.isNaN(j.event().value) ? 0 : 1;
    }
    assertThat(withAttributes).isPositive();
    assertThat(withValue).isPositive();
  }

  @Test
  void shouldDecodeMutatedJsonAsBefore() {
    List<String> lines = jsonl.stream().map(r -> r.payload).filter(p -> p != null).toList();
    Map<String, Integer> reasons = new java.util.TreeMap<>();
    PropertyCheck.forAll(
            "mutated JSON line", rnd -> mutate(lines.get(rnd.nextInt(lines.size())), rnd))
        .tries(20_000)
        .check(
            line -> {
              DecodeResult now = decoder.decode(line);
              LegacyEventDecoder.DecodeResult before = legacy.decode(line);
              if (now.reason() != null && now.reason().contains("unpaired surrogate")) {
                // the one change since: such text was accepted, and written as '?' everywhere
                assertThat(before.isAccepted()).as(line).isTrue();
                assertThat(now.eventTime()).isEqualTo(before.eventTime());
                reasons.merge("malformed_record: unpaired surrogate", 1, Integer::sum);
                return;
              }
              assertSame(line, now, before);
              reasons.merge(now.isAccepted() ? "accepted" : reason(now.reason()), 1, Integer::sum);
            });
    System.out.println("mutated JSON: " + reasons);
    assertThat(reasons.keySet())
        .contains(
            "accepted",
            "malformed_record",
            "missing_field: event_id",
            "invalid_field: event_id",
            "invalid_field: event_time",
            "invalid_field: identities",
            "invalid_field: attributes",
            "invalid_field: value",
            "no_usable_identity");
  }

  /** The code of a reason and, for field problems, the field. */
  private static String reason(String reason) {
    String code = DeadLetterReason.codeOf(reason);
    if (code.equals("missing_field") || code.equals("invalid_field")) {
      String detail = reason.substring(code.length() + 2);
      int space = detail.indexOf(' ');
      return code + ": " + (space < 0 ? detail : detail.substring(0, space));
    }
    return code;
  }

  @Test
  void shouldDecodeMutatedAvroAsBeforeAndNeverThrow() {
    KafkaRecordFormat format = new KafkaRecordFormat();
    List<byte[]> datums = avro.stream().map(r -> r.avro).toList();
    int[] readable = {0};
    PropertyCheck.forAll(
            "mutated Avro datum", rnd -> mutate(datums.get(rnd.nextInt(datums.size())), rnd))
        .tries(20_000)
        .check(
            bytes -> {
              RawRecord r = format.read("t", 0, 0, null, bytes);
              DecodeResult now = decoder.decode(r);
              if (r.readError != null) {
                assertThat(now.reason()).isEqualTo(r.readError);
                return;
              }
              readable[0]++;
              assertSame(r.payloadText(), now, legacy.decode(r.payloadText()));
              assertThat(decoder.decodeAvro(bytes)).isEqualTo(now);
            });
    assertThat(readable[0]).isGreaterThan(1000);
  }

  private static final String IDS =
      "\"identities\":[{\"namespace\":\"cookie_id\",\"value\":\"c\"}]";
  private static final String HEAD = "{\"event_id\":\"e1\",\"event_time\":1767607200000," + IDS;

  /** Records made to hit the subtle parts of the decoder, each compared with the tree decoder. */
  static Stream<String> edgeCases() {
    List<String> c = new ArrayList<>();
    // whole texts
    c.addAll(
        List.of(
            "",
            " ",
            "null",
            "1",
            "\"text\"",
            "[]",
            "[1,",
            "[1,2,{\"a\":}]",
            "{}",
            "{",
            "{\"a\"",
            "{\"a\":1} trailing",
            "{\"a\":1}}",
            "{\"a\":1,}",
            "{'a':1}",
            "{\"a\":01}",
            "\uFEFF" + HEAD + "}",
            HEAD + "} {\"x\":",
            HEAD + ",\"x\":\"\u0001\"}",
            HEAD + ",\"x\":\"\\q\"}",
            HEAD + ",\"x\":[1,2,}",
            HEAD + ",\"x\":-}"));
    // duplicate keys: the last wins, at the first one's place
    c.addAll(
        List.of(
            "{\"event_id\":\"a\",\"event_time\":1767607200000," + IDS + ",\"event_id\":\"b\"}",
            "{\"event_id\":\"a\",\"event_time\":1767607200000," + IDS + ",\"event_id\":null}",
            "{\"event_id\":{},\"event_time\":1767607200000," + IDS + ",\"event_id\":\"b\"}",
            HEAD + ",\"identities\":\"x\"}",
            HEAD + ",\"identities\":null}",
            HEAD + ",\"identities\":[]," + IDS + "}",
            HEAD
                + ",\"attributes\":{\"a\":\""
                + "x".repeat(5000)
                + "\"},\"attributes\":{\"b\":\"1\"}}",
            HEAD + ",\"attributes\":{\"a\":\"" + "x".repeat(5000) + "\",\"a\":\"short\"}}",
            HEAD + ",\"attributes\":{\"b\":\"1\",\"a\":\"2\",\"b\":\"3\"}}",
            HEAD + ",\"attributes\":{\"a\":\"1\"},\"attributes\":[1]}",
            HEAD + ",\"channel\":\"WEB\",\"channel\":\"TV\",\"event_time\":\"soon\"}",
            "{\"event_time\":1767607200000,\"event_id\":\" \",\"event_time\":\"2026-01-05T10:00:00Z\"}"));
    // event_id forms
    for (String id :
        List.of(
            "42",
            "-0",
            "12345678901234567890123",
            "1.0",
            "true",
            "[]",
            "\"\"",
            "\" \"",
            "\"" + "i".repeat(256) + "\"",
            "\"" + "i".repeat(257) + "\"",
            "\"\\u00e9\"")) {
      c.add("{\"event_id\":" + id + ",\"event_time\":1767607200000," + IDS + "}");
      c.add("{\"event_id\":" + id + ",\"event_time\":\"nope\"," + IDS + "}");
    }
    // event_time forms
    for (String t :
        List.of(
            "\"1767607200000\"",
            "\" 1767607200000 \"",
            "\"+1767607200000\"",
            "\"-5\"",
            "\"-\"",
            "\"2026-01-05T10:00:00.1Z\"",
            "\"2026-01-05T10:00:00.123456789Z\"",
            "\"2026-01-05T10:00:00.1234567890Z\"",
            "\"2026-01-05t10:00:00z\"",
            "\"2026-01-05T10:00:00+01:00\"",
            "\"2026-02-29T00:00:00Z\"",
            "\"2024-02-29T00:00:00Z\"",
            "\"2026-01-05T23:59:60Z\"",
            "\"2026-01-05T24:00:00Z\"",
            "\"0000-01-01T00:00:00Z\"",
            "\"+12026-01-01T00:00:00Z\"",
            "\"2026-01-05T10:00:00.Z\"",
            "\"2026-01-05T10:00Z\"",
            "\"2026-01-05 10:00:00Z\"",
            "\"\"",
            "\" \"",
            "\"NaN\"",
            "1767607200000.0",
            "1.5",
            "99999999999999999999",
            "-9223372036854775808",
            "9223372036854775807",
            "NaN",
            "true",
            "{\"a\":[1,2]}",
            "[1767607200000]",
            "null",
            "\"" + "9".repeat(300) + "\"")) {
      c.add("{\"event_id\":\"e1\",\"event_time\":" + t + "," + IDS + "}");
      c.add("{\"event_time\":" + t + "," + IDS + "}");
    }
    // identities
    for (String ids :
        List.of(
            "[1,\"a\",null,[],{}]",
            "[{\"namespace\":\"cookie_id\",\"value\":12345678901234567890123}]",
            "[{\"namespace\":\"cookie_id\",\"value\":-0}]",
            "[{\"namespace\":\"cookie_id\",\"value\":1.5}]",
            "[{\"namespace\":\"cookie_id\",\"value\":true}]",
            "[{\"namespace\":\"cookie_id\",\"value\":{\"a\":1}}]",
            "[{\"namespace\":5,\"value\":\"v\"}]",
            "[{\"namespace\":\"\",\"value\":\"v\"}]",
            "[{\"namespace\":\" \",\"value\":\"v\"}]",
            "[{\"namespace\":\"a:b\",\"value\":\"v\"}]",
            "[{\"namespace\":\" Cookie_ID \",\"value\":\" v \"}]",
            "[{\"namespace\":\"email\",\"value\":\" Jane@Example.COM \"},"
                + "{\"namespace\":\"EMAIL\",\"value\":\"jane@example.com\"}]",
            "[{\"namespace\":\"phone\",\"value\":\"+1 (555) 010-1234\"},"
                + "{\"namespace\":\"phone\",\"value\":\"abc\"}]",
            "[{\"namespace\":\"phone\",\"value\":\"---\"}]",
            "[{\"namespace\":\"cookie_id\",\"value\":\"N/A\"},{\"namespace\":\"device_id\",\"value\":\"00-00.0\"}]",
            "[{\"namespace\":\"cookie_id\",\"value\":\"" + "v".repeat(512) + "\"}]",
            "[{\"namespace\":\"cookie_id\",\"value\":\"" + "v".repeat(513) + "\"}]",
            "[{\"namespace\":\"cookie_id\",\"value\":\"a\",\"value\":\"b\",\"namespace\":\"device_id\"}]",
            "[{\"namespace\":\"cookie_id\",\"value\":\"a\",\"value\":null}]",
            "[{\"namespace\":\"cookie_id\",\"value\":\"a\",\"extra\":[{\"x\":NaN}]}]",
            "{\"namespace\":\"cookie_id\",\"value\":\"a\"}",
            "\"c\"",
            "7")) {
      c.add("{\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":" + ids + "}");
    }
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 40; i++) {
      many.append(i == 0 ? "" : ",")
          .append("{\"namespace\":\"cookie_id\",\"value\":\"c")
          .append(i % 7)
          .append("\"}");
    }
    c.add("{\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":" + many + "]}");
    // attribute values of every kind
    c.add(
        HEAD
            + ",\"attributes\":{\"n\":null,\"t\":true,\"f\":false,\"i\":1,\"z\":-0,\"d\":1.5,"
            + "\"e\":1e3,\"nan\":NaN,\"inf\":-Infinity,\"big\":123456789012345678901234567890,"
            + "\"l\":9223372036854775807,\"a\":[1,\"x\",{\"k\":null}],\"o\":{\"k\":\"\\\"q\\\"\"},"
            + "\"\":\"empty key\",\"u\":\"\\u00e9\\ud83d\\ude00\",\"mail\":\"write to jane@example.com\","
            + "\"tel\":\"call +1 (555) 010-1234\",\"raw_channel\":\"kept?\"},\"channel\":\"TV\"}");
    StringBuilder attrs = new StringBuilder("{");
    for (int i = 0; i < 40; i++) {
      attrs
          .append(i == 0 ? "" : ",")
          .append("\"k")
          .append(i % 23)
          .append("\":\"v")
          .append(i)
          .append('"');
    }
    c.add(HEAD + ",\"attributes\":" + attrs + "}}");
    c.add(HEAD + ",\"attributes\":{\"a\":\"" + "x".repeat(4096) + "\"}}");
    c.add(HEAD + ",\"attributes\":{\"a\":\"" + "x".repeat(4097) + "\"}}");
    c.add(
        HEAD
            + ",\"attributes\":{\"b\":\""
            + "x".repeat(4097)
            + "\",\"a\":\""
            + "y".repeat(5000)
            + "\"}}");
    c.add(HEAD + ",\"attributes\":{\"a\":[\"" + "x".repeat(4095) + "\"]}}");
    c.add(HEAD + ",\"attributes\":\"x\"}");
    c.add(HEAD + ",\"attributes\":7,\"value\":\"x\"}");
    // channel, event_type, optional strings
    for (String v :
        List.of(
            "\" web \"",
            "\"Web\"",
            "\"mobile_app\"",
            "7",
            "true",
            "{\"a\":1}",
            "\"\"",
            "null",
            "1.5",
            "\"" + "T".repeat(300) + "\"",
            "\"\\u0000\"")) {
      c.add(HEAD + ",\"channel\":" + v + ",\"event_type\":" + v + "}");
      c.add(HEAD + ",\"outcome\":" + v + ",\"topic\":" + v + "}");
    }
    for (String name : EventDecoder.OPTIONAL_STRINGS) {
      c.add(HEAD + ",\"" + name + "\":\"" + "s".repeat(4096) + "\"}");
      c.add(HEAD + ",\"" + name + "\":\"" + "s".repeat(4097) + "\",\"value\":\"x\"}");
      c.add(HEAD + ",\"" + name + "\":[\"" + "s".repeat(4095) + "\"]}");
    }
    // value and sentiment
    for (String v :
        List.of(
            "\"12.5\"",
            "\" 1e3 \"",
            "\"0x1p3\"",
            "\"1d\"",
            "\"NaN\"",
            "\"Infinity\"",
            "1e999",
            "-1e999",
            "1e12",
            "-1e12",
            "1.0000001e12",
            "1000000000001",
            "123456789012345678901234567890",
            "[1]",
            "{}",
            "true",
            "null",
            "NaN",
            "-Infinity",
            "-0",
            "-1",
            "1",
            "-1.0000001",
            "\"\"")) {
      c.add(HEAD + ",\"value\":" + v + "}");
      c.add(HEAD + ",\"sentiment\":" + v + "}");
      c.add(HEAD + ",\"value\":" + v + ",\"sentiment\":\"bad\"}");
    }
    // limits of the parser: nesting depth, number length, name length
    c.add(HEAD + ",\"x\":" + "[".repeat(999) + "]".repeat(999) + "}");
    c.add(HEAD + ",\"x\":" + "[".repeat(1001) + "]".repeat(1001) + "}");
    c.add(HEAD + ",\"attributes\":{\"a\":" + "[".repeat(1200) + "]".repeat(1200) + "}}");
    c.add("{\"event_id\":" + "{\"a\":".repeat(1100) + "1" + "}".repeat(1100) + "}");
    c.add(HEAD + ",\"x\":" + "1".repeat(1001) + "}");
    c.add(HEAD + ",\"value\":" + "1".repeat(1001) + "}");
    c.add(HEAD + ",\"value\":0." + "1".repeat(1001) + "}");
    c.add(HEAD + ",\"" + "k".repeat(60_000) + "\":1}");
    // large records
    StringBuilder big = new StringBuilder(HEAD).append(",\"attributes\":{");
    for (int i = 0; i < 20_000; i++) {
      big.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":\"v\"");
    }
    c.add(big.append("}}").toString());
    StringBuilder lots =
        new StringBuilder("{\"event_id\":\"e\",\"event_time\":1767607200000,\"identities\":[");
    for (int i = 0; i < 20_000; i++) {
      lots.append(i == 0 ? "" : ",")
          .append("{\"namespace\":\"cookie_id\",\"value\":\"")
          .append(i % 500)
          .append("\"}");
    }
    c.add(lots.append("]}").toString());
    c.add(HEAD + ",\"x\":\"" + "z".repeat(900_000) + "\"}");
    return c.stream();
  }

  @ParameterizedTest
  @MethodSource("edgeCases")
  void shouldDecodeEdgeCasesAsBefore(String json) {
    String what = json.length() > 300 ? json.substring(0, 300) + "…" : json;
    assertSame(what, decoder.decode(json), legacy.decode(json));
  }

  /** A record that an Avro ChannelEvent and a JSON line can both carry, and what becomes of it. */
  record Case(String name, ChannelEvent event, String reason) {}

  static List<Case> bothEncodings() {
    ChannelEvent ok = KafkaRecordFormatTest.full();
    String x4097 = "x".repeat(4097);
    List<Case> c = new ArrayList<>();
    c.add(new Case("accepted", ok, null));
    c.add(
        new Case(
            "accepted, unknown channel kept by the producer",
            ChannelEvent.newBuilder(ok)
                .setChannel(Channel.OTHER)
                .setAttributes(Map.of("raw_channel", "SMART_TV"))
                .build(),
            null));
    c.add(
        new Case(
            "accepted, email pseudonymised",
            ChannelEvent.newBuilder(ok)
                .setIdentities(List.of(new Identity(" Email ", " Jane@Example.com ")))
                .build(),
            null));
    c.add(
        new Case(
            "empty event_id",
            ChannelEvent.newBuilder(ok).setEventId("").build(),
            "missing_field: event_id (empty)"));
    c.add(
        new Case(
            "blank event_id",
            ChannelEvent.newBuilder(ok).setEventId(" \t").build(),
            "missing_field: event_id (empty)"));
    c.add(
        new Case(
            "long event_id",
            ChannelEvent.newBuilder(ok).setEventId("i".repeat(257)).build(),
            "invalid_field: event_id longer than 256 chars (257)"));
    c.add(
        new Case(
            "1970",
            ChannelEvent.newBuilder(ok).setEventTime(Instant.ofEpochMilli(1000)).build(),
            "implausible_event_time: 1970-01-01T00:00:01Z is outside [2000-01-01T00:00:00Z,"
                + " 2100-01-01T00:00:00Z)"));
    c.add(
        new Case(
            "2999, and an empty event_id",
            ChannelEvent.newBuilder(ok)
                .setEventId("")
                .setEventTime(Instant.parse("2999-01-01T00:00:00Z"))
                .build(),
            "missing_field: event_id (empty)"));
    c.add(
        new Case(
            "no identities",
            ChannelEvent.newBuilder(ok).setIdentities(List.of()).build(),
            "no_usable_identity: 0 identities, none usable (empty or placeholder values)"));
    c.add(
        new Case(
            "unusable identities",
            ChannelEvent.newBuilder(ok)
                .setIdentities(
                    List.of(
                        new Identity("cookie_id", "unknown"),
                        new Identity("device_id", "0000-0000"),
                        new Identity("a:b", "v"),
                        new Identity(" ", "v"),
                        new Identity("cookie_id", "v".repeat(513)),
                        new Identity("phone", "n/a ")))
                .build(),
            "no_usable_identity: 6 identities, none usable (empty or placeholder values)"));
    c.add(
        new Case(
            "long attribute, and a NaN value",
            ChannelEvent.newBuilder(ok)
                .setAttributes(Map.of("k", x4097))
                .setValue(Double.NaN)
                .build(),
            "invalid_field: attributes.k longer than 4096 chars"));
    for (String name : EventDecoder.OPTIONAL_STRINGS) {
      ChannelEvent e = ChannelEvent.newBuilder(ok).setSentiment(9.0).build();
      e.put(name, x4097);
      c.add(new Case("long " + name, e, "invalid_field: " + name + " longer than 4096 chars"));
    }
    for (double v : new double[] {Double.NaN, Double.POSITIVE_INFINITY, -1e300, 1.0000001e12}) {
      c.add(
          new Case(
              "value " + v,
              ChannelEvent.newBuilder(ok).setValue(v).setSentiment(Double.NaN).build(),
              "invalid_value: value " + v + " is not a finite number within ±1.0E12"));
    }
    for (double v : new double[] {Double.NaN, 7.5, -1.0000001}) {
      c.add(
          new Case(
              "sentiment " + v,
              ChannelEvent.newBuilder(ok).setSentiment(v).build(),
              "invalid_value: sentiment " + v + " is outside [-1, 1]"));
    }
    return c;
  }

  @Test
  void shouldGiveTheSameReasonFromKafkaAvroFilesAndJsonLines() throws IOException {
    List<Case> cases = bothEncodings();
    Path file = tmp.resolve("cases.avro");
    try (DataFileWriter<ChannelEvent> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(ChannelEvent.class))) {
      w.create(ChannelEvent.getClassSchema(), file.toFile());
      for (Case k : cases) {
        w.append(k.event());
      }
    }
    Path lines = tmp.resolve("cases.jsonl");
    StringBuilder text = new StringBuilder();
    for (Case k : cases) {
      text.append(jsonLine(k.event())).append('\n');
    }
    Files.writeString(lines, text);
    List<RawRecord> fromFile = readFile(file);
    List<RawRecord> fromLines = readFile(lines);
    KafkaRecordFormat format = new KafkaRecordFormat();
    for (int i = 0; i < cases.size(); i++) {
      Case k = cases.get(i);
      RawRecord kafka = format.read("t", 0, i, null, KafkaRecordFormat.encode(k.event()));
      DecodeResult fromKafka = decoder.decode(kafka);
      assertThat(fromKafka.reason()).as(k.name()).isEqualTo(k.reason());
      for (RawRecord other : List.of(fromFile.get(i), fromLines.get(i))) {
        DecodeResult d = decoder.decode(other);
        assertThat(d).as(k.name() + " " + other.source).isEqualTo(fromKafka);
      }
      assertSame(k.name(), fromKafka, legacy.decode(kafka.payloadText()));
    }
    // readers' reasons: a record cut short, and one over the size limit
    byte[] good = KafkaRecordFormat.encode(cases.get(0).event());
    assertThat(decoder.decode(format.read("t", 0, 0, null, Arrays.copyOf(good, 20))).reason())
        .startsWith("malformed_record: not an Avro ChannelEvent: ");
    String line = jsonLine(cases.get(0).event());
    assertThat(decoder.decode(line.substring(0, 20)).reason())
        .startsWith("malformed_record: Unexpected end-of-input");
    ChannelEvent huge =
        ChannelEvent.newBuilder(cases.get(0).event())
            .setAttributes(Map.of("pad", "p".repeat(RawRecord.MAX_RECORD_BYTES)))
            .build();
    assertThat(
            decoder.decode(format.read("t", 0, 0, null, KafkaRecordFormat.encode(huge))).reason())
        .startsWith("record_too_large: ");
    Files.writeString(lines, jsonLine(huge) + "\n");
    assertThat(decoder.decode(readFile(lines).get(0)).reason()).startsWith("record_too_large: ");
  }

  /** Reasons that only JSON can give: the Avro schema makes these fields present and typed. */
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"event_time\":1767607200000," + "IDS}" + "| missing_field: event_id",
        "{\"event_id\":true,\"event_time\":1767607200000,IDS}| invalid_field: event_id is not a string",
        "{\"event_id\":\"e\",IDS}| missing_field: event_time",
        "{\"event_id\":\"e\",\"event_time\":\"soon\",IDS}| invalid_field: event_time \"soon\"",
        "{\"event_id\":\"e\",\"event_time\":1767607200000}| missing_field: identities",
        "{\"event_id\":\"e\",\"event_time\":1767607200000,\"identities\":{}}"
            + "| invalid_field: identities is not an array",
        "{\"event_id\":\"e\",\"event_time\":1767607200000,IDS,\"attributes\":[1]}"
            + "| invalid_field: attributes is not an object",
        "{\"event_id\":\"e\",\"event_time\":1767607200000,IDS,\"value\":\"lots\"}"
            + "| invalid_field: value \"lots\"",
        "{\"event_id\":\"e\",\"event_time\":1767607200000,IDS,\"sentiment\":{\"a\":1}}"
            + "| invalid_field: sentiment {\"a\":1}",
        "[1]| malformed_record: not a JSON object",
      })
  void shouldGiveTheJsonOnlyReasons(String json, String reason) {
    String line = json.replace("IDS", IDS);
    assertThat(decoder.decode(line).reason()).isEqualTo(reason);
    assertSame(line, decoder.decode(line), legacy.decode(line));
  }

  /** A JSON line as a producer would write it: ISO event time, absent fields left out. */
  private static String jsonLine(ChannelEvent e) {
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("event_id", e.getEventId());
    m.put("event_time", e.getEventTime().toString());
    m.put("channel", e.getChannel().name());
    m.put("event_type", e.getEventType().name());
    List<Map<String, String>> ids = new ArrayList<>();
    for (Identity id : e.getIdentities()) {
      ids.add(Map.of("namespace", id.getNamespace(), "value", id.getValue()));
    }
    m.put("identities", ids);
    for (String name : EventDecoder.OPTIONAL_STRINGS) {
      Object v = e.get(name);
      if (v != null) {
        m.put(name, v);
      }
    }
    if (e.getValue() != null) {
      m.put("value", e.getValue());
    }
    if (e.getSentiment() != null) {
      m.put("sentiment", e.getSentiment());
    }
    m.put("attributes", e.getAttributes());
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(m);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  @Test
  void shouldBlockTheSameIdentityValues() {
    ValidationRules rules =
        new ValidationRules(
            ValidationRules.DEFAULT_FROM,
            ValidationRules.DEFAULT_TO,
            List.of(" Guest-User ", "xx"),
            1e12);
    EventDecoder strict = new EventDecoder(rules, new Pseudonymiser(KEY));
    LegacyEventDecoder strictBefore = new LegacyEventDecoder(rules, new Pseudonymiser(KEY));
    String alphabet = "0-. \t\n\u00a0aAnNuUlLgGeEsStTrRxX/\u0130\u212a\u00df\u03a3";
    PropertyCheck.forAll(
            "identity value",
            rnd -> {
              StringBuilder v = new StringBuilder();
              int n = rnd.nextInt(4) == 0 ? 10 + rnd.nextInt(8) : rnd.nextInt(12);
              for (int i = 0; i < n; i++) {
                v.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
              }
              List<String> known =
                  List.of(
                      "  GUEST-user",
                      "Unknown ",
                      "N/A",
                      "0-0. 0",
                      "xX",
                      "00000000-0000-0000-0000-000000000000",
                      " 0000000000. ",
                      "0000000000a",
                      "\u00a00000000000");
              return rnd.nextInt(4) == 0 ? known.get(rnd.nextInt(known.size())) : v.toString();
            })
        .tries(5_000)
        .check(
            v -> {
              String line =
                  "{\"event_id\":\"e\",\"event_time\":1767607200000,\"identities\":[{\"namespace\":"
                      + "\"device_id\",\"value\":"
                      + TextNode.valueOf(v)
                      + "}]}";
              assertSame(v, strict.decode(line), strictBefore.decode(line));
            });
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void shouldNeverThrowOnAnyBytesGivenStraightToTheAvroDecoder() {
    List<byte[]> datums = avro.stream().map(r -> r.avro).toList();
    KafkaRecordFormat format = new KafkaRecordFormat();
    PropertyCheck.forAll(
            "bytes for decodeAvro",
            rnd -> {
              if (rnd.nextBoolean()) {
                byte[] b = new byte[rnd.nextInt(300)];
                rnd.nextBytes(b);
                return b;
              }
              return mutate(datums.get(rnd.nextInt(datums.size())), rnd);
            })
        .tries(20_000)
        .check(
            bytes -> {
              DecodeResult d = decoder.decodeAvro(bytes); // never throws
              assertThat(d.isAccepted()).isEqualTo(d.reason() == null);
              RawRecord checked = format.read("t", 0, 0, null, bytes);
              if (checked.readError == null) {
                assertThat(d).isEqualTo(decoder.decode(checked));
              }
            });
  }

  // -------------------------------------------------------------------------------------------

  /** Both results say the same, and an accepted event is the same event. */
  static void assertSame(String what, DecodeResult now, LegacyEventDecoder.DecodeResult before) {
    assertThat(now.reason()).as(what).isEqualTo(before.reason());
    assertThat(now.eventId()).as(what).isEqualTo(before.eventId());
    assertThat(now.eventTime()).as(what).isEqualTo(before.eventTime());
    assertThat(now.isAccepted()).as(what).isEqualTo(before.isAccepted());
    if (before.isAccepted()) {
      Event expected = EventRows.of(before.event());
      assertThat(now.event()).as(what).isEqualTo(expected);
      assertThat(now.event().toString()).isEqualTo(expected.toString());
    }
  }

  /** Every planted bad record is rejected with its reason code, or accepted as the truth says. */
  private void checkGroundTruth(List<RawRecord> records, GroundTruth truth, int kinds) {
    Map<String, RawRecord> byLocation = new HashMap<>();
    for (RawRecord r : records) {
      String file = Path.of(r.source.substring(0, r.source.lastIndexOf(':'))).getFileName() + "";
      byLocation.put(file + r.source.substring(r.source.lastIndexOf(':')), r);
    }
    assertThat(truth.badRecords().stream().map(GroundTruth.BadRecord::kind).distinct())
        .hasSize(kinds);
    for (GroundTruth.BadRecord b : truth.badRecords()) {
      RawRecord r = byLocation.get(b.file() + ":" + b.line());
      assertThat(r).as(b.toString()).isNotNull();
      DecodeResult d = decoder.decode(r);
      if (b.reasonCode() == null) {
        assertThat(d.isAccepted()).as(b + " " + d.reason()).isTrue();
      } else {
        assertThat(d.reason()).as(b.toString()).startsWith(b.reasonCode() + ": ");
        assertThat(d.eventId()).as(b.toString()).isEqualTo(b.eventId());
      }
    }
  }

  private static final String[] FRAGMENTS = {
    "\"",
    "{",
    "}",
    "[",
    "]",
    ",",
    ":",
    " ",
    "null",
    "true",
    "NaN",
    "-Infinity",
    "Infinity",
    "+Infinity",
    "1e999",
    "-0",
    "0.5",
    "1.0E3",
    "12345678901234567890123",
    "9223372036854775807",
    "\"x\"",
    "\"\"",
    "\\",
    "\\u0041",
    "\\ud800",
    "é",
    "\u0001",
    "\n",
    "\t",
    "\"event_id\":1,",
    "\"event_id\":\"e\",",
    "\"event_id\":{},",
    "\"event_id\":null,",
    "\"event_time\":\"1767607200000\",",
    "\"event_time\":\" 2026-01-05t10:00:00z \",",
    "\"event_time\":\"2026-01-05T10:00:00+01:00\",",
    "\"event_time\":1.5e12,",
    "\"event_time\":[1767607200000],",
    "\"identities\":[],",
    "\"identities\":{},",
    "\"identities\":[1,\"a\",null,{\"namespace\":\"email\",\"value\":\"A@B.example\"}],",
    "{\"namespace\":\" Cookie_ID \",\"value\":12},",
    "{\"namespace\":\"x:y\",\"value\":\"v\"},",
    "\"attributes\":{\"a\":[1,{\"b\":null}],\"n\":NaN,\"i\":-0,\"d\":1e3,\"t\":true},",
    "\"attributes\":[1],",
    "\"attributes\":null,",
    "\"channel\":\" web \",",
    "\"channel\":7,",
    "\"event_type\":{\"x\":1},",
    "\"value\":\" 12.5 \",",
    "\"value\":\"0x1p3\",",
    "\"value\":[1],",
    "\"sentiment\":\"-1\",",
    "\"sentiment\":false,",
    "\"outcome\":\" resolved\",",
    "\"outcome\":3,",
    "\"topic\":{\"a\":\"b\"},",
    "\"unknown\":{\"deep\":[[[]]]},",
  };

  /** One to three random edits of a JSON line. */
  static String mutate(String line, Random rnd) {
    StringBuilder sb = new StringBuilder(line);
    int edits = 1 + rnd.nextInt(3);
    for (int e = 0; e < edits; e++) {
      int at = sb.length() == 0 ? 0 : rnd.nextInt(sb.length() + 1);
      switch (rnd.nextInt(5)) {
        case 0 -> sb.delete(at, Math.min(sb.length(), at + 1 + rnd.nextInt(4)));
        case 1 -> sb.insert(at, FRAGMENTS[rnd.nextInt(FRAGMENTS.length)]);
        case 2 -> {
          if (at < sb.length()) {
            sb.setCharAt(
                at, (char) (rnd.nextBoolean() ? 32 + rnd.nextInt(95) : rnd.nextInt(0x3000)));
          }
        }
        case 3 -> {
          int to = Math.min(sb.length(), at + rnd.nextInt(40));
          sb.insert(to, sb.substring(at, to));
        }
        default -> {
          // a known field right after the opening brace: an early duplicate key
          int brace = sb.indexOf("{");
          if (brace >= 0) {
            sb.insert(brace + 1, FRAGMENTS[29 + rnd.nextInt(FRAGMENTS.length - 29)]);
          }
        }
      }
    }
    return sb.toString();
  }

  /** One to four random byte edits of an Avro datum. */
  static byte[] mutate(byte[] datum, Random rnd) {
    byte[] b = datum.clone();
    int edits = 1 + rnd.nextInt(4);
    for (int e = 0; e < edits && b.length > 0; e++) {
      int at = rnd.nextInt(b.length);
      switch (rnd.nextInt(4)) {
        case 0 -> b[at] = (byte) rnd.nextInt(256);
        case 1 -> b[at] ^= (byte) (1 << rnd.nextInt(8));
        case 2 -> b[at] = (byte) (b[at] + (rnd.nextBoolean() ? 2 : -2)); // shifts a zig-zag value
        default -> {
          byte[] c = new byte[b.length - 1];
          System.arraycopy(b, 0, c, 0, at);
          System.arraycopy(b, at + 1, c, at, b.length - at - 1);
          b = c;
        }
      }
    }
    return b;
  }

  /** Every record of every event file of a generated data set, in file order. */
  static List<RawRecord> readAll(Path dir) throws IOException {
    List<RawRecord> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir.resolve("events"))) {
      for (Path f : s.sorted().toList()) {
        out.addAll(readFile(f));
      }
    }
    return out;
  }

  /** Every record of one event file, read by {@link EventFileFormat}. */
  static List<RawRecord> readFile(Path f) throws IOException {
    List<RawRecord> out = new ArrayList<>();
    FileSourceSplit split =
        new FileSourceSplit(
            "s", new org.apache.flink.core.fs.Path(f.toUri()), 0, Files.size(f), 0, Files.size(f));
    try (BulkFormat.Reader<RawRecord> reader =
        new EventFileFormat().createReader(new Configuration(), split)) {
      BulkFormat.RecordIterator<RawRecord> batch;
      while ((batch = reader.readBatch()) != null) {
        RecordAndPosition<RawRecord> r;
        while ((r = batch.next()) != null) {
          out.add(r.getRecord());
        }
        batch.releaseBatch();
      }
    }
    return out;
  }
}
