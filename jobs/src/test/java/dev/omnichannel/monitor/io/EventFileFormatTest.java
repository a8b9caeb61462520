package dev.omnichannel.monitor.io;

import static dev.omnichannel.monitor.event.EventRows.channelEvent;
import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class EventFileFormatTest {
  @TempDir Path dir;

  @Test
  void shouldTagJsonLinesWithFileAndLineAndSkipBlankLines() throws IOException {
    Path f = dir.resolve("a.jsonl");
    Files.writeString(f, "{\"a\":1}\n\n  \n{\"a\":2}\r\n{\"a\":3}");
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).extracting(r -> r.source).containsExactly(f + ":1", f + ":4", f + ":5");
    assertThat(records)
        .extracting(r -> r.payload)
        .containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
    assertThat(records).extracting(r -> r.readError).containsOnlyNulls();
  }

  @Test
  void shouldReadGzippedJsonLines() throws IOException {
    Path f = dir.resolve("a.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(f))) {
      out.write("{\"a\":1}\n{\"a\":2}\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThat(readAll(f, 0)).extracting(r -> r.payload).containsExactly("{\"a\":1}", "{\"a\":2}");
  }

  @Test
  void shouldFlagInvalidUtf8AndOversizedRecords() throws IOException {
    Path f = dir.resolve("bad.jsonl");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.write(
        new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
    bytes.write(
        ("{\"big\":\"" + "x".repeat(RawRecord.MAX_RECORD_BYTES) + "\"}\n")
            .getBytes(StandardCharsets.UTF_8));
    bytes.write("{\"ok\":true}\n".getBytes(StandardCharsets.UTF_8));
    Files.write(f, bytes.toByteArray());
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).hasSize(3);
    assertThat(records.get(0).readError).isEqualTo("malformed_record: invalid UTF-8");
    assertThat(records.get(1).readError)
        .isEqualTo("record_too_large: " + (RawRecord.MAX_RECORD_BYTES + 10) + " bytes");
    assertThat(records.get(1).payload).hasSize(RawRecord.MAX_PAYLOAD);
    assertThat(records.get(2).readError).isNull();
    assertThat(records.get(2).source).endsWith("bad.jsonl:3");
  }

  @Test
  void shouldRenderAvroRecordsAsJsonTheDecoderAccepts() throws IOException {
    Path f = dir.resolve("a.avro");
    ChannelEvent e =
        ChannelEvent.newBuilder()
            .setEventId("e1")
            .setEventTime(Instant.parse("2026-01-05T10:00:00Z"))
            .setChannel(Channel.CHAT)
            .setEventType(EventType.CONTACT_START)
            .setIdentities(List.of(new Identity("email", "jane@example.com")))
            .setTopic("billing")
            .setSentiment(-0.75)
            .setAttributes(Map.of("agent", "a-7"))
            .build();
    try (DataFileWriter<ChannelEvent> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(ChannelEvent.class))) {
      w.create(ChannelEvent.getClassSchema(), f.toFile());
      w.append(e);
      w.append(ChannelEvent.newBuilder(e).setEventId("e2").build());
    }
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).extracting(r -> r.source).containsExactly(f + ":1", f + ":2");
    EventDecoder decoder =
        new EventDecoder(
            ValidationRules.defaults(),
            new dev.omnichannel.monitor.identity.Pseudonymiser(
                "k".repeat(16).getBytes(StandardCharsets.UTF_8)));
    ChannelEvent back = channelEvent(decoder.decode(records.get(0)).event());
    assertThat(back.getEventId()).isEqualTo("e1");
    assertThat(back.getEventTime()).isEqualTo(e.getEventTime());
    assertThat(back.getChannel()).isEqualTo(Channel.CHAT);
    assertThat(back.getEventType()).isEqualTo(EventType.CONTACT_START);
    assertThat(back.getTopic()).isEqualTo("billing");
    assertThat(back.getSentiment()).isEqualTo(-0.75);
    assertThat(back.getAttributes()).containsEntry("agent", "a-7");
  }

  @Test
  void shouldCountACorruptAvroFileInsteadOfFailing() throws IOException {
    Path f = dir.resolve("corrupt.avro");
    Files.writeString(f, "this is not avro");
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).hasSize(1);
    assertThat(records.get(0).readError)
        .startsWith(
            "malformed_record: unreadable file from record 1 on (within its first 4 bytes):"
                + " undecodable Avro data");
    assertThat(records.get(0).payload)
        .isEqualTo(
            "first bytes (hex): "
                + java.util.HexFormat.of()
                    .formatHex("this is not avro".getBytes(StandardCharsets.US_ASCII)));
  }

  @Test
  void aFileThatIsNotGzipShouldBeOneDeadLetterWithItsFirstBytes() throws IOException {
    Path f = dir.resolve("notgz.jsonl.gz");
    Files.writeString(f, "{\"a\":1}\n{\"a\":2}\n");
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).hasSize(1);
    assertThat(records.get(0).source).isEqualTo(f.toString());
    assertThat(records.get(0).readError)
        .isEqualTo("malformed_record: unreadable file: ZipException: Not in GZIP format");
    assertThat(records.get(0).payload)
        .isEqualTo("first bytes (hex): 7b2261223a317d0a7b2261223a327d0a");
  }

  @Test
  void aTruncatedGzipFileShouldKeepItsRecordsBeforeTheDamage() throws IOException {
    Path whole = dir.resolve("whole.jsonl.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(whole))) {
      for (int i = 1; i <= 20_000; i++) {
        out.write(
            ("{\"n\":" + i + ",\"pad\":\"" + Integer.toHexString(i * 7919) + "\"}\n")
                .getBytes(StandardCharsets.UTF_8));
      }
    }
    byte[] bytes = Files.readAllBytes(whole);
    Path f = dir.resolve("truncated.jsonl.gz");
    Files.write(f, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    List<RawRecord> records = readAll(f, 0);
    RawRecord last = records.get(records.size() - 1);
    List<RawRecord> good = records.subList(0, records.size() - 1);
    assertThat(good).isNotEmpty().extracting(r -> r.readError).containsOnlyNulls();
    for (int i = 0; i < good.size(); i++) {
      assertThat(good.get(i).payload).startsWith("{\"n\":" + (i + 1) + ",");
    }
    int next = good.size() + 1;
    assertThat(last.source).isEqualTo(f + ":" + next);
    assertThat(last.readError)
        .startsWith("malformed_record: unreadable file from line " + next + " on: EOFException");
  }

  @Test
  void aFileThatVanishedAfterListingShouldBeOneDeadLetter() throws IOException {
    Path f = dir.resolve("gone.jsonl");
    FileSourceSplit split =
        new FileSourceSplit("s", new org.apache.flink.core.fs.Path(f.toUri()), 0, 10, 0, 10);
    BulkFormat.Reader<RawRecord> reader =
        new EventFileFormat().createReader(new Configuration(), split);
    BulkFormat.RecordIterator<RawRecord> batch = reader.readBatch();
    RawRecord r = batch.next().getRecord();
    assertThat(r.source).isEqualTo(f.toString());
    assertThat(r.readError).startsWith("malformed_record: unreadable file: FileNotFoundException");
    assertThat(batch.next()).isNull();
    assertThat(reader.readBatch()).isNull();
    reader.close();
  }

  @Test
  void shouldResumeAfterTheRecordsAlreadyEmitted() throws IOException {
    Path f = dir.resolve("a.jsonl");
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= 1200; i++) {
      sb.append("{\"n\":").append(i).append("}\n");
    }
    Files.writeString(f, sb);
    List<RawRecord> rest = readAll(f, 1000);
    assertThat(rest).hasSize(200);
    assertThat(rest.get(0).payload).isEqualTo("{\"n\":1001}");
    assertThat(rest.get(0).source).endsWith(":1001");
  }

  @Test
  void shouldCarryChannelEventsAsDatumsAndRenderOnlyDeadLettersAsJson() throws IOException {
    Path f = dir.resolve("blocks.avro");
    List<ChannelEvent> events = new ArrayList<>();
    for (int i = 1; i <= 300; i++) {
      events.add(
          ChannelEvent.newBuilder()
              .setEventId(String.format("e-%03d", i))
              .setEventTime(Instant.parse("2026-01-05T10:00:00Z").plusSeconds(i))
              .setChannel(Channel.values()[i % Channel.values().length])
              .setEventType(EventType.PURCHASE)
              .setIdentities(List.of(new Identity(i % 2 == 0 ? "email" : "cookie_id", "v" + i)))
              .setValue(i % 10 == 0 ? Double.NaN : i * 1.5)
              .setAttributes(i % 3 == 0 ? Map.of("b", "x", "a", "mail a@b.example") : Map.of())
              .build());
    }
    try (DataFileWriter<ChannelEvent> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(ChannelEvent.class))) {
      w.setCodec(CodecFactory.deflateCodec(1));
      w.setSyncInterval(2048); // several blocks
      w.create(ChannelEvent.getClassSchema(), f.toFile());
      for (ChannelEvent e : events) {
        w.append(e);
      }
    }
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).hasSize(300);
    EventDecoder decoder =
        new EventDecoder(
            ValidationRules.defaults(),
            new dev.omnichannel.monitor.identity.Pseudonymiser(
                "k".repeat(16).getBytes(StandardCharsets.UTF_8)));
    LegacyEventDecoder legacy =
        new LegacyEventDecoder(
            ValidationRules.defaults(),
            new dev.omnichannel.monitor.identity.Pseudonymiser(
                "k".repeat(16).getBytes(StandardCharsets.UTF_8)));
    List<String> rendered = new ArrayList<>();
    try (DataFileReader<GenericRecord> r =
        new DataFileReader<>(f.toFile(), new GenericDatumReader<>())) {
      GenericRecord reuse = null;
      while (r.hasNext()) {
        reuse = r.next(reuse);
        rendered.add(AvroJson.render(reuse)); // what the reader gave as the payload before
      }
    }
    for (int i = 0; i < 300; i++) {
      RawRecord r = records.get(i);
      assertThat(r.source).isEqualTo(f + ":" + (i + 1));
      assertThat(r.payload).isNull();
      assertThat(r.avro).isEqualTo(KafkaRecordFormat.encode(events.get(i)));
      assertThat(r.payloadText()).isEqualTo(rendered.get(i));
      DecodeResult d = decoder.decode(r);
      DecodeEquivalenceTest.assertSame(r.source, d, legacy.decode(rendered.get(i)));
      assertThat(d.isAccepted()).isEqualTo((i + 1) % 10 != 0);
    }
    List<RawRecord> rest = readAll(f, 250);
    assertThat(rest).extracting(r -> r.source).startsWith(f + ":251").hasSize(50);
    assertThat(rest.get(0).avro).isEqualTo(records.get(250).avro);
  }

  @Test
  void shouldReadAnAvroFileOfAnotherSchemaAsJsonText() throws IOException {
    Schema identity =
        SchemaBuilder.record("Identity")
            .fields()
            .requiredString("namespace")
            .requiredString("value")
            .endRecord();
    Schema v0 =
        SchemaBuilder.record("ChannelEvent")
            .namespace("legacy")
            .fields()
            .requiredString("event_id")
            .requiredString("event_time")
            .name("identities")
            .type()
            .array()
            .items(identity)
            .noDefault()
            .optionalString("channel")
            .endRecord();
    Path f = dir.resolve("v0.avro");
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(v0))) {
      w.create(v0, f.toFile());
      GenericRecord id = new GenericData.Record(identity);
      id.put("namespace", "cookie_id");
      id.put("value", "c-1");
      GenericRecord e = new GenericData.Record(v0);
      e.put("event_id", "old-1");
      e.put("event_time", "2026-01-05T10:00:00Z");
      e.put("identities", List.of(id));
      e.put("channel", "web");
      w.append(e);
    }
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).hasSize(1);
    assertThat(records.get(0).avro).isNull();
    assertThat(records.get(0).payload)
        .isEqualTo(
            "{\"event_id\": \"old-1\", \"event_time\": \"2026-01-05T10:00:00Z\", \"identities\":"
                + " [{\"namespace\": \"cookie_id\", \"value\": \"c-1\"}], \"channel\": \"web\"}");
    DecodeResult d =
        new EventDecoder(
                ValidationRules.defaults(),
                new dev.omnichannel.monitor.identity.Pseudonymiser(
                    "k".repeat(16).getBytes(StandardCharsets.UTF_8)))
            .decode(records.get(0));
    assertThat(d.isAccepted()).as(d.reason()).isTrue();
    assertThat(d.event().channel()).isEqualTo("WEB");
    assertThat(d.event().eventTime).isEqualTo(1767607200000L);
  }

  @Test
  void shouldCountACorruptDatumOnceAfterTheRecordsBeforeIt() throws IOException {
    Path f = dir.resolve("corrupt-datum.avro");
    try (DataFileWriter<ChannelEvent> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(ChannelEvent.class))) {
      w.create(ChannelEvent.getClassSchema(), f.toFile());
      for (int i = 1; i <= 50; i++) {
        w.append(
            ChannelEvent.newBuilder(KafkaRecordFormatTest.minimal())
                .setEventId(String.format("e-%03d", i))
                .build());
      }
    }
    byte[] bytes = Files.readAllBytes(f);
    int at = new String(bytes, StandardCharsets.ISO_8859_1).indexOf("e-030");
    assertThat(bytes[at - 1]).isEqualTo((byte) 10); // the length of "e-030", zig-zag
    bytes[at - 1] = 0x7F; // a negative length
    Files.write(f, bytes);
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).hasSize(30);
    assertThat(records.subList(0, 29)).extracting(r -> r.readError).containsOnlyNulls();
    assertThat(records.get(29).source).isEqualTo(f + ":30");
    assertThat(records.get(29).readError)
        .startsWith(
            "malformed_record: unreadable file from record 30 on (within its first "
                + bytes.length
                + " bytes): undecodable Avro data: length -64 with");
    // the payload shows the bytes where the damaged datum starts: its event_id's bad length
    assertThat(records.get(29).payload).startsWith("bytes at the damage (hex): ");
    String damage = records.get(29).payload.substring("bytes at the damage (hex): ".length());
    String around =
        java.util.HexFormat.of().formatHex(java.util.Arrays.copyOfRange(bytes, at - 1, at + 5));
    assertThat(damage).contains("7f" + around.substring(2));
  }

  @ParameterizedTest
  @ValueSource(strings = {"null", "deflate", "snappy", "bzip2", "zstandard"})
  void shouldReadAvroFilesOfEveryCodecBlockByBlock(String codec) throws IOException {
    Path f = dir.resolve(codec + ".avro");
    List<byte[]> datums = new ArrayList<>();
    try (DataFileWriter<ChannelEvent> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(ChannelEvent.class))) {
      w.setCodec(CodecFactory.fromString(codec));
      w.setSyncInterval(512); // several blocks
      w.create(ChannelEvent.getClassSchema(), f.toFile());
      for (int i = 1; i <= 100; i++) {
        ChannelEvent e =
            ChannelEvent.newBuilder(KafkaRecordFormatTest.minimal())
                .setEventId(String.format("e-%03d", i))
                .build();
        w.append(e);
        datums.add(KafkaRecordFormat.encode(e));
      }
    }
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).hasSize(100);
    assertThat(records).extracting(r -> r.readError).containsOnlyNulls();
    for (int i = 0; i < 100; i++) {
      assertThat(records.get(i).avro).isEqualTo(datums.get(i));
    }
  }

  /** Found by fuzzing: Avro's own file reader allocated what a damaged header claimed. */
  @Test
  void aHeaderEntryClaimingAGigabyteShouldBeOneDeadLetterNotAnOutOfMemoryError()
      throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(new byte[] {'O', 'b', 'j', 1, 2}); // magic, a map of one entry
    b.write(new byte[] {(byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08}); // 1 GiB
    b.write("avro.schema".getBytes(StandardCharsets.UTF_8));
    Path f = dir.resolve("hostile-header.avro");
    Files.write(f, b.toByteArray());
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).hasSize(1);
    assertThat(records.get(0).readError)
        .isEqualTo(
            "malformed_record: unreadable file from record 1 on (within its first 10 bytes):"
                + " undecodable Avro data: header key of length 1073741824");
  }

  /** The xz codec's library is not on the job's class path: the file is one dead letter. */
  @Test
  void aFileOfACodecWhoseLibraryIsMissingShouldBeOneDeadLetter() throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.write(new byte[] {'O', 'b', 'j', 1, 4}); // magic, a map of two entries
    byte[] schema = ChannelEvent.getClassSchema().toString().getBytes(StandardCharsets.UTF_8);
    writeBytes(b, "avro.schema".getBytes(StandardCharsets.UTF_8));
    writeBytes(b, schema);
    writeBytes(b, "avro.codec".getBytes(StandardCharsets.UTF_8));
    writeBytes(b, "xz".getBytes(StandardCharsets.UTF_8));
    b.write(0); // end of the map
    b.write(new byte[16]); // sync
    b.write(new byte[] {2, 6, 'a', 'b', 'c'}); // one record in 3 bytes
    b.write(new byte[16]);
    Path f = dir.resolve("xz.avro");
    Files.write(f, b.toByteArray());
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).hasSize(1);
    assertThat(records.get(0).readError)
        .startsWith(
            "malformed_record: unreadable file from record 1 on (within its first 4607 bytes):"
                + " undecodable Avro data: java.lang.NoClassDefFoundError: org/tukaani/xz/");
  }

  private static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
    long v = (long) bytes.length << 1; // zig-zag of a non-negative length
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
    out.write(bytes, 0, bytes.length);
  }

  /** A block that claims more bytes than the file has: read only as far as the file goes. */
  @Test
  void aBlockClaimingMoreBytesThanTheFileHasShouldBeOneDeadLetterAfterTheBlocksBefore()
      throws IOException {
    Path f = dir.resolve("long-block.avro");
    try (DataFileWriter<ChannelEvent> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(ChannelEvent.class))) {
      w.create(ChannelEvent.getClassSchema(), f.toFile());
      w.append(KafkaRecordFormatTest.minimal());
      w.sync();
      w.append(KafkaRecordFormatTest.minimal());
    }
    byte[] bytes = Files.readAllBytes(f);
    byte[] datum = KafkaRecordFormat.encode(KafkaRecordFormatTest.minimal());
    // the second block: count 1 (0x02), its size, the datum, the sync marker
    int second = bytes.length - 16 - datum.length - 2;
    assertThat(bytes[second]).isEqualTo((byte) 2);
    byte[] hostile = java.util.Arrays.copyOf(bytes, second + 6);
    hostile[second + 1] = (byte) 0xFE; // 64 MiB - 1, zig-zag
    hostile[second + 2] = (byte) 0xFF;
    hostile[second + 3] = (byte) 0xFF;
    hostile[second + 4] = (byte) 0x3F;
    hostile[second + 5] = 0;
    Files.write(f, hostile);
    List<RawRecord> records = readAll(f, 0);
    assertThat(records).hasSize(2);
    assertThat(records.get(0).readError).isNull();
    assertThat(records.get(1).readError)
        .isEqualTo(
            "malformed_record: unreadable file from record 2 on (within its first 4635 bytes):"
                + " undecodable Avro data: block cut off: 1 of 67108863 bytes");
  }

  private static List<RawRecord> readAll(Path f, long skip) throws IOException {
    EventFileFormat format = new EventFileFormat();
    FileSourceSplit split =
        new FileSourceSplit(
            "s", new org.apache.flink.core.fs.Path(f.toUri()), 0, Files.size(f), 0, Files.size(f));
    BulkFormat.Reader<RawRecord> reader =
        skip == 0
            ? format.createReader(new Configuration(), split)
            : format.restoreReader(
                new Configuration(),
                split.updateWithCheckpointedPosition(
                    new CheckpointedPosition(CheckpointedPosition.NO_OFFSET, skip)));
    List<RawRecord> out = new ArrayList<>();
    BulkFormat.RecordIterator<RawRecord> batch;
    long expectedPosition = skip;
    while ((batch = reader.readBatch()) != null) {
      RecordAndPosition<RawRecord> r;
      while ((r = batch.next()) != null) {
        expectedPosition++;
        assertThat(r.getRecordSkipCount()).isEqualTo(expectedPosition);
        out.add(r.getRecord());
      }
      batch.releaseBatch();
    }
    reader.close();
    return out;
  }
}
