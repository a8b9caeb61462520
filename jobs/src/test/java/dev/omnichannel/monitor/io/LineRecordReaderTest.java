package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.testing.PropertyCheck;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bulk JSON Lines reader gives exactly the records of the byte-by-byte reader it replaced
 * ({@link LegacyLineReader}): the same sources, payloads and read errors, whatever the bytes and
 * however the stream splits them.
 */
class LineRecordReaderTest {
  private static final int MAX = RawRecord.MAX_RECORD_BYTES;

  @TempDir Path dir;

  @Test
  void shouldDropOneCarriageReturnAndSkipBlankLinesButCountThem() throws IOException {
    List<RawRecord> r = read("a\r\n\r\n \t\r\n\r\r\nb\r\r\nc");
    assertThat(r).extracting(x -> x.source).containsExactly("f:1", "f:5", "f:6");
    assertThat(r).extracting(x -> x.payload).containsExactly("a", "b\r", "c");
    assertThat(r).extracting(x -> x.readError).containsOnlyNulls();
    same("a\r\n\r\n \t\r\n\r\r\nb\r\r\nc");
  }

  @Test
  void textRowsSkipTheirHeaderWhateverTheFileNameAndKeepTheirLineNumbers() throws IOException {
    byte[] csv = "id,at\r\na,1\r\n\r\nb,2\n".getBytes(StandardCharsets.UTF_8);
    List<RawRecord> r =
        drain(EventFileFormat.reader("calls.avro", "f", new ByteArrayInputStream(csv), 1));
    assertThat(r).extracting(x -> x.source + "=" + x.payload).containsExactly("f:2=a,1", "f:4=b,2");
    List<RawRecord> all =
        drain(EventFileFormat.reader("calls.txt", "f", new ByteArrayInputStream(csv), 0));
    assertThat(all).extracting(x -> x.payload).containsExactly("id,at", "a,1", "b,2");
  }

  @Test
  void shouldReadALastLineWithoutNewlineAndNothingAfterAFinalNewline() throws IOException {
    assertThat(read("x\ny")).extracting(x -> x.payload).containsExactly("x", "y");
    assertThat(read("x\ny\n")).extracting(x -> x.payload).containsExactly("x", "y");
    assertThat(read("")).isEmpty();
    assertThat(read("\n\n\r\n")).isEmpty();
    assertThat(read("  ")).isEmpty();
    for (String s : List.of("x\ny", "x\ny\n", "", "\n\n\r\n", "  ", "\r", "\n", "x\r")) {
      same(s);
    }
  }

