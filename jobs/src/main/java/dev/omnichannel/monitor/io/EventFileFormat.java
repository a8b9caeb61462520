package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.avro.ChannelEvent;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.file.Codec;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
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
 * source: a JSON line as its text, an Avro {@code ChannelEvent} as its binary datum. Files are not
 * split. Blank lines are not records. A file that cannot be decoded from some point on yields one
 * record carrying the read error, so the failure is counted, not lost.
 */
public final class EventFileFormat implements BulkFormat<RawRecord, FileSourceSplit> {
  private static final int BATCH = 512;

  /**
   * True when every file is a text export read through a mapping ({@code --mapping}): each line,
   * whatever the file's name, is one record (gzipped when the name ends in {@code .gz}).
   */
  private final boolean textRows;

  /** Lines at the start of each file that are not records (a header), in text-row mode. */
  private final int headerLines;

  /**
   * The files that are text exports (absolute, normalised paths) and their header lines, when only
   * some of the files are; null otherwise.
   */
  private final Map<String, Integer> textFiles;

  /** The format of event files (Avro, JSON Lines). */
  public EventFileFormat() {
    this(false, 0, null);
  }

  private EventFileFormat(boolean textRows, int headerLines, Map<String, Integer> textFiles) {
    this.textRows = textRows;
    this.headerLines = headerLines;
    this.textFiles = textFiles == null ? null : new TreeMap<>(textFiles);
  }

  /**
   * The format of event files among which the files of {@code textFiles} (absolute, normalised
   * paths) are text exports, read one record per line with that many header lines skipped.
   */
  public static EventFileFormat textRows(Map<String, Integer> textFiles) {
    return new EventFileFormat(false, 0, textFiles);
  }

