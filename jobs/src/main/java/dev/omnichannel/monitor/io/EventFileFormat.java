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
import java.util.zip.GZIPInputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.ArrayResultIterator;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;

/**
 * Reads event files for the {@code FileSource}: Avro container files ({@code *.avro}) and JSON
 * Lines ({@code *.jsonl}, {@code *.jsonl.gz}). Emits one {@link RawRecord} per record, tagged with
 * its file and line (Avro: record index), so that every rejected record can be traced to its
 * source. Files are not split. Blank lines are not records. A file that cannot be decoded from some
 * point on yields one record carrying the read error, so the failure is counted, not lost.
 */
public final class EventFileFormat implements BulkFormat<RawRecord, FileSourceSplit> {
  private static final int BATCH = 512;

  /** True for the file names this format reads. */
  public static boolean isEventFile(String name) {
    return name.endsWith(".avro")
        || name.endsWith(".jsonl")
        || name.endsWith(".jsonl.gz")
        || name.endsWith(".json")
        || name.endsWith(".json.gz");
  }

  @Override
  public Reader<RawRecord> createReader(Configuration config, FileSourceSplit split)
      throws IOException {
    return open(split, 0);
  }

  @Override
  public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split)
      throws IOException {
    long skip =
        split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
    return open(split, skip);
  }

  private static Reader<RawRecord> open(FileSourceSplit split, long skip) throws IOException {
    Path path = split.path();
    FSDataInputStream in = path.getFileSystem().open(path);
    String name = path.getName();
    String scheme = path.toUri().getScheme();
    String file =
        scheme == null || scheme.equals("file") ? path.toUri().getPath() : path.toString();
    RecordReader reader =
        name.endsWith(".avro")
            ? new AvroRecordReader(file, in)
            : new LineRecordReader(
                file, name.endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in);
    for (long i = 0; i < skip && reader.next() != null; i++) {
      // skip records already emitted before the restore
    }
    return new BatchingReader(reader, skip);
  }

  @Override
  public boolean isSplittable() {
    return false;
  }

  @Override
  public TypeInformation<RawRecord> getProducedType() {
    return TypeInformation.of(RawRecord.class);
  }

  /** Source of records of one file; {@code next()} returns null at the end. */
  interface RecordReader extends java.io.Closeable {
    RawRecord next() throws IOException;
  }

  private static final class BatchingReader implements Reader<RawRecord> {
    private final RecordReader reader;
    private long emitted;

    BatchingReader(RecordReader reader, long alreadyEmitted) {
      this.reader = reader;
      this.emitted = alreadyEmitted;
    }

    @Override
    public RecordIterator<RawRecord> readBatch() throws IOException {
      RawRecord[] batch = new RawRecord[BATCH];
      int n = 0;
      RawRecord r;
      while (n < BATCH && (r = reader.next()) != null) {
        batch[n++] = r;
      }
      if (n == 0) {
        return null;
      }
      ArrayResultIterator<RawRecord> it = new ArrayResultIterator<>();
      it.set(batch, n, CheckpointedPosition.NO_OFFSET, emitted);
      emitted += n;
      return it;
    }

    @Override
    public void close() throws IOException {
      reader.close();
    }
  }

  /** JSON Lines: splits on '\n', decodes strict UTF-8, enforces the record size limit. */
  static final class LineRecordReader implements RecordReader {
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

    LineRecordReader(String file, InputStream in) {
      this.file = file;
      this.in = in instanceof BufferedInputStream ? in : new BufferedInputStream(in, 1 << 16);
    }

    @Override
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

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /** Avro container files, read with the writer's schema and rendered as JSON text. */
  static final class AvroRecordReader implements RecordReader {
    private final String file;
    private final InputStream raw;
    private DataFileStream<GenericRecord> stream;
    private GenericRecord reuse;
    private long index;
    private boolean failed;

    AvroRecordReader(String file, InputStream in) {
      this.file = file;
      this.raw = in;
    }

    @Override
    public RawRecord next() throws IOException {
      if (failed) {
        return null;
      }
      try {
        if (stream == null) {
          stream =
              new DataFileStream<>(
                  new BufferedInputStream(raw, 1 << 16), new GenericDatumReader<>());
        }
        if (!stream.hasNext()) {
          return null;
        }
        reuse = stream.next(reuse);
        index++;
        return new RawRecord(file + ":" + index, AvroJson.render(reuse), null);
      } catch (IOException | RuntimeException e) {
        // A corrupt file or block: everything from here on is unreadable. Count it once.
        failed = true;
        index++;
        return new RawRecord(
            file + ":" + index,
            "",
            DeadLetterReason.MALFORMED_RECORD.with("undecodable Avro data: " + e.getMessage()));
      }
    }

    @Override
    public void close() throws IOException {
      if (stream != null) {
        stream.close();
      } else {
        raw.close();
      }
    }
  }
}
