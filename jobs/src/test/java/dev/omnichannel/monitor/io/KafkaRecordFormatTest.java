package dev.omnichannel.monitor.io;

import static dev.omnichannel.monitor.event.EventRows.channelEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class KafkaRecordFormatTest {
  private static final byte[] KEY = "kafka-format-test-key".getBytes(StandardCharsets.UTF_8);
  private final EventDecoder decoder =
      new EventDecoder(ValidationRules.defaults(), new Pseudonymiser(KEY));
  private final KafkaRecordFormat format = new KafkaRecordFormat();

  /** Every field set; no email or phone, so that decoding leaves it unchanged. */
  static ChannelEvent full() {
    return ChannelEvent.newBuilder()
        .setEventId("e-0000000042")
        .setEventTime(Instant.parse("2026-01-05T10:00:00.123Z"))
        .setChannel(Channel.CHAT)
        .setEventType(EventType.CONTACT_START)
        .setIdentities(
            List.of(new Identity("customer_id", "C-17"), new Identity("cookie_id", "ck-\"9\"")))
        .setSessionId("s-1")
        .setSourceSystem("chat-platform")
        .setOrderId("o-5")
        .setProductId("sku-1")
        .setCurrency("EUR")
        .setCampaign("spring")
        .setTopic("order_status")
        .setOutcome("RESOLVED")
        .setValue(12.5)
        .setSentiment(-0.25)
        .setAttributes(Map.of("agent", "a-7", "note", "line1\nline2 ünïcödé"))
        .build();
  }

  static ChannelEvent minimal() {
    return ChannelEvent.newBuilder()
        .setEventId("e1")
        .setEventTime(Instant.parse("2026-01-05T10:00:00Z"))
        .setChannel(Channel.WEB)
        .setEventType(EventType.PRODUCT_VIEW)
        .setIdentities(List.of(new Identity("cookie_id", "c-81")))
        .build();
  }

  private RawRecord read(byte[] value) {
    return format.read("events", 2, 17, 1_767_607_200_000L, value);
  }

  private String reason(byte[] value) {
    RawRecord r = read(value);
    DecodeResult d = decoder.decode(r);
    return d.isAccepted() ? null : d.reason();
  }

  @Test
  void shouldRenderAValidRecordAsJsonThatDecodesToTheSameEvent() {
    for (ChannelEvent e : List.of(full(), minimal())) {
      RawRecord r = read(KafkaRecordFormat.encode(e));
      assertThat(r.source).isEqualTo("kafka:events/2/17");
      assertThat(r.sourceTimestamp).isEqualTo(1_767_607_200_000L);
      assertThat(r.readError).isNull();
      assertThat(r.payloadText()).startsWith("{\"event_id\": \"" + e.getEventId() + "\"");
      DecodeResult d = decoder.decode(r);
      assertThat(d.isAccepted()).as(d.reason()).isTrue();
      assertThat(channelEvent(d.event())).isEqualTo(e);
    }
  }

  @Test
  void shouldRenderExactlyLikeTheAvroFileReader() throws Exception {
    // The file reader renders a GenericRecord read with the writer's schema through AvroJson.
    GenericRecord generic =
        new org.apache.avro.generic.GenericDatumReader<GenericRecord>(ChannelEvent.getClassSchema())
            .read(
                null,
                org.apache.avro.io.DecoderFactory.get()
                    .binaryDecoder(KafkaRecordFormat.encode(full()), null));
    assertThat(read(KafkaRecordFormat.encode(full())).payloadText())
        .isEqualTo(AvroJson.render(generic));
  }

  @Test
  void shouldAcceptAvroSingleObjectEncoding() throws Exception {
    ByteBuffer buf = full().toByteBuffer();
    byte[] bytes = new byte[buf.remaining()];
    buf.get(bytes);
    assertThat(bytes[0] & 0xFF).isEqualTo(0xC3);
    RawRecord r = read(bytes);
    assertThat(r.readError).isNull();
    assertThat(channelEvent(decoder.decode(r).event())).isEqualTo(full());

    bytes[5] ^= 0x10; // another schema's fingerprint
    assertThat(reason(bytes))
        .startsWith("malformed_record: single-object encoding of another schema");
  }

  @Test
  void shouldTurnATombstoneIntoAMalformedRecord() {
    RawRecord r = read(null);
    assertThat(r.readError).isEqualTo("malformed_record: null value (tombstone)");
    assertThat(r.payload).isEmpty();
    assertThat(reason(new byte[0])).isEqualTo("malformed_record: empty value");
  }

  @Test
  void shouldTurnEveryTruncationIntoAMalformedRecord() {
    byte[] good = KafkaRecordFormat.encode(full());
    for (int n = 1; n < good.length; n++) {
      byte[] cut = Arrays.copyOf(good, n);
      RawRecord r = read(cut);
      assertThat(r.readError).as("cut at %d", n).startsWith("malformed_record: ");
      assertThat(KafkaRecordFormat.payloadBytes(r.payload)).isEqualTo(cut);
    }
  }

  @Test
  void shouldRejectTrailingBytesAfterACompleteRecord() {
    byte[] good = KafkaRecordFormat.encode(minimal());
    byte[] longer = Arrays.copyOf(good, good.length + 3);
    assertThat(reason(longer))
        .isEqualTo(
            "malformed_record: not an Avro ChannelEvent: 3 bytes left after a complete record"
                + " (another schema?)");
  }

  @Test
  void shouldRejectARecordOfAnotherSchema() throws Exception {
    Schema other =
        SchemaBuilder.record("PageHit")
            .fields()
            .requiredLong("hit_id")
            .requiredString("url")
            .requiredString("user_agent")
            .requiredLong("ts")
            .endRecord();
    SplittableRandom rnd = new SplittableRandom(1);
    for (int i = 0; i < 200; i++) {
      GenericRecord rec = new GenericData.Record(other);
      rec.put("hit_id", rnd.nextLong(0, 1_000_000));
      rec.put("url", "https://shop.example/p/" + rnd.nextInt(1000));
      rec.put("user_agent", "Mozilla/5.0 (X11; Linux x86_64)");
      rec.put("ts", 1_767_607_200_000L + rnd.nextInt(1_000_000));
      String reason = reason(write(other, rec));
      assertThat(reason).as("record %d", i).startsWith("malformed_record: ");
    }
  }

  @Test
  @Timeout(value = 20, unit = TimeUnit.SECONDS)
  void shouldNeverThrowOnRandomBytesAndKeepThemAsBase64() {
    SplittableRandom rnd = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      byte[] b = new byte[rnd.nextInt(0, 400)];
      rnd.nextBytes(b);
      RawRecord r = read(b);
      if (r.readError != null) {
        assertThat(r.readError).startsWith("malformed_record: ");
        byte[] back = KafkaRecordFormat.payloadBytes(r.payload);
        if (!new String(b, StandardCharsets.ISO_8859_1).matches("(?s).*[@+(].*")) {
          assertThat(back).isEqualTo(b);
        } else {
          assertThat(back).hasSameSizeAs(b);
        }
      } else {
        // astronomically unlikely, but then it is a real ChannelEvent: the decoder decides
        assertThat(decoder.decode(r)).isNotNull();
      }
    }
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void shouldRejectLengthsAndCountsTheBytesCannotHold() {
    byte[] prefix = prefixUpToAttributes();
    // a map claiming 2^30 entries in a few bytes
    assertThat(reason(concat(prefix, varint(1L << 30), "k".getBytes())))
        .startsWith("malformed_record: not an Avro ChannelEvent: block of ");
    // map of 2^40 entries whose keys have length -1 (Avro's own skip would loop on them forever)
    assertThat(reason(concat(prefix, varint(1L << 40), varint(-1), varint(-1))))
        .startsWith("malformed_record: not an Avro ChannelEvent: block of 1099511627776 items");
    // a negative string length for event_id
    assertThat(reason(concat(varint(-5), new byte[20])))
        .isEqualTo(
            "malformed_record: not an Avro ChannelEvent: length -5 with 20 bytes left at byte 1");
    // a huge string length for event_id
    assertThat(reason(concat(varint(Integer.MAX_VALUE), new byte[20])))
        .startsWith("malformed_record: not an Avro ChannelEvent: length 2147483647");
    // an enum index out of range
    byte[] good = KafkaRecordFormat.encode(minimal());
    byte[] badEnum = good.clone();
    int channelAt = 1 + "e1".length() + varint(minimal().getEventTime().toEpochMilli()).length;
    badEnum[channelAt] = 0x7E; // zig-zag 63
    assertThat(reason(badEnum)).contains("enum Channel index 63 out of range");
    // invalid UTF-8 in a string
    byte[] badUtf = good.clone();
    badUtf[1] = (byte) 0xC3;
    badUtf[2] = (byte) 0x28;
    assertThat(reason(badUtf)).contains("invalid UTF-8 in a string");
  }

  @Test
  @Timeout(value = 10, unit = TimeUnit.SECONDS)
  void shouldFlagRecordsOverTheLimitAndKeepTheirStartAsBase64() {
    ChannelEvent big =
        ChannelEvent.newBuilder(minimal())
            .setSessionId("s+(1)")
            .setAttributes(Map.of("padding", "x".repeat(RawRecord.MAX_RECORD_BYTES)))
            .build();
    byte[] bytes = KafkaRecordFormat.encode(big);
    assertThat(bytes.length).isGreaterThan(RawRecord.MAX_RECORD_BYTES);
    RawRecord r = read(bytes);
    assertThat(r.readError).isEqualTo("record_too_large: " + bytes.length + " bytes");
    assertThat(r.payload).startsWith("base64:").hasSizeLessThanOrEqualTo(RawRecord.MAX_PAYLOAD);
    byte[] start = KafkaRecordFormat.payloadBytes(r.payload);
    assertThat(start.length).isGreaterThan(40_000);
    assertThat(start).isEqualTo(Arrays.copyOf(bytes, start.length));
    assertThat(decoder.decode(r).reason()).isEqualTo(r.readError);
    // the dead-letter redactor leaves a Base64 payload as it is, and quickly
    PayloadRedactor redactor = new PayloadRedactor(new Pseudonymiser(KEY));
    assertThat(redactor.redact(r.payload)).isEqualTo(r.payload);
  }

  @Test
  void shouldMaskEmailsAndPhonesInRawBytes() {
    ChannelEvent e =
        ChannelEvent.newBuilder(minimal())
            .setIdentities(
                List.of(
                    new Identity("email", "jane.doe@example.com"),
                    new Identity("phone", "+49 151 1234567")))
            .build();
    byte[] good = KafkaRecordFormat.encode(e);
    byte[] cut = Arrays.copyOf(good, good.length - 2);
    RawRecord r = read(cut);
    assertThat(r.readError).startsWith("malformed_record: ");
    String back =
        new String(KafkaRecordFormat.payloadBytes(r.payload), StandardCharsets.ISO_8859_1);
    assertThat(back).doesNotContain("jane.doe", "example.com", "151 1234567").contains("*****");
    assertThat(back).hasSize(cut.length);
  }

  @Test
  void shouldLetSemanticProblemsThroughToTheDecoder() {
    ChannelEvent old =
        ChannelEvent.newBuilder(minimal()).setEventTime(Instant.ofEpochMilli(86_400_000L)).build();
    assertThat(read(KafkaRecordFormat.encode(old)).readError).isNull();
    assertThat(reason(KafkaRecordFormat.encode(old))).startsWith("implausible_event_time: ");
    ChannelEvent nan = ChannelEvent.newBuilder(minimal()).setValue(Double.NaN).build();
    assertThat(reason(KafkaRecordFormat.encode(nan))).startsWith("invalid_value: ");
    ChannelEvent empty = ChannelEvent.newBuilder(minimal()).setEventId("").build();
    assertThat(reason(KafkaRecordFormat.encode(empty))).startsWith("missing_field: ");
    ChannelEvent noIds = ChannelEvent.newBuilder(minimal()).setIdentities(List.of()).build();
    assertThat(reason(KafkaRecordFormat.encode(noIds))).startsWith("no_usable_identity: ");
  }

  @Test
  void shouldDeserializeConsumerRecordsOneToOne() throws Exception {
    List<RawRecord> out = new ArrayList<>();
    Collector<RawRecord> collector =
        new Collector<>() {
          @Override
          public void collect(RawRecord record) {
            out.add(record);
          }

          @Override
          public void close() {}
        };
    KafkaRecordFormat f = org.apache.flink.util.InstantiationUtil.clone(format);
    f.deserialize(
        new ConsumerRecord<>("t", 0, 5, null, KafkaRecordFormat.encode(minimal())), collector);
    f.deserialize(new ConsumerRecord<>("t", 1, 6, null, new byte[] {1, 2, 3}), collector);
    assertThat(out).extracting(r -> r.source).containsExactly("kafka:t/0/5", "kafka:t/1/6");
    assertThat(out).extracting(r -> r.sourceTimestamp).containsOnlyNulls(); // NO_TIMESTAMP
    assertThat(out.get(0).readError).isNull();
    assertThat(out.get(1).readError).startsWith("malformed_record: ");
    assertThat(f.getProducedType().getTypeClass()).isEqualTo(RawRecord.class);
  }

  // -------------------------------------------------------------------------------------------

  /** The bytes of minimal() up to, not including, its attributes map. */
  private static byte[] prefixUpToAttributes() {
    byte[] good = KafkaRecordFormat.encode(minimal());
    return Arrays.copyOf(good, good.length - 1); // the empty map is one 0 byte
  }

  private static byte[] write(Schema schema, GenericRecord rec) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(rec, enc);
    enc.flush();
    return out.toByteArray();
  }

  private static byte[] varint(long v) {
    long z = (v << 1) ^ (v >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    return out.toByteArray();
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  @Test
  void aMappedTopicsValuesAreTextRowsWithTheirMappedEventTime() {
    dev.omnichannel.monitor.mapping.Mapping calls =
        dev.omnichannel.monitor.mapping.Mapping.resource("/mappings/contact-centre.yaml");
    KafkaRecordFormat rows = new KafkaRecordFormat(null, Map.of("calls", calls));
    String row = "CC-1,05/07/2026 14:15:00,+44 7700 900270,C101450,agent.khan,COMPLAINTS,RES,610,1";
    RawRecord r = rows.read("calls", 0, 3, 17L, (row + "\r\n").getBytes(StandardCharsets.UTF_8));
    assertThat(r.source).isEqualTo("kafka:calls/0/3");
    assertThat(r.payload).isEqualTo(row); // without its line end
    assertThat(r.avro).isNull();
    assertThat(r.readError).isNull();
    assertThat(r.sourceTimestamp).isEqualTo(17L);
    // British Summer Time: the watermark sees 13:15 UTC
    assertThat(r.eventTime).isEqualTo(Instant.parse("2026-07-05T13:15:00Z").toEpochMilli());
    // a row that does not fit has no event time (the decoder makes it a dead letter)
    assertThat(rows.read("calls", 0, 4, null, "x,y".getBytes(StandardCharsets.UTF_8)).eventTime)
        .isNull();
    // two rows in one value, and bytes that are not UTF-8, are dead letters at once
    assertThat(
            rows.read("calls", 0, 5, null, (row + "\n" + row).getBytes(StandardCharsets.UTF_8))
                .readError)
        .isEqualTo("mapping: record has 2 lines, expected one row of csv");
    RawRecord binary = rows.read("calls", 0, 6, null, new byte[] {(byte) 0xC3, 0x28});
    assertThat(binary.readError)
        .isEqualTo("malformed_record: not UTF-8 text (a row of a mapped topic)");
    assertThat(binary.payload).startsWith(KafkaRecordFormat.BASE64_PREFIX);
    // other topics are Avro as before
    assertThat(rows.read("events", 0, 7, null, KafkaRecordFormat.encode(full())).avro).isNotNull();
  }
}