  /**
   * The format of the rows of a legacy export: one record per line of text (source {@code
   * file:line}), the first {@code headerLines} lines of each file skipped.
   */
  public static EventFileFormat textRows(int headerLines) {
    return new EventFileFormat(true, headerLines, null);
  }

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
    return open(split, 0, headerLines(split));
  }

  @Override
  public Reader<RawRecord> restoreReader(Configuration config, FileSourceSplit split)
      throws IOException {
    long skip =
        split.getReaderPosition().map(CheckpointedPosition::getRecordsAfterOffset).orElse(0L);
    return open(split, skip, headerLines(split));
  }

  /** The header lines of a text export, or -1 for an event file. */
  private int headerLines(FileSourceSplit split) {
    if (textRows) {
      return headerLines;
    }
    if (textFiles == null) {
      return -1;
    }
    Path path = split.path();
    String scheme = path.toUri().getScheme();
    if (scheme != null && !scheme.equals("file")) {
      return textFiles.getOrDefault(path.toString(), -1);
    }
    String file =
        java.nio.file.Path.of(path.toUri().getPath()).toAbsolutePath().normalize().toString();
    return textFiles.getOrDefault(file, -1);
  }

  /**
   * @param headerLines lines skipped at the start of a text export, or -1 for event files
   */
  private static Reader<RawRecord> open(FileSourceSplit split, long skip, int headerLines)
      throws IOException {
    Path path = split.path();
    String name = path.getName();
    String scheme = path.toUri().getScheme();
    String file =
        scheme == null || scheme.equals("file") ? path.toUri().getPath() : path.toString();
    RecordReader reader;
    try {
      reader = reader(path, name, file, headerLines);
    } catch (IOException e) {
      // gone since it was listed, not readable, not gzip: one dead letter, the run goes on
      reader = new FailedReader(unreadable(file, "", e, ""));
    }
    for (long i = 0; i < skip && reader.next() != null; i++) {
      // skip records already emitted before the restore
    }
    return new BatchingReader(reader, skip);
  }

  private static RecordReader reader(Path path, String name, String file, int headerLines)
      throws IOException {
    FSDataInputStream in = path.getFileSystem().open(path);
    return reader(name, file, in, headerLines);
  }

  static RecordReader reader(String name, String file, InputStream in) throws IOException {
    return reader(name, file, in, -1);
  }

  /**
   * The reader of one opened file, chosen by its name: Avro, gzipped or plain JSON Lines. A gzip
   * file whose header is damaged gives a reader of its one dead letter.
   */
  static RecordReader reader(String name, String file, InputStream in, int headerLines)
      throws IOException {
    if (headerLines < 0 && name.endsWith(".avro")) {
      return new AvroRecordReader(file, in);
    }
    int skip = Math.max(0, headerLines);
    if (!name.endsWith(".gz")) {
      return new LineRecordReader(file, in, skip);
    }
    BufferedInputStream buffered = new BufferedInputStream(in, 1 << 16);
    buffered.mark(HEAD_BYTES);
    byte[] head = buffered.readNBytes(HEAD_BYTES);
    buffered.reset();
    try {
      return new LineRecordReader(file, new GZIPInputStream(buffered, 1 << 16), skip);
    } catch (IOException e) {
      buffered.close();
      return new FailedReader(unreadable(file, "", e, "first bytes (hex): " + hex(head)));
    }
  }

  /** How many of a file's first bytes an unreadable compressed file's dead letter shows. */
  private static final int HEAD_BYTES = 32;

  private static String hex(byte[] b) {
    return java.util.HexFormat.of().formatHex(b);
  }

  /**
   * The dead letter of a file that cannot be read from some point on: its source is the file (and
   * the line where reading stopped), its reason names the error.
   */
  static RawRecord unreadable(String source, String where, Exception e, String payload) {
    String message = e.getMessage() == null ? "" : ": " + e.getMessage();
    return new RawRecord(
        source,
        payload,
        DeadLetterReason.MALFORMED_RECORD.with(
            "unreadable file" + where + ": " + e.getClass().getSimpleName() + message));
  }

  /** A file that could not be opened: its one dead letter. */
  private static final class FailedReader implements RecordReader {
    private RawRecord record;

    FailedReader(RawRecord record) {
      this.record = record;
    }

    @Override
    public RawRecord next() {
      RawRecord r = record;
      record = null;
      return r;
    }

    @Override
    public void close() {}
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

  /**
   * JSON Lines: splits on '\n', decodes strict UTF-8, enforces the record size limit. Reads the
   * stream in bulk into a byte buffer and scans it for line ends; a line's bytes are decoded once.
   *
   * <ul>
   *   <li>A line is the bytes before a '\n' (or before the end of the input: a last line without
   *       '\n' is a line); one '\r' before the '\n' is dropped.
   *   <li>Lines count from 1, blank lines too; a blank line (only spaces, tabs and '\r') is not a
   *       record.
   *   <li>A line of more than {@link RawRecord#MAX_RECORD_BYTES} bytes (its '\r' included) is
   *       {@code record_too_large: N bytes}, with its first {@link RawRecord#MAX_PAYLOAD} bytes as
   *       the payload; it is skipped without being held in memory.
   *   <li>Invalid UTF-8 is {@code malformed_record: invalid UTF-8}, with the text decoded leniently
   *       (U+FFFD for each bad sequence) as the payload.
   * </ul>
   */
  static final class LineRecordReader implements RecordReader {
    private static final int CHUNK = 1 << 16;

    private final String file;
    private final InputStream in;
    private final CharsetDecoder utf8 =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    private byte[] buf = new byte[CHUNK];
    private int pos;
    private int limit;

    /** No '\n' in [pos, scanned): where the next scan for a line end may start. */
    private int scanned;

    private boolean eof;
    private boolean failed;
    private long lineNo;

    /** Lines at the start that are not records (a text export's header). */
    private final int skipLines;

    LineRecordReader(String file, InputStream in) {
      this(file, in, 0);
    }

    LineRecordReader(String file, InputStream in, int skipLines) {
      this.file = file;
      this.in = in;
      this.skipLines = skipLines;
    }

    /**
     * The next record; when the file cannot be read further (a truncated or corrupt gzip stream, an
     * I/O error), one dead letter at the line where reading stopped, then the end. The records
     * before it are emitted as usual.
     */
    @Override
    public RawRecord next() throws IOException {
      if (failed) {
        return null;
      }
      try {
        return nextLine();
      } catch (IOException e) {
        failed = true;
        return unreadable(file + ":" + (lineNo + 1), " from line " + (lineNo + 1) + " on", e, "");
      }
    }

    private RawRecord nextLine() throws IOException {
      while (true) {
        int nl = indexOfNewline(buf, Math.max(pos, scanned), limit);
        if (nl < 0) {
          scanned = limit;
          if (limit - pos > RawRecord.MAX_RECORD_BYTES) {
            return tooLarge();
          }
          if (!eof) {
            fill();
            continue;
          }
          if (pos == limit) {
            return null;
          }
          nl = limit; // the last line, without '\n'
        }
        int start = pos;
        int size = nl - start;
        pos = nl < limit ? nl + 1 : limit;
        lineNo++;
        if (size > RawRecord.MAX_RECORD_BYTES) {
          return tooLarge(start, size);
        }
        int len = size > 0 && buf[nl - 1] == '\r' ? size - 1 : size;
        if (lineNo <= skipLines || isBlank(buf, start, len)) {
          continue;
        }
        return record(start, len);
      }
    }

    private RawRecord record(int start, int len) {
      String text = new String(buf, start, len, StandardCharsets.UTF_8);
      // Lenient decoding marks every invalid sequence with U+FFFD; only then can the line be
      // invalid, and the strict decoder decides (the line may hold a real U+FFFD).
      if (text.indexOf('\uFFFD') >= 0) {
        try {
          utf8.reset().decode(ByteBuffer.wrap(buf, start, len));
        } catch (CharacterCodingException e) {
          return new RawRecord(
              file + ":" + lineNo, text, DeadLetterReason.MALFORMED_RECORD.with("invalid UTF-8"));
        }
      }
      return new RawRecord(file + ":" + lineNo, text, null);
    }

    /** A line already known to be too large, wholly in the buffer. */
    private RawRecord tooLarge(int start, int size) {
      return new RawRecord(
          file + ":" + lineNo,
          new String(buf, start, RawRecord.MAX_PAYLOAD, StandardCharsets.UTF_8),
          DeadLetterReason.RECORD_TOO_LARGE.with(size + " bytes"));
    }

    /**
     * The line at {@link #pos} has no '\n' in more than MAX_RECORD_BYTES buffered bytes: keeps its
     * start as the payload and counts the rest of it away.
     */
    private RawRecord tooLarge() throws IOException {
      lineNo++;
      String payload = new String(buf, pos, RawRecord.MAX_PAYLOAD, StandardCharsets.UTF_8);
      long size = limit - pos;
      pos = limit;
      while (true) {
        if (pos == limit) {
          if (eof) {
            break;
          }
          pos = 0;
          limit = 0;
          fill();
          continue;
        }
        int nl = indexOfNewline(buf, pos, limit);
        if (nl >= 0) {
          size += nl - pos;
          pos = nl + 1;
          break;
        }
        size += limit - pos;
        pos = limit;
      }
      scanned = pos;
      return new RawRecord(
          file + ":" + lineNo, payload, DeadLetterReason.RECORD_TOO_LARGE.with(size + " bytes"));
    }

    /** Reads more bytes after the unread ones, moving them to the front or growing the buffer. */
    private void fill() throws IOException {
      if (pos > 0) {
        System.arraycopy(buf, pos, buf, 0, limit - pos);
        limit -= pos;
        scanned = Math.max(0, scanned - pos);
        pos = 0;
      }
      if (limit == buf.length) {
        buf = java.util.Arrays.copyOf(buf, buf.length * 2);
      }
      int n = in.read(buf, limit, buf.length - limit);
      if (n < 0) {
        eof = true;
      } else {
        limit += n;
      }
    }

    private static int indexOfNewline(byte[] b, int from, int to) {
      for (int i = from; i < to; i++) {
        if (b[i] == '\n') {
          return i;
        }
      }
      return -1;
    }

    private static boolean isBlank(byte[] bytes, int from, int len) {
      for (int i = from; i < from + len; i++) {
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

  /**
   * Avro container files. A file written with the {@code ChannelEvent} schema (the same parsing
   * canonical form) is read block by block, and each record travels as its binary datum, which the
   * decoder reads directly. A file of another schema is read with its writer's schema and each
   * record rendered as JSON text, which the decoder reads like a JSON line.
   *
   * <p>The container is read here rather than by Avro's {@code DataFileStream}, which allocates
   * whatever a damaged or hostile file claims (a header entry or a block of up to 2 GB, so a file
   * of a few bytes could exhaust the heap and fail the job). Here nothing is allocated beyond the
   * bytes the file really has: header entries and blocks are read with {@link
   * InputStream#readNBytes(int)}, which grows its buffer only as bytes arrive; a decompressed block
   * is at most {@link #MAX_BLOCK_BYTES} (deflate and snappy are checked before they expand; other
   * codecs are Avro's own); and every record of a block is checked with {@link AvroBinaryCheck}
   * before Avro's datum reader sees it. A file that breaks any of this is unreadable from that
   * record on: one dead letter, as for any damaged file.
   */
  static final class AvroRecordReader implements RecordReader {
    private static final Schema SCHEMA = ChannelEvent.getClassSchema();
    private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(SCHEMA);
    private static final byte[] MAGIC = {'O', 'b', 'j', 1};
    private static final int SYNC_SIZE = 16;

    /** Largest block, after decompression, that a file may have. */
    static final int MAX_BLOCK_BYTES = 64 << 20;

    private final String file;
    private final CountingStream in;
    private final AvroBinaryCheck check = new AvroBinaryCheck(false);
    private boolean opened;
    private Schema writer;
    private boolean direct;
    private String codec;
    private Codec avroCodec;
    private byte[] sync;
    private GenericDatumReader<GenericRecord> generic;
    private BinaryDecoder decoder;
    private GenericRecord reuse;
    private byte[] block;
    private int blockPos;
    private int blockEnd;
    private long blockLeft;
    private long index;
    private boolean failed;

    AvroRecordReader(String file, InputStream in) {
      this.file = file;
      this.in = new CountingStream(new BufferedInputStream(in, 1 << 16));
    }

    /** Counts the bytes the reader has taken from the file and keeps its first ones. */
    private static final class CountingStream extends java.io.FilterInputStream {
      final byte[] head = new byte[HEAD_BYTES];
      int headLength;
      long count;

      CountingStream(InputStream in) {
        super(in);
      }

      @Override
      public int read() throws IOException {
        int b = super.read();
        if (b >= 0) {
          if (headLength < head.length) {
            head[headLength++] = (byte) b;
          }
          count++;
        }
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
          int keep = Math.min(n, head.length - headLength);
          if (keep > 0) {
            System.arraycopy(b, off, head, headLength, keep);
            headLength += keep;
          }
          count += n;
        }
        return n;
      }

      @Override
      public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        count += skipped;
        return skipped;
      }

      /** The file's first bytes, reading on (best effort) if fewer have been read. */
      byte[] firstBytes() {
        try {
          while (headLength < head.length && read() >= 0) {
            // read() keeps the byte in head
          }
        } catch (IOException | RuntimeException e) {
          // show what there is
        }
        return java.util.Arrays.copyOf(head, headLength);
      }

      private long markCount;
      private int markHead;

      @Override
      public synchronized void mark(int readLimit) {
        super.mark(readLimit);
        markCount = count;
        markHead = headLength;
      }

      @Override
      public synchronized void reset() throws IOException {
        super.reset();
        count = markCount;
        headLength = markHead;
      }
    }

    @Override
    public RawRecord next() throws IOException {
      if (failed) {
        return null;
      }
      try {
        if (!opened) {
          readHeader();
          opened = true;
        }
        while (blockLeft == 0) {
          if (block != null && blockPos != blockEnd) {
            throw new IOException("Block read partially, the data may be corrupt");
          }
          if (!readBlock()) {
            return null;
          }
        }
        int datumEnd = check.datumEnd(writer, block, blockPos, blockEnd);
        index++;
        blockLeft--;
        if (direct) {
          byte[] datum = java.util.Arrays.copyOfRange(block, blockPos, datumEnd);
          blockPos = datumEnd;
          return RawRecord.avro(file + ":" + index, datum, null);
        }
        decoder = DecoderFactory.get().binaryDecoder(block, blockPos, datumEnd - blockPos, decoder);
        reuse = generic.read(reuse, decoder);
        blockPos = datumEnd;
        return new RawRecord(file + ":" + index, AvroJson.render(reuse), null);
      } catch (IOException | RuntimeException | StackOverflowError | LinkageError e) {
        // A corrupt file or block: everything from here on is unreadable. Count it once.
        failed = true;
        index++;
        long consumed = in.count;
        String payload =
            direct && block != null && blockPos < blockEnd
                ? "bytes at the damage (hex): "
                    + hex(
                        java.util.Arrays.copyOfRange(
                            block, blockPos, Math.min(blockEnd, blockPos + HEAD_BYTES)))
                : "first bytes (hex): " + hex(in.firstBytes());
        return new RawRecord(
            file + ":" + index,
            payload,
            DeadLetterReason.MALFORMED_RECORD.with(
                "unreadable file from record "
                    + index
                    + " on (within its first "
                    + consumed
                    + " bytes): undecodable Avro data: "
                    + (e instanceof StackOverflowError
                        ? "schema nested too deeply"
                        : e instanceof LinkageError ? e.toString() : e.getMessage())));
      }
    }

    /** Magic, metadata (schema and codec), sync marker. */
    private void readHeader() throws IOException {
      if (!java.util.Arrays.equals(in.readNBytes(MAGIC.length), MAGIC)) {
        throw new IOException("Not an Avro data file.");
      }
      String schemaJson = null;
      codec = "null";
      for (long n = varLong(); n != 0; n = varLong()) {
        if (n < 0) {
          n = -n;
          varLong(); // the block's byte size
        }
        if (n < 0 || n > MAX_BLOCK_BYTES) {
          throw new IOException("header map block of " + n + " entries");
        }
        for (long i = 0; i < n; i++) {
          String key = new String(bytes("header key"), StandardCharsets.UTF_8);
          byte[] value = bytes("header value " + key);
          if (key.equals("avro.schema")) {
            schemaJson = new String(value, StandardCharsets.UTF_8);
          } else if (key.equals("avro.codec")) {
            codec = new String(value, StandardCharsets.UTF_8);
          }
        }
      }
      sync = exactly(SYNC_SIZE, "sync marker");
      if (schemaJson == null) {
        throw new IOException("no avro.schema in the header");
      }
      writer = new Schema.Parser().setValidate(false).setValidateDefaults(false).parse(schemaJson);
      avroCodec =
          switch (codec) {
            case "null", "deflate", "snappy" -> null; // read here, bounded
            case "bzip2" -> new org.apache.avro.file.BZip2Codec();
            case "xz" -> new org.apache.avro.file.XZCodec(6);
            case "zstandard" -> new org.apache.avro.file.ZstandardCodec(3, false, false);
            default -> throw new IOException("unknown codec '" + codec + "'");
          };
      direct = SchemaNormalization.parsingFingerprint64(writer) == FINGERPRINT;
      if (!direct) {
        generic = new GenericDatumReader<>(writer);
      }
    }

    /** The next block into {@link #block}, decompressed; false at the end of the file. */
    private boolean readBlock() throws IOException {
      in.mark(1);
      if (in.read() < 0) {
        return false;
      }
      in.reset();
      long count = varLong();
      long size = varLong();
      if (count < 0 || size < 0 || size > MAX_BLOCK_BYTES) {
        throw new IOException("block of " + count + " records in " + size + " bytes");
      }
      byte[] raw = exactly((int) size, "block");
      if (!java.util.Arrays.equals(exactly(SYNC_SIZE, "sync marker"), sync)) {
        throw new IOException("Invalid sync!");
      }
      byte[] data = decompress(raw);
      if (count > data.length) { // every record of an event file takes at least one byte
        throw new IOException("block of " + count + " records in " + data.length + " bytes");
      }
      block = data;
      blockPos = 0;
      blockEnd = data.length;
      blockLeft = count;
      return true;
    }

    private byte[] decompress(byte[] raw) throws IOException {
      switch (codec) {
        case "null":
          return raw;
        case "deflate":
          return inflate(raw);
        case "snappy":
          return unsnappy(raw);
        default:
          break;
      }
      ByteBuffer out = avroCodec.decompress(ByteBuffer.wrap(raw));
      byte[] bytes = new byte[out.remaining()];
      out.get(bytes);
      return bytes;
    }

    /**
     * Avro's snappy codec (the compressed bytes, then the CRC-32 of the uncompressed ones, big
     * endian), at most MAX_BLOCK_BYTES out.
     */
    private static byte[] unsnappy(byte[] raw) throws IOException {
      if (raw.length < 4) {
        throw new IOException("snappy block of " + raw.length + " bytes");
      }
      int n = raw.length - 4;
      int size = org.xerial.snappy.Snappy.uncompressedLength(raw, 0, n);
      if (size < 0 || size > MAX_BLOCK_BYTES) {
        throw new IOException("snappy block of " + size + " bytes");
      }
      byte[] out = new byte[size];
      int got = org.xerial.snappy.Snappy.uncompress(raw, 0, n, out, 0);
      java.util.zip.CRC32 crc = new java.util.zip.CRC32();
      crc.update(out, 0, got);
      if (ByteBuffer.wrap(raw, n, 4).getInt() != (int) crc.getValue()) {
        throw new IOException("Checksum failure");
      }
      return got == size ? out : java.util.Arrays.copyOf(out, got);
    }

    /** Avro's deflate codec (raw deflate, no zlib header), at most MAX_BLOCK_BYTES out. */
    private static byte[] inflate(byte[] raw) throws IOException {
      java.util.zip.Inflater inflater = new java.util.zip.Inflater(true);
      try {
        inflater.setInput(raw);
        java.io.ByteArrayOutputStream out =
            new java.io.ByteArrayOutputStream(Math.min(MAX_BLOCK_BYTES, 4 * raw.length + 64));
        byte[] buf = new byte[1 << 16];
        while (!inflater.finished()) {
          int n = inflater.inflate(buf);
          if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
            break; // Avro's codec also ends quietly at the end of the input
          }
          if (out.size() + n > MAX_BLOCK_BYTES) {
            throw new IOException("deflate block larger than " + MAX_BLOCK_BYTES + " bytes");
          }
          out.write(buf, 0, n);
        }
        return out.toByteArray();
      } catch (java.util.zip.DataFormatException e) {
        throw new IOException(e.getMessage(), e);
      } finally {
        inflater.end();
      }
    }

    /** A length-prefixed byte string of the header. */
    private byte[] bytes(String what) throws IOException {
      long n = varLong();
      if (n < 0 || n > MAX_BLOCK_BYTES) {
        throw new IOException(what + " of length " + n);
      }
      return exactly((int) n, what);
    }

    /** Exactly n bytes; the buffer grows only as bytes arrive (a false length cannot allocate). */
    private byte[] exactly(int n, String what) throws IOException {
      byte[] b = in.readNBytes(n);
      if (b.length != n) {
        throw new IOException(what + " cut off: " + b.length + " of " + n + " bytes");
      }
      return b;
    }

    /** A zig-zag varint long of the container framing. */
    private long varLong() throws IOException {
      long raw = 0;
      for (int shift = 0; shift < 70; shift += 7) {
        int b = in.read();
        if (b < 0) {
          throw new java.io.EOFException("file cut off");
        }
        raw |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return (raw >>> 1) ^ -(raw & 1);
        }
      }
      throw new IOException("varint longer than 10 bytes");
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
