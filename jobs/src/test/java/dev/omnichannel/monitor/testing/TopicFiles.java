package dev.omnichannel.monitor.testing;

import dev.omnichannel.monitor.avro.ChannelEvent;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The records of a topic as backfill input, so that a backfill reads exactly what a stream read.
 */
public final class TopicFiles {
  private TopicFiles() {}

  /**
   * Writes every record value that decodes as a whole {@link ChannelEvent} to an Avro container
   * file at {@code file}, in topic order; the rest (planted broken bytes) are dead letters in
   * stream mode only and are left out. Returns how many were written.
   */
  public static int writeAvro(List<ConsumerRecord<byte[], byte[]>> records, Path file)
      throws IOException {
    Files.createDirectories(file.getParent());
    SpecificDatumReader<ChannelEvent> reader = new SpecificDatumReader<>(ChannelEvent.class);
    int n = 0;
    try (DataFileWriter<ChannelEvent> w =
        new DataFileWriter<>(new SpecificDatumWriter<>(ChannelEvent.class))) {
      w.create(ChannelEvent.getClassSchema(), file.toFile());
      BinaryDecoder decoder = null;
      for (ConsumerRecord<byte[], byte[]> r : records) {
        if (r.value() == null || r.value().length == 0 || r.value().length > 1 << 20) {
          continue;
        }
        try {
          decoder = DecoderFactory.get().binaryDecoder(r.value(), decoder);
          ChannelEvent e = reader.read(null, decoder);
          if (decoder.isEnd()) {
            w.append(e);
            n++;
          }
        } catch (Exception notAnEvent) {
          // a planted broken record
        }
      }
    }
    return n;
  }
}
