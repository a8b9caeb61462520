package dev.omnichannel.monitor.io;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * A frozen copy of the byte-by-byte JSON Lines reader that {@code EventFileFormat} replaced, kept
 * as the oracle of the line reader tests and as the "before" of the read benchmark. Do not change
 * it: it pins today's behaviour.
 */
final class LegacyLineReader {
  private LegacyLineReader() {}

  /** JSON Lines: splits on '\n', decodes strict UTF-8, enforces the record size limit. */
  static final class Reader {
    private final String file;
    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(1024);
    private final CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private long lineNo;
    private boolean eof;

    Reader(String file, InputStream in) {
      this.file = file;
      this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
    }

    public RawRecord next() throws IOException {
      while (!eof) {
        line.reset();
        long size = 0;
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
          size++;
          if (size <= RawRecord.MAX_RECORD_BYTES) {
            line.write(b);
          }
        }
        if (b == -1) {
          eof = true;
          if (size == 0) {
            return null;
          }
        }
        lineNo++;
        byte[] bytes = line.toByteArray();
        int len = bytes.length;
        if (len > 0 && bytes[len - 1] == '\r') {
          len--;
        }
        if (size > RawRecord.MAX_RECORD_BYTES) {
          String text =
              new String(bytes, 0, Math.min(len, RawRecord.MAX_PAYLOAD), StandardCharsets.UTF_8);
          return new RawRecord(
              file + ":" + lineNo, text, DeadLetterReason.RECORD_TOO_LARGE.with(size + " bytes"));
        }
        if (isBlank(bytes, len)) {
          continue;
        }
        try {
          String text = utf8.decode(ByteBuffer.wrap(bytes, 0, len)).toString();
          return new RawRecord(file + ":" + lineNo, text, null);
        } catch (CharacterCodingException e) {
          String lossy = new String(bytes, 0, len, StandardCharsets.UTF_8);
          return new RawRecord(
              file + ":" + lineNo, lossy, DeadLetterReason.MALFORMED_RECORD.with("invalid UTF-8"));
        }
      }
      return null;
    }

    private static boolean isBlank(byte[] bytes, int len) {
      for (int i = 0; i < len; i++) {
        byte c = bytes[i];
        if (c != ' ' && c != '\t' && c != '\r') {
          return false;
        }
      }
      return true;
    }

    public void close() throws IOException {
      in.close();
    }
  }
}
