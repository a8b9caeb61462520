package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.avro.ChannelEvent;
import java.io.IOException;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;

/**
 * Renders Avro records as JSON text: the dead-letter payload of a rejected Avro record, and the
 * payload of a record of an Avro container file written with another schema than {@code
 * ChannelEvent}'s, which {@link EventDecoder} then reads like a JSON line.
 *
 * <p>The record must have been read without logical-type conversions (a plain {@code
 * GenericDatumReader}): {@code event_time} is then a number of epoch milliseconds, enums are their
 * symbols, optional fields that are absent are {@code null}, and NaN or infinite doubles are
 * written as {@code NaN} / {@code Infinity}, which the decoder accepts and then rejects as invalid
 * values.
 */
public final class AvroJson {
  private static final ThreadLocal<Reader> READER = ThreadLocal.withInitial(Reader::new);

  private AvroJson() {}

  /** The record as JSON text. */
  public static String render(GenericRecord record) {
    return GenericData.get().toString(record);
  }

  /**
   * The Avro binary datum of a {@code ChannelEvent} as JSON text; for bytes that are not one datum,
   * {@code "base64:"} and their Base64 (see {@link KafkaRecordFormat#base64}).
   */
  public static String render(byte[] datum) {
    try {
      return render(READER.get().read(datum));
    } catch (IOException | RuntimeException e) {
      return KafkaRecordFormat.base64(datum);
    }
  }

  private static final class Reader {
    private final GenericDatumReader<GenericRecord> reader =
        new GenericDatumReader<>(ChannelEvent.getClassSchema());
    private BinaryDecoder decoder;

    GenericRecord read(byte[] datum) throws IOException {
      decoder = DecoderFactory.get().binaryDecoder(datum, decoder);
      return reader.read(null, decoder);
    }
  }
}
