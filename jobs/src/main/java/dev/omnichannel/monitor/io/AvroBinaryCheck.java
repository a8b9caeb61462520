package dev.omnichannel.monitor.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.avro.Schema;

/**
 * Checks, without allocating anything sized by the input, that a byte range is exactly one Avro
 * binary datum of a schema: every length and count fits in the bytes that are left, enum and union
 * indexes are in range, strings are valid UTF-8, and no byte is left over. Only then is it safe to
 * hand the bytes to a {@code GenericDatumReader}: Avro itself allocates a string or array of any
 * length the data claims, and its skip methods accept negative lengths (and can loop forever).
 *
 * <p>Every array or map element takes at least one byte in the schemas this is used for, so a block
 * count larger than the bytes left is rejected. Not thread-safe.
 */
final class AvroBinaryCheck {
  private final CharsetDecoder utf8 =
      StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT);
  private final boolean strictUtf8;
  private byte[] buf;
  private int pos;
  private int end;

  /**
   * @param strictUtf8 whether strings must be valid UTF-8 (Kafka values); Avro files are read
   *     leniently, as Avro's own reader reads them (invalid sequences become U+FFFD)
   */
  AvroBinaryCheck(boolean strictUtf8) {
    this.strictUtf8 = strictUtf8;
  }

  /**
   * The end of the one datum of {@code schema} that starts at {@code from}, within {@code to}.
   * Throws an IOException saying why the bytes there are not a datum.
   */
  int datumEnd(Schema schema, byte[] bytes, int from, int to) throws java.io.IOException {
    buf = bytes;
    pos = from;
    end = to;
    try {
      datum(schema);
      return pos;
    } catch (Bad e) {
      throw new java.io.IOException(e.getMessage() + " at byte " + (pos - from));
    } finally {
      buf = null;
    }
  }

  /** Why the range is not one datum of {@code schema}, or null when it is. */
  String check(Schema schema, byte[] bytes, int from, int to) {
    buf = bytes;
    pos = from;
    end = to;
    try {
      datum(schema);
      if (pos != end) {
        return (end - pos) + " bytes left after a complete record (another schema?)";
      }
      return null;
    } catch (Bad e) {
      return e.getMessage() + " at byte " + (pos - from);
    } finally {
      buf = null;
    }
  }

  private void datum(Schema s) throws Bad {
    switch (s.getType()) {
      case NULL -> {}
      case BOOLEAN -> {
        int b = next();
        if (b > 1) {
          throw new Bad("boolean byte " + b);
        }
      }
      case INT -> varint(5);
      case LONG -> varint(10);
      case FLOAT -> skip(4);
      case DOUBLE -> skip(8);
      case FIXED -> skip(s.getFixedSize());
      case STRING -> string();
      case BYTES -> skip(length());
      case ENUM -> {
        long i = varint(5);
        if (i < 0 || i >= s.getEnumSymbols().size()) {
          throw new Bad("enum " + s.getName() + " index " + i + " out of range");
        }
      }
      case UNION -> {
        long i = varint(5);
        List<Schema> types = s.getTypes();
        if (i < 0 || i >= types.size()) {
          throw new Bad("union index " + i + " out of range");
        }
        datum(types.get((int) i));
      }
      case RECORD -> {
        for (Schema.Field f : s.getFields()) {
          datum(f.schema());
        }
      }
      case ARRAY -> blocks(s.getElementType(), false);
      case MAP -> blocks(s.getValueType(), true);
      default -> throw new Bad("unsupported type " + s.getType());
    }
  }

  private void blocks(Schema element, boolean map) throws Bad {
    while (true) {
      long count = varint(10);
      if (count == 0) {
        return;
      }
      if (count < 0) {
        count = -count;
        length(); // the block's byte size, which a reader may use to skip it
      }
      if (count < 0 || count > end - pos) {
        throw new Bad("block of " + count + " items in " + (end - pos) + " bytes");
      }
      for (long i = 0; i < count; i++) {
        if (map) {
          string();
        }
        datum(element);
      }
    }
  }

  private void string() throws Bad {
    int n = length();
    if (strictUtf8 && !isAscii(buf, pos, n)) {
      try {
        utf8.reset().decode(ByteBuffer.wrap(buf, pos, n));
      } catch (CharacterCodingException e) {
        throw new Bad("invalid UTF-8 in a string");
      }
    }
    pos += n;
  }

  private static boolean isAscii(byte[] b, int from, int n) {
    for (int i = from; i < from + n; i++) {
      if (b[i] < 0) {
        return false;
      }
    }
    return true;
  }

  /** A length prefix that must fit in the remaining bytes. */
  private int length() throws Bad {
    long n = varint(10);
    if (n < 0 || n > end - pos) {
      throw new Bad("length " + n + " with " + (end - pos) + " bytes left");
    }
    return (int) n;
  }

  private void skip(int n) throws Bad {
    if (n > end - pos) {
      throw new Bad("needs " + n + " bytes, " + (end - pos) + " left");
    }
    pos += n;
  }

  private int next() throws Bad {
    if (pos >= end) {
      throw new Bad("unexpected end of record");
    }
    return buf[pos++] & 0xFF;
  }

  /** A zig-zag varint of at most {@code maxBytes} bytes, decoded. */
  private long varint(int maxBytes) throws Bad {
    long raw = 0;
    for (int i = 0; i < maxBytes; i++) {
      int b = next();
      raw |= (long) (b & 0x7F) << (7 * i);
      if ((b & 0x80) == 0) {
        return (raw >>> 1) ^ -(raw & 1);
      }
    }
    throw new Bad("varint longer than " + maxBytes + " bytes");
  }

  private static final class Bad extends Exception {
    Bad(String message) {
      super(message, null, false, false);
    }
  }
}
