package dev.omnichannel.monitor.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Who writes which days of an output directory, so that two writers never replace the same
 * partitions at once. Plain Java: the backfill runner and the stream job's summary operator call
 * it.
 *
 * <p>The rule:
 *
 * <ul>
 *   <li>A <b>backfill</b> claims the days of its range (every day when it has no range) for as long
 *       as it runs, in {@code <output>/_writers/backfill-<run_id>.json}, held with an exclusive
 *       file lock. The lock dies with the process, so a crashed backfill leaves no stale claim: the
 *       next writer finds the file unlocked and removes it. A second backfill whose range overlaps
 *       a live claim is refused ({@link OutputBusyException}); backfills over disjoint ranges run
 *       side by side.
 *   <li>A <b>stream</b> job may still write rows for every day from {@code writes_from} on: the day
 *       of its watermark minus the horizon over which a row's partition time can trail the
 *       watermark (the journey inactivity gap or maximum duration, whichever is longer, plus the
 *       stitch delay, the allowed lateness and the out-of-orderness). At every completed checkpoint
 *       it rewrites {@code <output>/_writers/stream-<run_id>.json} with that day and the time (its
 *       heartbeat); it removes the file when its bounded input ends. Before it has a watermark it
 *       may write any day. A lease whose heartbeat is older than its {@code stale_after} belongs to
 *       a job that no longer runs and is ignored.
 *   <li>A backfill whose range reaches into a live stream lease's days is refused, when it starts
 *       and again just before it publishes (a stream may have started meanwhile); a refused run
 *       publishes nothing. The stream's {@code late_events} table is never replaced by a backfill.
 * </ul>
 *
 * <p>Registration is serialised by a short lock on {@code _writers/.lock}, so two backfills
 * starting together cannot both miss each other.
 */
