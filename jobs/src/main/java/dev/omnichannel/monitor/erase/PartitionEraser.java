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
    return run(targets, false, null, null);
  }

  /** Counts what erasing {@code targets} would change in the partitions from {@code from} on. */
  public Result plan(ErasureTargets targets, LocalDate from) throws IOException {
    return run(targets, false, from, null);
  }

  /** Erases {@code targets}. */
  public Result erase(ErasureTargets targets) throws IOException {
    return run(targets, true, null, null);
  }

  /**
   * Erases {@code targets} from the partitions up to {@code through} (inclusive; null: all), the
   * days this run holds.
   */
  public Result erase(ErasureTargets targets, LocalDate through) throws IOException {
    return run(targets, true, null, through);
  }

  private Result run(ErasureTargets targets, boolean apply, LocalDate from, LocalDate through)
      throws IOException {
    RowEraser eraser = new RowEraser(targets);
    Map<String, Long> removed = new LinkedHashMap<>();
    Map<String, Long> redacted = new LinkedHashMap<>();
    Map<String, Long> rewritten = new LinkedHashMap<>();
    Map<String, Long> emptied = new LinkedHashMap<>();
    TreeSet<String> days = new TreeSet<>();
    List<Path[]> swaps = new ArrayList<>(); // {partition, replacement or null, trash slot}
    PartitionCommitter.deleteTree(staging);
    try {
      for (Table table : RowEraser.ORDER) {
        String name = table.tableName();
        long rem = 0;
        long red = 0;
        long rew = 0;
        long emp = 0;
        if (!targets.isEmpty()) {
          for (Path dir : partitions(output.resolve(name))) {
            if (!within(dir, from, through)) {
              continue;
            }
            List<Path> files = PartitionCommitter.parquetFiles(dir);
            List<? extends SpecificRecordBase> rows = ParquetFiles.readAll(files, table.rowType());
            List<SpecificRecordBase> kept = new ArrayList<>(rows.size());
            long r = 0;
            long d = 0;
            for (SpecificRecordBase row : rows) {
              switch (eraser.apply(table, row)) {
                case KEEP -> kept.add(row);
                case REDACT -> {
                  kept.add(row);
                  d++;
                }
                case REMOVE -> r++;
              }
            }
            if (r == 0 && d == 0) {
              continue;
            }
            rem += r;
            red += d;
            String dt = dir.getFileName().toString();
            days.add(dt.substring(3));
            Path replacement = null;
            if (kept.isEmpty()) {
              emp++;
            } else {
              rew++;
              if (apply) {
                replacement = staging.resolve(name).resolve(dt);
                write(table, kept, replacement.resolve("part-" + runId + "-0.parquet"));
              }
            }
            swaps.add(new Path[] {dir, replacement, trash.resolve(name).resolve(dt)});
          }
        }
        removed.put(name, rem);
        redacted.put(name, red);
        rewritten.put(name, rew);
        emptied.put(name, emp);
      }
      if (apply) {
        for (Path[] s : swaps) {
          PartitionCommitter.replace(s[0], s[1], s[2]);
        }
        PartitionCommitter.deleteTree(trash);
        PartitionCommitter.deleteIfEmpty(trash.getParent());
      }
    } finally {
      PartitionCommitter.deleteTree(staging);
      PartitionCommitter.deleteIfEmpty(staging.getParent());
    }
    return new Result(removed, redacted, rewritten, emptied, List.copyOf(days));
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
