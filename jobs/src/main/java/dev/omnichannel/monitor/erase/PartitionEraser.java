package dev.omnichannel.monitor.erase;

import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.io.ParquetFiles;
import dev.omnichannel.monitor.io.ParquetWriters;
import dev.omnichannel.monitor.io.PartitionCommitter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;

/**
 * Erases one request's rows from every {@code dt=} partition of every table of an output directory,
 * by rewriting the partitions that hold such rows. Plain Java.
 *
 * <ul>
 *   <li>Each partition is read whole with the Parquet reader into the table's Avro row class, and
 *       each row goes through {@link RowEraser}. A partition without a row to remove or redact is
 *       not touched (not a byte changes), so erasing the same request again rewrites nothing.
 *   <li>A changed partition is written again with the table's own writer and settings ({@link
 *       ParquetWriters#forTable}, {@link ParquetWriters#specific}: the same schema and logical
 *       types), as one file {@code part-<run_id>-0.parquet} in {@code _staging/<run_id>/}. A
 *       partition left without rows gets no file: it is removed, as a backfill leaves no partition
 *       for a day without rows.
 *   <li>Only when every table is staged are the partitions swapped in, each by directory renames
 *       ({@link PartitionCommitter#replace}): a reader sees the old partition or the new one. A
 *       failure before the swap leaves the output as it was.
 * </ul>
 */
public final class PartitionEraser {
  private final Path output;
  private final Path staging;
  private final Path trash;
  private final String runId;

  /**
   * @param output the output directory holding one folder per table
   * @param runId the erasing run's id, naming its staging and trash folders and its files
   */
  public PartitionEraser(Path output, String runId) {
    this.output = output;
    this.runId = runId;
    this.staging = output.resolve("_staging").resolve(runId);
    this.trash = output.resolve("_trash").resolve(runId);
  }

