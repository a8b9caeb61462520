package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;

/**
 * Fuzzes the JSON path of the job: the bytes of a JSON Lines file (gzipped when they start with the
 * gzip magic) through the file reader and the JSON decoder to accepted events and dead letters, and
 * the bytes of an Avro container file through its reader and the Avro decoder. {@link
 * RecordInvariant} states what every record must become. In a plain test run the committed seeds
 * under {@code src/test/resources/.../EventFilesFuzzTestInputs/} run as tests; with {@code
 * JAZZER_FUZZ=1} (or {@code bench/fuzz.sh}) Jazzer fuzzes one method.
 */
class EventFilesFuzzTest {
  /** Records after the first this many of one input are not decoded (the reader still is). */
  private static final int MAX_DECODED = 64;

  private static final RecordInvariant INVARIANT = new RecordInvariant();

  @FuzzTest
  void jsonLines(byte[] file) throws IOException {
    boolean gzip = file.length >= 2 && (file[0] & 0xFF) == 0x1F && (file[1] & 0xFF) == 0x8B;
    readAll(gzip ? "fuzz.jsonl.gz" : "fuzz.jsonl", file);
  }

  @FuzzTest
  void avroFile(byte[] file) throws IOException {
    readAll("fuzz.avro", file);
  }

  /**
   * Reads every record of the file as the job's file source does, and checks each: a read error
   * from the reader itself is the one dead letter of a file that cannot be opened.
   */
  private static void readAll(String name, byte[] file) throws IOException {
    EventFileFormat.RecordReader reader;
    try {
      reader = EventFileFormat.reader(name, name, new ByteArrayInputStream(file));
    } catch (IOException e) {
      RawRecord dead = EventFileFormat.unreadable(name, "", e, "");
      assertThat(INVARIANT.check(dead)).isFalse();
      return;
    }
    try (reader) {
      int n = 0;
      RawRecord r;
      while ((r = reader.next()) != null) {
        // name:line or name:record; the file alone for a file that cannot be opened
        assertThat(r.source).startsWith(name);
        if (n++ < MAX_DECODED) {
          INVARIANT.check(r);
        }
      }
    }
  }
}