  @Test
  void shouldFlagInvalidUtf8WithTheLenientTextAndKeepValidReplacementCharacters()
      throws IOException {
    byte[][] bad = {
      {'{', (byte) 0xC3, '(', '}'}, // bad continuation
      {(byte) 0x80}, // lone continuation
      {(byte) 0xC0, (byte) 0xAF}, // overlong '/'
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, // a surrogate
      {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, // beyond U+10FFFF
      {'x', (byte) 0xC3}, // cut at the line end
      {(byte) 0xF0, (byte) 0x9F, (byte) 0x98}, // cut four-byte sequence
    };
    for (byte[] b : bad) {
      List<RawRecord> r = read(concat(b, "\nok\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(r.get(0).readError).isEqualTo("malformed_record: invalid UTF-8");
      assertThat(r.get(0).payload).isEqualTo(new String(b, StandardCharsets.UTF_8));
      assertThat(r.get(1).readError).isNull();
      same(concat(b, "\nok\n".getBytes(StandardCharsets.UTF_8)));
    }
    String valid = "{\"a\":\"\uFFFD é 😀\"}";
    assertThat(read(valid)).extracting(x -> x.readError).containsOnlyNulls();
    assertThat(read(valid).get(0).payload).isEqualTo(valid);
  }

  @Test
  void shouldFlagLinesOverTheLimitWithoutHoldingThem() throws IOException {
    String big = "x".repeat(2 * 1024 * 1024);
    List<RawRecord> r = read("first\n" + big + "\nafter\n" + big);
    assertThat(r).extracting(x -> x.source).containsExactly("f:1", "f:2", "f:3", "f:4");
    assertThat(r.get(1).readError).isEqualTo("record_too_large: " + big.length() + " bytes");
    assertThat(r.get(1).payload).isEqualTo("x".repeat(RawRecord.MAX_PAYLOAD));
    assertThat(r.get(2).payload).isEqualTo("after");
    assertThat(r.get(3).readError).isEqualTo("record_too_large: " + big.length() + " bytes");
    same("first\n" + big + "\nafter\n" + big);
    // the edges: exactly the limit is a record; one more byte, even a '\r', is not
    String atLimit = "{\"" + "x".repeat(MAX - 4) + "\"}";
    assertThat(read(atLimit + "\n").get(0).payload).isEqualTo(atLimit);
    assertThat(read(atLimit + "\r\n").get(0).readError)
        .isEqualTo("record_too_large: " + (MAX + 1) + " bytes");
    assertThat(read(atLimit + " ").get(0).readError)
        .isEqualTo("record_too_large: " + (MAX + 1) + " bytes");
    for (String s :
        List.of(atLimit, atLimit + "\n", atLimit + "\r\n", atLimit + " \nz", "é" + big)) {
      same(s);
    }
  }

  @Test
  void shouldReadGzipLikePlainTextIncludingConcatenatedMembers() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    for (String part : List.of("{\"a\":1}\n{\"a\"", ":2}\n\n{\"a\":3}")) {
      try (OutputStream out = new GZIPOutputStream(gz)) {
        out.write(part.getBytes(StandardCharsets.UTF_8));
      }
    }
    Path f = dir.resolve("a.jsonl.gz");
    Files.write(f, gz.toByteArray());
    List<RawRecord> r =
        drain(
            new EventFileFormat.LineRecordReader(
                "f", new GZIPInputStream(Files.newInputStream(f), 1 << 16)));
    assertThat(r).extracting(x -> x.payload).containsExactly("{\"a\":1}", "{\"a\":2}", "{\"a\":3}");
    assertThat(r).extracting(x -> x.source).containsExactly("f:1", "f:2", "f:4");
  }

  @Test
  void shouldReadAnyBytesAsTheOldReaderDidHoweverTheStreamSplitsThem() {
    PropertyCheck.forAll("random JSON Lines bytes", LineRecordReaderTest::randomBytes)
        .tries(1_000)
        .check(
            bytes -> {
              try {
                assertThat(records(new EventFileFormat.LineRecordReader("f", chunky(bytes))))
                    .isEqualTo(records(new LegacyLineReader.Reader("f", chunky(bytes))));
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
  }

  // -------------------------------------------------------------------------------------------

  private static final byte[][] PIECES = {
    {'a'},
    {'{'},
    {'"'},
    {' '},
    {'\t'},
    {'\r'},
    {'\n'},
    {'\n'},
    {'\r', '\n'},
    {(byte) 0xC3, (byte) 0xA9},
    {(byte) 0xC3},
    {(byte) 0x80},
    {(byte) 0xFF},
    {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD},
    {(byte) 0xF0, (byte) 0x9F, (byte) 0x98, (byte) 0x80},
    "{\"event_id\":\"e1\"}".getBytes()
  };

  /** Mostly short lines of mixed bytes; now and then a line near or over the size limit. */
  private static byte[] randomBytes(Random rnd) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pieces = rnd.nextInt(200);
    for (int i = 0; i < pieces; i++) {
      out.writeBytes(PIECES[rnd.nextInt(PIECES.length)]);
    }
    if (rnd.nextInt(120) == 0) {
      int n = MAX - 3 + rnd.nextInt(7) + (rnd.nextInt(4) == 0 ? rnd.nextInt(MAX) : 0);
      byte[] run = new byte[n];
      java.util.Arrays.fill(run, (byte) 'y');
      if (rnd.nextBoolean()) {
        run[n - 1] = '\r';
      }
      if (rnd.nextBoolean()) {
        run[rnd.nextInt(RawRecord.MAX_PAYLOAD + 2)] = (byte) 0xC3;
      }
      out.writeBytes(run);
      if (rnd.nextBoolean()) {
        out.write('\n');
        out.writeBytes("tail".getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  /** A stream that hands out its bytes in random small and large pieces. */
  private static InputStream chunky(byte[] bytes) {
    Random rnd = new Random(bytes.length);
    return new ByteArrayInputStream(bytes) {
      @Override
      public synchronized int read(byte[] b, int off, int len) {
        int n = rnd.nextInt(4) == 0 ? 1 + rnd.nextInt(3) : 1 + rnd.nextInt(70_000);
        return super.read(b, off, Math.min(len, n));
      }
    };
  }

  private static List<String> records(EventFileFormat.RecordReader reader) throws IOException {
    List<String> out = new ArrayList<>();
    for (RawRecord r : drain(reader)) {
      out.add(r.source + "|" + r.readError + "|" + r.payload);
    }
    return out;
  }

  private static List<String> records(LegacyLineReader.Reader reader) throws IOException {
    List<String> out = new ArrayList<>();
    RawRecord r;
    while ((r = reader.next()) != null) {
      out.add(r.source + "|" + r.readError + "|" + r.payload);
    }
    return out;
  }

  private static List<RawRecord> drain(EventFileFormat.RecordReader reader) throws IOException {
    List<RawRecord> out = new ArrayList<>();
    RawRecord r;
    while ((r = reader.next()) != null) {
      out.add(r);
    }
    reader.close();
    return out;
  }

  private static List<RawRecord> read(String text) throws IOException {
    return read(text.getBytes(StandardCharsets.UTF_8));
  }

  private static List<RawRecord> read(byte[] bytes) throws IOException {
    return drain(new EventFileFormat.LineRecordReader("f", new ByteArrayInputStream(bytes)));
  }

  private static void same(String text) throws IOException {
    same(text.getBytes(StandardCharsets.UTF_8));
  }

  private static void same(byte[] bytes) throws IOException {
    assertThat(records(new EventFileFormat.LineRecordReader("f", chunky(bytes))))
        .isEqualTo(records(new LegacyLineReader.Reader("f", new ByteArrayInputStream(bytes))));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