public final class OutputClaims {
  /** The folder under the output directory that holds claims and leases. */
  public static final String DIR = "_writers";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.ALWAYS);

  /**
   * Claim files this JVM holds. A JVM must not open a second channel on a file it has locked:
   * closing that channel would release the lock (POSIX record locks are per process).
   */
  private static final Set<Path> HELD = new HashSet<>();

  private OutputClaims() {}

  /** A backfill's claim, as stored. Null days: unbounded. */
  public record BackfillClaim(
      String kind, String runId, String from, String to, long pid, String host, String startedAt) {
    LocalDate fromDay() {
      return from == null ? null : LocalDate.parse(from);
    }

    LocalDate toDay() {
      return to == null ? null : LocalDate.parse(to);
    }
  }

  /** A stream job's lease, as stored. A null {@code writesFrom}: it may write any day. */
  public record StreamLease(
      String kind,
      String runId,
      String heartbeat,
      String writesFrom,
      String watermark,
      long staleAfterMs) {
    LocalDate writesFromDay() {
      return writesFrom == null ? null : LocalDate.parse(writesFrom);
    }
  }

  /** A held backfill claim; {@link #close()} releases it. */
  public static final class Claim implements AutoCloseable {
    private final Path output;
    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;
    private final LocalDate from;
    private final LocalDate to;

    private Claim(
        Path output, Path file, FileChannel channel, FileLock lock, LocalDate from, LocalDate to) {
      this.output = output;
      this.file = file;
      this.channel = channel;
      this.lock = lock;
      this.from = from;
      this.to = to;
    }

    /**
     * Checks again that no live stream job may write the claimed days (a stream may have started
     * since the claim was taken). Call it just before publishing.
     *
     * @throws OutputBusyException naming the stream run
     */
    public void recheck(Instant now) {
      checkStreams(output, from, to, now);
    }

    @Override
    public void close() {
      synchronized (HELD) {
        try {
          Files.deleteIfExists(file);
          lock.release();
          channel.close();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          HELD.remove(file);
        }
      }
    }
  }

  /**
   * Claims {@code [from, to]} of {@code output} for a backfill.
   *
   * @param from the first day, or null for unbounded
   * @param to the last day, or null for unbounded
   * @throws OutputBusyException when a live backfill claim overlaps, or a live stream job may still
   *     write one of the days
   */
  public static Claim claimBackfill(
      Path output, String runId, LocalDate from, LocalDate to, Instant now) throws IOException {
    Path dir = output.resolve(DIR);
    Files.createDirectories(dir);
    Path file = dir.resolve("backfill-" + runId + ".json");
    synchronized (HELD) {
      try (FileChannel registry =
              FileChannel.open(
                  dir.resolve(".lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
          FileLock ignored = registry.lock()) {
        checkBackfills(output, dir, file, from, to);
        checkStreams(output, from, to, now);
        if (HELD.contains(file)) {
          throw busy(output, read(file, BackfillClaim.class), from, to);
        }
        FileChannel channel =
            FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.tryLock();
        if (lock == null) {
          channel.close();
          throw busy(output, read(file, BackfillClaim.class), from, to);
        }
        BackfillClaim claim =
            new BackfillClaim(
                "backfill",
                runId,
                from == null ? null : from.toString(),
                to == null ? null : to.toString(),
                ProcessHandle.current().pid(),
                host(),
                now.toString());
        channel.truncate(0);
        channel.write(ByteBuffer.wrap(JSON.writeValueAsBytes(claim)), 0);
        channel.force(true);
        HELD.add(file);
        return new Claim(output, file, channel, lock, from, to);
      }
    }
  }

  /**
   * Writes (or refreshes) a stream job's lease.
   *
   * @param watermark the job's event-time watermark, or null before it has one
   * @param horizon how far a row's partition time may trail the watermark
   * @param staleAfter a lease not refreshed for this long is ignored
   */
  public static void writeStreamLease(
      Path output,
      String runId,
      Instant now,
      Instant watermark,
      Duration horizon,
      Duration staleAfter)
      throws IOException {
    writeStreamLease(store(output), runId, now, watermark, horizon, staleAfter);
  }

  /**
   * Writes (or refreshes) a stream job's lease under {@code output}, a local folder or an object
   * store: in one piece ({@link StoreFiles#write}), so a reader sees the old lease or the new one.
   */
  public static void writeStreamLease(
      org.apache.flink.core.fs.Path output,
      String runId,
      Instant now,
      Instant watermark,
      Duration horizon,
      Duration staleAfter)
      throws IOException {
    LocalDate writesFrom =
        watermark == null ? null : watermark.minus(horizon).atZone(ZoneOffset.UTC).toLocalDate();
    StreamLease lease =
        new StreamLease(
            "stream",
            runId,
            now.toString(),
            writesFrom == null ? null : writesFrom.toString(),
            watermark == null ? null : watermark.toString(),
            staleAfter.toMillis());
    StoreFiles.write(streamLease(output, runId), JSON.writeValueAsBytes(lease));
  }

  /** Removes a stream job's lease (its bounded input has ended: it writes nothing more). */
  public static void removeStreamLease(Path output, String runId) throws IOException {
    removeStreamLease(store(output), runId);
  }

  /** Removes a stream job's lease under {@code output}, a local folder or an object store. */
  public static void removeStreamLease(org.apache.flink.core.fs.Path output, String runId)
      throws IOException {
    StoreFiles.deleteIfExists(streamLease(output, runId));
  }

  /** {@code <output>/_writers/stream-<run_id>.json}. */
  private static org.apache.flink.core.fs.Path streamLease(
      org.apache.flink.core.fs.Path output, String runId) {
    return new org.apache.flink.core.fs.Path(
        new org.apache.flink.core.fs.Path(output, DIR), "stream-" + runId + ".json");
  }

  /** A local folder as a path of Flink's file systems. */
  private static org.apache.flink.core.fs.Path store(Path local) {
    return new org.apache.flink.core.fs.Path(local.toAbsolutePath().toUri());
  }

  private static void checkBackfills(Path output, Path dir, Path own, LocalDate from, LocalDate to)
      throws IOException {
    for (Path other : list(dir, "backfill-")) {
      if (other.equals(own)) {
        continue;
      }
      boolean live;
      if (HELD.contains(other)) {
        live = true;
      } else {
        try (FileChannel ch = FileChannel.open(other, StandardOpenOption.WRITE)) {
          FileLock probe;
          try {
            probe = ch.tryLock();
          } catch (OverlappingFileLockException e) {
            probe = null;
          }
          live = probe == null;
          if (!live) {
            // its process ended without releasing it: a stale claim
            Files.deleteIfExists(other);
            probe.release();
          }
        } catch (java.nio.file.NoSuchFileException e) {
          live = false;
        }
      }
      if (live) {
        BackfillClaim c = read(other, BackfillClaim.class);
        if (c == null || overlaps(c.fromDay(), c.toDay(), from, to)) {
          throw busy(output, c, from, to);
        }
      }
    }
  }

  /**
   * The first day a live stream job may still write, over every stream lease of {@code output}:
   * empty when none runs; {@link LocalDate#MIN} when one may write any day (no watermark yet).
   */
  public static java.util.Optional<LocalDate> streamWritesFrom(Path output, Instant now)
      throws IOException {
    return streamWritesFrom(store(output), now);
  }

  /** As {@link #streamWritesFrom(Path, Instant)}, for a local folder or an object store. */
  public static java.util.Optional<LocalDate> streamWritesFrom(
      org.apache.flink.core.fs.Path output, Instant now) throws IOException {
    LocalDate first = null;
    for (StoredLease stored : liveStreamLeases(output, now)) {
      StreamLease lease = stored.lease();
      LocalDate from = lease.writesFromDay() == null ? LocalDate.MIN : lease.writesFromDay();
      if (first == null || from.isBefore(first)) {
        first = from;
      }
    }
    return java.util.Optional.ofNullable(first);
  }

  private static void checkStreams(Path output, LocalDate from, LocalDate to, Instant now) {
    checkStreams(store(output), output.toString(), from, to, now);
  }

  /**
   * Fails when a live stream lease of {@code output} (a local folder or an object store) may still
   * write a day of {@code [from, to]}; {@code shown} is how messages name the output.
   *
   * @throws OutputBusyException naming the stream run
   */
  static void checkStreams(
      org.apache.flink.core.fs.Path output,
      String shown,
      LocalDate from,
      LocalDate to,
      Instant now) {
    try {
      for (StoredLease stored : liveStreamLeases(output, now)) {
        StreamLease lease = stored.lease();
        if (overlaps(lease.writesFromDay(), null, from, to)) {
          throw new OutputBusyException(
              String.format(
                  "output %s is busy: stream run %s may still write %s (heartbeat %s, watermark"
                      + " %s), which overlaps this run's %s; a backfill may replace only days"
                      + " before the ones a running stream job still writes. If that job no"
                      + " longer runs, delete %s",
                  shown,
                  lease.runId(),
                  lease.writesFrom() == null
                      ? "any day (it has no watermark yet)"
                      : "the days from " + lease.writesFrom() + " on",
                  lease.heartbeat(),
                  lease.watermark() == null ? "none" : lease.watermark(),
                  days(from, to),
                  shown(stored.file())));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A stream lease and the file it was read from. */
  private record StoredLease(org.apache.flink.core.fs.Path file, StreamLease lease) {}

  /** The stream leases of {@code output} whose heartbeat is not older than their staleness. */
  private static List<StoredLease> liveStreamLeases(
      org.apache.flink.core.fs.Path output, Instant now) throws IOException {
    List<StoredLease> live = new ArrayList<>();
    org.apache.flink.core.fs.Path dir = new org.apache.flink.core.fs.Path(output, DIR);
    for (org.apache.flink.core.fs.Path file : StoreFiles.list(dir, "stream-", ".json")) {
      StreamLease lease = readStored(file, StreamLease.class);
      if (lease == null
          || Duration.between(Instant.parse(lease.heartbeat()), now).toMillis()
              > lease.staleAfterMs()) {
        continue;
      }
      live.add(new StoredLease(file, lease));
    }
    return live;
  }

  /** A local file as a plain path, anything else as its URI. */
  private static String shown(org.apache.flink.core.fs.Path p) {
    return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
  }

  /** {@code file} (on any file system) as a {@code type}, or null when missing or unreadable. */
  private static <T> T readStored(org.apache.flink.core.fs.Path file, Class<T> type)
      throws IOException {
    byte[] bytes = StoreFiles.readOrNull(file);
    try {
      return bytes == null || bytes.length == 0 ? null : JSON.readValue(bytes, type);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      // being written, or not ours: treat as unknown
      return null;
    }
  }

  private static OutputBusyException busy(
      Path output, BackfillClaim c, LocalDate from, LocalDate to) {
    return new OutputBusyException(
        String.format(
            "output %s is busy: backfill run %s (pid %d on %s, since %s) is writing %s, which"
                + " overlaps this run's %s; run again when it has finished",
            output,
            c == null ? "?" : c.runId(),
            c == null ? -1 : c.pid(),
            c == null ? "?" : c.host(),
            c == null ? "?" : c.startedAt(),
            c == null ? "unknown days" : days(c.fromDay(), c.toDay()),
            days(from, to)));
  }

  /** Whether {@code [aFrom, aTo]} and {@code [bFrom, bTo]} share a day (null ends: unbounded). */
  static boolean overlaps(LocalDate aFrom, LocalDate aTo, LocalDate bFrom, LocalDate bTo) {
    boolean aBeforeB = aTo != null && bFrom != null && aTo.isBefore(bFrom);
    boolean bBeforeA = bTo != null && aFrom != null && bTo.isBefore(aFrom);
    return !aBeforeB && !bBeforeA;
  }

  private static String days(LocalDate from, LocalDate to) {
    if (from == null && to == null) {
      return "every day";
    }
    return (from == null ? "…" : from.toString()) + ".." + (to == null ? "…" : to.toString());
  }

  private static <T> T read(Path file, Class<T> type) throws IOException {
    try {
      byte[] bytes = Files.readAllBytes(file);
      return bytes.length == 0 ? null : JSON.readValue(bytes, type);
    } catch (java.nio.file.NoSuchFileException e) {
      return null;
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      // being written, or not ours: treat as unknown
      return null;
    }
  }

  private static List<Path> list(Path dir, String prefix) throws IOException {
    List<Path> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      s.filter(
              p -> {
                String n = p.getFileName().toString();
                return n.startsWith(prefix) && n.endsWith(".json");
              })
          .sorted()
          .forEach(out::add);
    }
    return out;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown host";
    }
  }
}
