package dev.omnichannel.monitor.io;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Publishes a finished run's staged partitions. Every {@code dt=} partition of the run's range is
 * replaced as a whole by a directory rename, so a reader sees the old partition or the new one,
 * never a half-written one, and a re-run over the same range leaves the same rows instead of
 * appending. Partitions of the range that the run did not produce are removed; staged partitions
 * outside the range (the context read before {@code --from}) are discarded. Rows without a time
 * ({@link DatePartitionAssigner#UNKNOWN}) go to the fallback date: {@code --from}, else the first
 * date of the range, else today (UTC).
 */
public final class PartitionCommitter {
  private final Path output;
  private final Path staging;
  private final Path trash;

  /**
   * @param output the output directory holding one folder per table
   * @param staging the run's staging directory, with the same layout
   * @param runId the run's id, naming its trash folder
   */
  public PartitionCommitter(Path output, Path staging, String runId) {
    this.output = output;
    this.staging = staging;
    this.trash = output.resolve("_trash").resolve(runId);
  }

  /** What a commit published. */
  public record Result(LocalDate from, LocalDate to, Map<String, List<Path>> files) {
    /** The committed Parquet files of one table. */
    public List<Path> files(String table) {
      return files.getOrDefault(table, List.of());
    }
  }

  /**
   * Publishes the staged tables.
   *
   * @param tables the tables this run owns
   * @param from the range's first day, or null for the first date staged
   * @param to the range's last day, or null for the last date staged
   */
  private boolean anyUnknown(List<String> tables) throws IOException {
    for (String table : tables) {
      if (partitions(staging.resolve(table)).contains(DatePartitionAssigner.UNKNOWN)) {
        return true;
      }
    }
    return false;
  }

  public Result commit(List<String> tables, LocalDate from, LocalDate to) throws IOException {
    TreeSet<LocalDate> staged = new TreeSet<>();
    for (String table : tables) {
      for (String dt : partitions(staging.resolve(table))) {
        if (!dt.equals(DatePartitionAssigner.UNKNOWN)) {
          staged.add(LocalDate.parse(dt.substring(3)));
        }
      }
    }
    LocalDate rangeFrom = from != null ? from : (staged.isEmpty() ? null : staged.first());
    LocalDate rangeTo = to != null ? to : (staged.isEmpty() ? null : staged.last());
    if (rangeFrom == null && rangeTo == null && !anyUnknown(tables)) {
      // No range given and nothing staged (an empty input): nothing to publish, and no
      // partition may be replaced; falling back to today would remove today's partitions.
      deleteTree(staging);
      deleteIfEmpty(staging.getParent());
      return new Result(null, null, Map.of());
    }
    LocalDate fallback = rangeFrom != null ? rangeFrom : LocalDate.now(ZoneOffset.UTC);
    if (rangeFrom == null) {
      rangeFrom = fallback;
      rangeTo = fallback;
    }

    Map<String, List<Path>> files = new TreeMap<>();
    for (String table : tables) {
      Path stagedTable = staging.resolve(table);
      Path finalTable = output.resolve(table);
      moveUnknownInto(stagedTable, "dt=" + fallback);
      TreeSet<String> dts = new TreeSet<>(partitions(stagedTable));
      dts.addAll(partitions(finalTable));
      List<Path> published = new ArrayList<>();
      for (String dt : dts) {
        if (dt.equals(DatePartitionAssigner.UNKNOWN)) {
          continue;
        }
        LocalDate date = LocalDate.parse(dt.substring(3));
        if (date.isBefore(rangeFrom) || date.isAfter(rangeTo)) {
          continue;
        }
        Path src = stagedTable.resolve(dt);
        Path dst = finalTable.resolve(dt);
        if (replace(dst, Files.isDirectory(src) ? src : null, trash.resolve(table).resolve(dt))) {
          published.addAll(parquetFiles(dst));
        }
      }
      files.put(table, published);
    }
    deleteTree(trash);
    deleteTree(staging);
    deleteIfEmpty(trash.getParent());
    deleteIfEmpty(staging.getParent());
    return new Result(rangeFrom, rangeTo, files);
  }

  /**
   * Replaces the partition directory {@code dst} by {@code replacement}, each step a directory
   * rename: the old partition (if any) is moved to {@code trashSlot} (deleted later by the caller),
   * then {@code replacement} (if not null) is moved into its place. A reader sees the old partition
   * or the new one, never part of one.
   *
   * @return true when a replacement was published
   */
  public static boolean replace(Path dst, Path replacement, Path trashSlot) throws IOException {
    if (Files.isDirectory(dst)) {
      Files.createDirectories(trashSlot.getParent());
      Files.move(dst, trashSlot, StandardCopyOption.ATOMIC_MOVE);
    }
    if (replacement == null) {
      return false;
    }
    Files.createDirectories(dst.getParent());
    Files.move(replacement, dst, StandardCopyOption.ATOMIC_MOVE);
    return true;
  }

  private void moveUnknownInto(Path table, String dt) throws IOException {
    Path unknown = table.resolve(DatePartitionAssigner.UNKNOWN);
    if (!Files.isDirectory(unknown)) {
      return;
    }
    Path target = table.resolve(dt);
    Files.createDirectories(target);
    for (Path f : list(unknown)) {
      Files.move(f, target.resolve("unknown-" + f.getFileName()), StandardCopyOption.ATOMIC_MOVE);
    }
    Files.delete(unknown);
  }

  private static List<String> partitions(Path table) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.isDirectory(table)) {
      return out;
    }
    for (Path p : list(table)) {
      String name = p.getFileName().toString();
      if (Files.isDirectory(p)
          && name.startsWith("dt=")
          && (name.equals(DatePartitionAssigner.UNKNOWN) || isDate(name.substring(3)))) {
        out.add(name);
      }
    }
    return out;
  }

  private static boolean isDate(String s) {
    try {
      LocalDate.parse(s);
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The visible Parquet files of a partition, sorted. */
  public static List<Path> parquetFiles(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (Path f : list(dir)) {
      String n = f.getFileName().toString();
      if (n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_")) {
        out.add(f);
      }
    }
    return out;
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  /** Deletes a directory tree if it exists. */
  public static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    }
  }

  /** Deletes {@code dir} when it is an empty directory. */
  public static void deleteIfEmpty(Path dir) throws IOException {
    if (Files.isDirectory(dir)) {
      try (Stream<Path> s = Files.list(dir)) {
        if (s.findAny().isEmpty()) {
          Files.delete(dir);
        }
      }
    }
  }
}
