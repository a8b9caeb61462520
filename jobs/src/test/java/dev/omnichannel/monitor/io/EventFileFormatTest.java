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
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.RecordAndPosition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
    assertThat(records.get(0).readError).startsWith("malformed_record: undecodable Avro data");
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
