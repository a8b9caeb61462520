package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.io.BufferedInputStream;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;

/**
 * A single-threaded benchmark of reading and decoding input files, old code against new: the
 * byte-by-byte line reader ({@link LegacyLineReader}) against {@link EventFileFormat}'s bulk
 * reader, the tree decoder ({@link LegacyEventDecoder}) against {@link EventDecoder}, and for Avro
 * files, rendering each record as JSON and decoding that (the old path) against reading each datum
 * directly. Records are read and decoded in batches of 512, as the file source hands them to the
 * decoder, and the reading and the decoding of each batch are timed separately. Each pass (old,
 * new) runs once to warm up and then {@code runs} times, alternately; the median is reported, as
 * records per second of the thread's CPU time (and of wall time, which other work on the machine
 * disturbs more).
 *
 * <p>Not a test. Run it from the jobs module after {@code mvn -o -q -pl jobs test-compile}:
 *
 * <pre>
 * mvn -o -q -pl jobs dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -Xmx4g -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     dev.omnichannel.monitor.io.DecodeBenchmark DIR [runs [new]]
 * </pre>
 *
 * where DIR holds {@code *.jsonl}, {@code *.jsonl.gz} or {@code *.avro} files (for example the
 * {@code events} folder of {@code generate --output DIR}). With {@code new}, only the new code runs
 * (for a profiler).
 */
public final class DecodeBenchmark {
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
  private static final byte[] KEY = "benchmark-key-0123456789".getBytes(StandardCharsets.UTF_8);