  /**
   * What erasing one request did (or, for a plan, would do), per table in {@link RowEraser#ORDER}.
   *
   * @param rowsRemoved rows removed
   * @param rowsRedacted rows kept with erased identities taken out
   * @param partitionsRewritten partitions written again with fewer or redacted rows
   * @param partitionsRemoved partitions removed because no row was left
   * @param days the days of the partitions changed in some table, sorted
   */
  public record Result(
      Map<String, Long> rowsRemoved,
      Map<String, Long> rowsRedacted,
      Map<String, Long> partitionsRewritten,
      Map<String, Long> partitionsRemoved,
      List<String> days) {
    public long totalRemoved() {
      return rowsRemoved.values().stream().mapToLong(Long::longValue).sum();
    }

    public long totalRedacted() {
      return rowsRedacted.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Partitions changed: rewritten or removed. */
    public long totalPartitions() {
      return partitionsRewritten.values().stream().mapToLong(Long::longValue).sum()
          + partitionsRemoved.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** Counts what erasing {@code targets} would change; changes nothing. */
  public Result plan(ErasureTargets targets) throws IOException {
    return run(List.of(targets), false, null, null).get(0);
  }

  /** Counts what erasing {@code targets} would change in the partitions from {@code from} on. */
  public Result plan(ErasureTargets targets, LocalDate from) throws IOException {
    return run(List.of(targets), false, from, null).get(0);
  }

  /**
   * Counts what erasing each of {@code requests} would change in the partitions from {@code from}
   * on (null: all), in one read of the output; changes nothing.
   */
  public List<Result> plan(List<ErasureTargets> requests, LocalDate from) throws IOException {
    return run(requests, false, from, null);
  }

  /** Erases {@code targets}. */
  public Result erase(ErasureTargets targets) throws IOException {
    return run(List.of(targets), true, null, null).get(0);
  }

  /**
   * Erases every one of {@code requests} from the partitions up to {@code through} (inclusive;
   * null: all), the days this run holds, in one read of the output: each partition is read once,
   * each row goes through every request in turn (a request's redaction is seen by the next), and
   * each changed partition is written once and swapped in with the others at the end.
   *
   * @return per request, in order, what it removed and redacted
   */
  public List<Result> erase(List<ErasureTargets> requests, LocalDate through) throws IOException {
    return run(requests, true, null, through);
  }

  private List<Result> run(
      List<ErasureTargets> requests, boolean apply, LocalDate from, LocalDate through)
      throws IOException {
    int n = requests.size();
    RowEraser[] erasers = new RowEraser[n];
    List<Map<String, Long>> removed = new ArrayList<>(n);
    List<Map<String, Long>> redacted = new ArrayList<>(n);
    List<Map<String, Long>> rewritten = new ArrayList<>(n);
    List<Map<String, Long>> emptied = new ArrayList<>(n);
    List<TreeSet<String>> days = new ArrayList<>(n);
    boolean any = false;
    for (int i = 0; i < n; i++) {
      erasers[i] = new RowEraser(requests.get(i));
      any |= !requests.get(i).isEmpty();
      removed.add(new LinkedHashMap<>());
      redacted.add(new LinkedHashMap<>());
      rewritten.add(new LinkedHashMap<>());
      emptied.add(new LinkedHashMap<>());
      days.add(new TreeSet<>());
    }
    List<Path[]> swaps = new ArrayList<>(); // {partition, replacement or null, trash slot}
    PartitionCommitter.deleteTree(staging);
    try {
      for (Table table : RowEraser.ORDER) {
        String name = table.tableName();
        long[] rem = new long[n];
        long[] red = new long[n];
        long[] rew = new long[n];
        long[] emp = new long[n];
        for (Path dir : any ? partitions(output.resolve(name)) : List.<Path>of()) {
          if (!within(dir, from, through)) {
            continue;
          }
          List<Path> files = PartitionCommitter.parquetFiles(dir);
          List<? extends SpecificRecordBase> rows = ParquetFiles.readAll(files, table.rowType());
          List<SpecificRecordBase> kept = new ArrayList<>(rows.size());
          long[] r = new long[n];
          long[] d = new long[n];
          boolean changed = false;
          for (SpecificRecordBase row : rows) {
            boolean keep = true;
            for (int i = 0; i < n && keep; i++) {
              switch (erasers[i].apply(table, row)) {
                case KEEP -> {}
                case REDACT -> d[i]++;
                case REMOVE -> {
                  r[i]++;
                  keep = false;
                }
              }
            }
            if (keep) {
              kept.add(row);
            }
          }
          String dt = dir.getFileName().toString();
          for (int i = 0; i < n; i++) {
            if (r[i] + d[i] > 0) {
              changed = true;
              rem[i] += r[i];
              red[i] += d[i];
              days.get(i).add(dt.substring(3));
              if (kept.isEmpty()) {
                emp[i]++;
              } else {
                rew[i]++;
              }
            }
          }
          if (!changed) {
            continue;
          }
          Path replacement = null;
          if (!kept.isEmpty() && apply) {
            replacement = staging.resolve(name).resolve(dt);
            write(table, kept, replacement.resolve("part-" + runId + "-0.parquet"));
          }
          swaps.add(new Path[] {dir, replacement, trash.resolve(name).resolve(dt)});
        }
        for (int i = 0; i < n; i++) {
          removed.get(i).put(name, rem[i]);
          redacted.get(i).put(name, red[i]);
          rewritten.get(i).put(name, rew[i]);
          emptied.get(i).put(name, emp[i]);
        }
      }
      if (apply) {
        for (Path[] sw : swaps) {
          PartitionCommitter.replace(sw[0], sw[1], sw[2]);
        }
        PartitionCommitter.deleteTree(trash);
        PartitionCommitter.deleteIfEmpty(trash.getParent());
      }
    } finally {
      PartitionCommitter.deleteTree(staging);
      PartitionCommitter.deleteIfEmpty(staging.getParent());
    }
    List<Result> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(
          new Result(
              removed.get(i),
              redacted.get(i),
              rewritten.get(i),
              emptied.get(i),
              List.copyOf(days.get(i))));
    }
    return out;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void write(Table table, List<SpecificRecordBase> rows, Path file)
      throws IOException {
    Files.createDirectories(file.getParent());
    Class type = table.rowType();
    try (ParquetWriter<SpecificRecordBase> w =
        (ParquetWriter<SpecificRecordBase>)
            ParquetWriters.specific(type, ParquetWriters.forTable(table.tableName()))
                .createWriter(new LocalOutputFile(file))) {
      for (SpecificRecordBase row : rows) {
        w.write(row);
      }
    }
  }

  /** Whether a {@code dt=} folder's day lies in {@code [from, through]} (null: unbounded). */
  private static boolean within(Path dir, LocalDate from, LocalDate through) {
    if (from == null && through == null) {
      return true;
    }
    LocalDate day;
    try {
      day = LocalDate.parse(dir.getFileName().toString().substring(3));
    } catch (java.time.format.DateTimeParseException e) {
      return through == null; // not a day: only a run without an upper bound touches it
    }
    return (from == null || !day.isBefore(from)) && (through == null || !day.isAfter(through));
  }

  /** The {@code dt=} partition folders of a table folder, sorted. */
  private static List<Path> partitions(Path table) throws IOException {
    if (!Files.isDirectory(table)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(table)) {
      return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("dt="))
          .sorted()
          .toList();
    }
  }
}
