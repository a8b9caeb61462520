package dev.omnichannel.monitor.pipeline;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.flow.*;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/** Explicit tie-breaking between records, so results never depend on arrival order. */
public final class EventOrder {
  private static final SpecificDatumWriter<ChannelEvent> WRITER =
      new SpecificDatumWriter<>(ChannelEvent.class);

  private EventOrder() {}

  /**
   * True when {@code a} should be kept over {@code b} among records sharing an event_id: the
   * earlier event_time wins, then the smaller serialized (Avro binary) form.
   */
  public static boolean keepFirst(ChannelEvent a, ChannelEvent b) {
    int c = a.getEventTime().compareTo(b.getEventTime());
    if (c != 0) {
      return c < 0;
    }
    return Arrays.compareUnsigned(serialize(a), serialize(b)) <= 0;
  }

  /** The Avro binary form of an event. */
  public static byte[] serialize(ChannelEvent e) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(bytes, null);
      synchronized (WRITER) {
        WRITER.write(e, enc);
      }
      enc.flush();
      return bytes.toByteArray();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }
}