  private DecodeBenchmark() {}

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args[0]);
    int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    String only = args.length > 2 ? args[2] : "";
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> EventFileFormat.isEventFile(p.toString())).sorted().toList();
    }
    System.out.printf(
        "%s: %d files (%s), %.1f MB; %d runs after a warm-up, medians of thread CPU time%n",
        dir,
        files.size(),
        files.get(0).getFileName(),
        files.stream().mapToLong(DecodeBenchmark::size).sum() / 1e6,
        runs);
    LegacyEventDecoder legacy =
        new LegacyEventDecoder(ValidationRules.defaults(), new Pseudonymiser(KEY));
    EventDecoder decoder = new EventDecoder(ValidationRules.defaults(), new Pseudonymiser(KEY));
    Pass old = new Pass("old", files, DecodeBenchmark::openOld, r -> legacy.decode(r).isAccepted());
    Pass now =
        new Pass("new", files, DecodeBenchmark::openNew, r -> decoder.decode(r).isAccepted());
    List<Pass> passes = only.equals("new") ? List.of(now) : List.of(old, now);
    for (Pass p : passes) {
      p.run(false); // warm-up
    }
    for (int i = 0; i < runs; i++) {
      for (Pass p : passes) {
        p.run(true);
      }
    }
    for (Pass p : passes) {
      p.report();
    }
    if (passes.size() == 2 && old.accepted != now.accepted) {
      throw new IllegalStateException(
          "the decoders disagree: " + old.accepted + " " + now.accepted);
    }
  }

  /**
   * Reads all files and decodes every record, in batches of 512 as the file source hands them to
   * the decoder, timing the reading and the decoding of each batch separately.
   */
  private static final class Pass {
    private final String name;
    private final List<Path> files;
    private final Opener opener;
    private final Predicate<RawRecord> decode;
    private final List<long[]> times = new ArrayList<>();
    int records;
    int accepted;

    Pass(String name, List<Path> files, Opener opener, Predicate<RawRecord> decode) {
      this.name = name;
      this.files = files;
      this.opener = opener;
      this.decode = decode;
    }

    void run(boolean keep) throws IOException {
      long[] t = new long[4]; // read cpu, read wall, decode cpu, decode wall
      RawRecord[] batch = new RawRecord[512];
      records = 0;
      accepted = 0;
      System.gc();
      for (Path f : files) {
        EventFileFormat.RecordReader reader = opener.open(f);
        int n;
        do {
          long c0 = THREADS.getCurrentThreadCpuTime();
          long w0 = System.nanoTime();
          n = 0;
          RawRecord r;
          while (n < batch.length && (r = reader.next()) != null) {
            batch[n++] = r;
          }
          long c1 = THREADS.getCurrentThreadCpuTime();
          long w1 = System.nanoTime();
          for (int i = 0; i < n; i++) {
            accepted += decode.test(batch[i]) ? 1 : 0;
          }
          t[0] += c1 - c0;
          t[1] += w1 - w0;
          t[2] += THREADS.getCurrentThreadCpuTime() - c1;
          t[3] += System.nanoTime() - w1;
          records += n;
        } while (n == batch.length);
        reader.close();
      }
      if (keep) {
        times.add(t);
      }
    }

    void report() {
      long[] readCpu = median(0);
      long[] decodeCpu = median(2);
      System.out.printf(
          Locale.ROOT,
          "%s: %,d records, %,d accepted%n"
              + "  read    cpu %5.2f s = %,10.0f rec/s   wall %5.2f s = %,10.0f rec/s   (cpu s: %s)%n"
              + "  decode  cpu %5.2f s = %,10.0f rec/s   wall %5.2f s = %,10.0f rec/s   (cpu s: %s)%n",
          name,
          records,
          accepted,
          readCpu[0] / 1e9,
          records / (readCpu[0] / 1e9),
          median(1)[0] / 1e9,
          records / (median(1)[0] / 1e9),
          seconds(readCpu),
          decodeCpu[0] / 1e9,
          records / (decodeCpu[0] / 1e9),
          median(3)[0] / 1e9,
          records / (median(3)[0] / 1e9),
          seconds(decodeCpu));
    }

    /** The median of measure {@code i} over the kept runs, then all the runs' values, sorted. */
    private long[] median(int i) {
      long[] v = times.stream().mapToLong(t -> t[i]).sorted().toArray();
      long[] out = new long[v.length + 1];
      out[0] = v[v.length / 2];
      System.arraycopy(v, 0, out, 1, v.length);
      return out;
    }

    private static String seconds(long[] v) {
      StringBuilder sb = new StringBuilder();
      for (int i = 1; i < v.length; i++) {
        sb.append(i > 1 ? " " : "").append(String.format(Locale.ROOT, "%.2f", v[i] / 1e9));
      }
      return sb.toString();
    }
  }

  interface Opener {
    EventFileFormat.RecordReader open(Path f) throws IOException;
  }

  /** The old readers: byte by byte for JSON Lines; Avro records rendered as JSON text. */
  private static EventFileFormat.RecordReader openOld(Path f) throws IOException {
    if (f.toString().endsWith(".avro")) {
      DataFileStream<GenericRecord> s =
          new DataFileStream<>(
              new BufferedInputStream(new FileInputStream(f.toFile()), 1 << 16),
              new GenericDatumReader<>());
      return new EventFileFormat.RecordReader() {
        private GenericRecord reuse;
        private long i;

        @Override
        public RawRecord next() {
          if (!s.hasNext()) {
            return null;
          }
          try {
            reuse = s.next(reuse);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          return new RawRecord(f + ":" + ++i, AvroJson.render(reuse), null);
        }

        @Override
        public void close() throws IOException {
          s.close();
        }
      };
    }
    LegacyLineReader.Reader r = new LegacyLineReader.Reader(f.toString(), open(f));
    return new EventFileFormat.RecordReader() {
      @Override
      public RawRecord next() throws IOException {
        return r.next();
      }

      @Override
      public void close() throws IOException {
        r.close();
      }
    };
  }

  /** The readers of {@link EventFileFormat}. */
  private static EventFileFormat.RecordReader openNew(Path f) throws IOException {
    return f.toString().endsWith(".avro")
        ? new EventFileFormat.AvroRecordReader(f.toString(), new FileInputStream(f.toFile()))
        : new EventFileFormat.LineRecordReader(f.toString(), open(f));
  }

  private static InputStream open(Path f) throws IOException {
    InputStream in = new FileInputStream(f.toFile());
    return f.toString().endsWith(".gz") ? new GZIPInputStream(in, 1 << 16) : in;
  }

  private static long size(Path p) {
    try {
      return Files.size(p);
    } catch (IOException e) {
      return 0;
    }
  }
}
