package dev.omnichannel.monitor.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Retention: removes the {@code dt=} partitions older than a cutoff from the tables of an output
 * directory. Plain Java.
 *
 * <p>Each partition is removed as a whole by a directory rename into {@code _trash/<run_id>/}, so a
 * reader sees the whole partition or none of it, never part of it, as when a backfill replaces one
 * ({@link PartitionCommitter}). Every expired partition of every table is moved first, then the
 * trash is deleted. Folders that are not a {@code dt=YYYY-MM-DD} partition are left alone.
 */
public final class PartitionExpiry {
  private final Path output;
  private final Path trash;

  /**
   * @param output the output directory holding one folder per table
   * @param runId the expiring run's id, naming its trash folder
   */
  public PartitionExpiry(Path output, String runId) {
    this.output = output;
    this.trash = output.resolve("_trash").resolve(runId);
  }

  /**
   * What expiring removed (or, for a plan, would remove).
   *
   * @param keepFrom the first day kept
   * @param partitions per table (every table asked about, in order), the partitions removed
   * @param rows per table, the rows of those partitions
   * @param days the distinct days removed from some table, sorted
   */
  public record Result(
      LocalDate keepFrom, Map<String, Long> partitions, Map<String, Long> rows, List<String> days) {
    /** Partitions removed from all tables together. */
    public long totalPartitions() {
      return partitions.values().stream().mapToLong(Long::longValue).sum();
    }

    /** Rows removed from all tables together. */
    public long totalRows() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /** The partitions of {@code tables} dated before {@code keepFrom}, counted but not removed. */
  public Result plan(List<String> tables, LocalDate keepFrom) throws IOException {
    return run(tables, keepFrom, false);
  }

  /** Removes the partitions of {@code tables} dated before {@code keepFrom}. */
  public Result expire(List<String> tables, LocalDate keepFrom) throws IOException {
    return run(tables, keepFrom, true);
  }

  private Result run(List<String> tables, LocalDate keepFrom, boolean remove) throws IOException {
    Map<String, Long> partitions = new LinkedHashMap<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    TreeSet<String> days = new TreeSet<>();
    List<Path[]> moves = new ArrayList<>();
    for (String table : tables) {
      long p = 0;
      long n = 0;
      for (Path dir : expired(output.resolve(table), keepFrom)) {
        p++;
        n += ParquetFiles.rowCount(PartitionCommitter.parquetFiles(dir));
        days.add(dir.getFileName().toString().substring(3));
        moves.add(new Path[] {dir, trash.resolve(table).resolve(dir.getFileName().toString())});
      }
      partitions.put(table, p);
      rows.put(table, n);
    }
    if (remove) {
      for (Path[] m : moves) {
        PartitionCommitter.replace(m[0], null, m[1]);
      }
      PartitionCommitter.deleteTree(trash);
      PartitionCommitter.deleteIfEmpty(trash.getParent());
    }
    return new Result(keepFrom, partitions, rows, List.copyOf(days));
  }

  /** The {@code dt=YYYY-MM-DD} partitions of a table folder dated before {@code keepFrom}. */
  private static List<Path> expired(Path table, LocalDate keepFrom) throws IOException {
    List<Path> out = new ArrayList<>();
    if (!Files.isDirectory(table)) {
      return out;
    }
    try (Stream<Path> s = Files.list(table)) {
      for (Path p : s.sorted().toList()) {
        String name = p.getFileName().toString();
        if (!Files.isDirectory(p) || !name.startsWith("dt=")) {
          continue;
        }
        LocalDate day;
        try {
          day = LocalDate.parse(name.substring(3));
        } catch (DateTimeParseException e) {
          continue;
        }
        if (day.isBefore(keepFrom)) {
          out.add(p);
        }
      }
    }
    return out;
  }
}
