package dev.omnichannel.monitor.io.registry;

/**
 * The Confluent wire format of a Kafka value: magic byte {@code 0}, the writer schema's registry id
 * as a 4-byte big-endian int, then the Avro binary datum. Plain Java; {@link #parse} never reads
 * past the array and explains every frame it rejects.
 */
public final class WireFormat {
  /** The magic byte that starts every framed value. */
  public static final byte MAGIC = 0;

  /** Bytes before the datum: the magic byte and the schema id. */
  public static final int HEADER = 5;

  private WireFormat() {}

  /** A parsed frame: the schema id, and where the datum starts in the value. */
  public record Frame(int schemaId, int datumStart) {}

  /** A value that is not a well-formed frame; its message says why. */
  public static final class BadFrameException extends Exception {
    private static final long serialVersionUID = 1L;

    BadFrameException(String message) {
      super(message);
    }
  }

  /**
   * The frame of {@code value}.
   *
   * @throws BadFrameException for a null or empty value, a first byte other than {@code 0}, fewer
   *     than {@link #HEADER} bytes, a negative schema id, or no datum after the header
   */
  public static Frame parse(byte[] value) throws BadFrameException {
    if (value == null) {
      throw new BadFrameException("null value (tombstone)");
    }
    if (value.length == 0) {
      throw new BadFrameException("empty value");
    }
    if (value[0] != MAGIC) {
      throw new BadFrameException(
          String.format("magic byte 0x%02x, expected 0x00", value[0] & 0xFF));
    }
    if (value.length < HEADER) {
      throw new BadFrameException(
          value.length + " bytes, shorter than the " + HEADER + "-byte header");
    }
    int id =
        ((value[1] & 0xFF) << 24)
            | ((value[2] & 0xFF) << 16)
            | ((value[3] & 0xFF) << 8)
            | (value[4] & 0xFF);
    if (id < 0) {
      throw new BadFrameException("negative schema id " + id);
    }
    if (value.length == HEADER) {
      throw new BadFrameException("no datum after the header (schema id " + id + ")");
    }
    return new Frame(id, HEADER);
  }

  /** {@code datum} framed with {@code schemaId}, as a registry-aware producer writes it. */
  public static byte[] frame(int schemaId, byte[] datum) {
    byte[] out = new byte[HEADER + datum.length];
    out[0] = MAGIC;
    out[1] = (byte) (schemaId >>> 24);
    out[2] = (byte) (schemaId >>> 16);
    out[3] = (byte) (schemaId >>> 8);
    out[4] = (byte) schemaId;
    System.arraycopy(datum, 0, out, HEADER, datum.length);
    return out;
  }
}
