package dev.omnichannel.monitor.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.core.fs.Path;

/**
 * Backfill claims on an object store, which has neither file locks nor an atomic create: the same
 * rule as {@link OutputClaims} (two backfills never publish the same days at once; a backfill never
 * replaces days a live stream job may still write), kept by heartbeats instead of locks.
 *
 * <ul>
 *   <li>A backfill writes {@code <output>/_writers/backfill-<run_id>.json} with its range, process,
 *       host and a heartbeat it refreshes every {@link #HEARTBEAT}. A claim whose heartbeat is
 *       older than {@link #STALE_AFTER}, or whose process is gone from this host, belongs to a
 *       backfill that no longer runs: the next backfill removes it.
 *   <li>After writing its claim, a backfill lists the claims again. When another live claim
 *       overlaps, the one that started later (ties: the larger run id) withdraws and is refused:
 *       two backfills starting together cannot both proceed.
 *   <li>Stream leases ({@code stream-<run_id>.json}) are read as {@link OutputClaims} reads them.
 * </ul>
 */
public final class StoreClaims {
  /** How often a running backfill refreshes its claim. */
  public static final Duration HEARTBEAT = Duration.ofSeconds(30);

  /** A claim not refreshed for this long belongs to a backfill that no longer runs. */
  public static final Duration STALE_AFTER = Duration.ofMinutes(3);

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .setSerializationInclusion(JsonInclude.Include.ALWAYS)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private StoreClaims() {}

  /** A backfill's claim on an object store, as stored. Null days: unbounded. */
  public record StoreClaim(
      String kind,
      String runId,
      String from,
      String to,
      long pid,
      String host,
      String startedAt,
      String heartbeat) {
    LocalDate fromDay() {
      return from == null ? null : LocalDate.parse(from);
    }

    LocalDate toDay() {
      return to == null ? null : LocalDate.parse(to);
    }
  }

  /** A held claim; {@link #close()} stops its heartbeat and removes it. */
  public static final class Claim implements AutoCloseable {
    private final Path output;
    private final Path file;
    private final LocalDate from;
    private final LocalDate to;
    private final ScheduledExecutorService heartbeat;

    private Claim(
        Path output, Path file, LocalDate from, LocalDate to, ScheduledExecutorService heartbeat) {
      this.output = output;
      this.file = file;
      this.from = from;
      this.to = to;
      this.heartbeat = heartbeat;
    }

    /**
     * Checks again that no live stream job may write the claimed days. Call it just before
     * publishing.
     */
    public void recheck(Instant now) {
      checkStreams(output, from, to, now);
    }

    @Override
    public void close() {
      heartbeat.shutdownNow();
      try {
        StoreFiles.deleteIfExists(file);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Claims {@code [from, to]} of {@code output} for a backfill.
   *
   * @throws OutputBusyException when a live backfill claim overlaps, or a live stream job may still
   *     write one of the days
   */
  public static Claim claimBackfill(
      Path output, String runId, LocalDate from, LocalDate to, Instant now) throws IOException {
    Path dir = new Path(output, OutputClaims.DIR);
    checkStreams(output, from, to, now);
    Path file = new Path(dir, "backfill-" + runId + ".json");
    StoreClaim own =
        new StoreClaim(
            "backfill",
            runId,
            from == null ? null : from.toString(),
            to == null ? null : to.toString(),
            ProcessHandle.current().pid(),
            host(),
            now.toString(),
            now.toString());
    for (StoreClaim other : liveClaims(dir, now)) {
      if (!other.runId().equals(runId) && overlaps(other, from, to)) {
        throw busy(output, other, from, to);
      }
    }
    StoreFiles.write(file, JSON.writeValueAsBytes(own));
    Comparator<StoreClaim> order =
        Comparator.comparing(StoreClaim::startedAt).thenComparing(StoreClaim::runId);
    for (StoreClaim other : liveClaims(dir, now)) {
      if (!other.runId().equals(runId)
          && overlaps(other, from, to)
          && order.compare(other, own) < 0) {
        StoreFiles.deleteIfExists(file);
        throw busy(output, other, from, to);
      }
    }
    ScheduledExecutorService beat =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "backfill claim heartbeat " + runId);
              t.setDaemon(true);
              return t;
            });
    beat.scheduleAtFixedRate(
        () -> {
          try {
            StoreClaim refreshed =
                new StoreClaim(
                    own.kind(),
                    own.runId(),
                    own.from(),
                    own.to(),
                    own.pid(),
                    own.host(),
                    own.startedAt(),
                    Instant.now().toString());
            StoreFiles.write(file, JSON.writeValueAsBytes(refreshed));
          } catch (IOException e) {
            // the next beat tries again; a claim missing beats for STALE_AFTER lapses
          }
        },
        HEARTBEAT.toMillis(),
        HEARTBEAT.toMillis(),
        TimeUnit.MILLISECONDS);
    return new Claim(output, file, from, to, beat);
  }

  private static java.util.List<StoreClaim> liveClaims(Path dir, Instant now) throws IOException {
    java.util.List<StoreClaim> out = new java.util.ArrayList<>();
    String host = host();
    for (Path f : StoreFiles.list(dir, "backfill-", ".json")) {
      StoreClaim c = read(f, StoreClaim.class);
      if (c == null || c.heartbeat() == null) {
        continue; // being written, or not ours
      }
      boolean stale =
          Duration.between(Instant.parse(c.heartbeat()), now).compareTo(STALE_AFTER) > 0;
      boolean gone = host.equals(c.host()) && ProcessHandle.of(c.pid()).isEmpty();
      if (!stale && !gone) {
        out.add(c);
      } else {
        // its backfill no longer runs: remove the claim, as a local claim's lock dies with it
        StoreFiles.deleteIfExists(f);
      }
    }
    return out;
  }

  private static void checkStreams(Path output, LocalDate from, LocalDate to, Instant now) {
    OutputClaims.checkStreams(output, output.toString(), from, to, now);
  }

  private static boolean overlaps(StoreClaim c, LocalDate from, LocalDate to) {
    return OutputClaims.overlaps(c.fromDay(), c.toDay(), from, to);
  }

  private static OutputBusyException busy(Path output, StoreClaim c, LocalDate from, LocalDate to) {
    return new OutputBusyException(
        String.format(
            "output %s is busy: backfill run %s (pid %d on %s, since %s) is writing %s, which"
                + " overlaps this run's %s; run again when it has finished",
            output,
            c.runId(),
            c.pid(),
            c.host(),
            c.startedAt(),
            days(c.fromDay(), c.toDay()),
            days(from, to)));
  }

  private static String days(LocalDate from, LocalDate to) {
    if (from == null && to == null) {
      return "every day";
    }
    return (from == null ? "…" : from.toString()) + ".." + (to == null ? "…" : to.toString());
  }

  private static <T> T read(Path file, Class<T> type) throws IOException {
    byte[] bytes = StoreFiles.readOrNull(file);
    if (bytes == null || bytes.length == 0) {
      return null;
    }
    try {
      return JSON.readValue(bytes, type);
    } catch (com.fasterxml.jackson.core.JacksonException e) {
      return null;
    }
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "unknown host";
    }
  }
}
