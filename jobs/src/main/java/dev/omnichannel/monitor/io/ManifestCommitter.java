package dev.omnichannel.monitor.io;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Publishes a finished backfill's staged partitions on an object store, which cannot rename a
 * folder atomically. The commit protocol:
 *
 * <ol>
 *   <li>The job writes every table under {@code <output>/_staging/<run_id>/}, where no reader
 *       looks.
 *   <li>For each {@code dt=} partition of the run's range, every staged file is copied to {@code
 *       <table>/dt=D/<run_id>-<name>.parquet}: a new, write-once name no earlier run used, so a
 *       copy never changes a file a reader may be reading.
 *   <li>The partition's manifest {@code <table>/dt=D/_manifest.json} is then written in one PUT,
 *       listing exactly the partition's files. <b>This is the commit point</b>: a reader that
 *       follows the manifest sees the old partition or the new one, whole. A partition of the range
 *       that the run did not produce gets an empty manifest (it has no rows now).
 *   <li>Only then are the files the manifest no longer lists deleted, and the staging folder.
 * </ol>
 *
 * <p>A run that fails or is killed before step 3 changes no manifest: the published data is as it
 * was, and what it copied is unlisted and removed by the next run that publishes that partition. A
 * re-run over the same range publishes the same rows under new names. The read path is {@link
 * #liveFiles}: the manifest's files where a partition has one; every visible {@code *.parquet} file
 * where it has none (a stream job's partitions, whose part files appear whole at each checkpoint).
 */
public final class ManifestCommitter {
  /** The manifest's file name in a partition folder. */
  public static final String MANIFEST = "_manifest.json";

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** A partition's manifest, as stored. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record Manifest(
      @JsonProperty("table") String table,
      @JsonProperty("partition") String partition,
      @JsonProperty("run_id") String runId,
      @JsonProperty("committed_at") String committedAt,
      @JsonProperty("files") List<String> files) {}

  private final Path output;
  private final Path staging;
  private final String runId;

  /**
   * @param output the output location holding one folder per table
   * @param staging the run's staging folder, with the same layout
   * @param runId the run's id, prefixing the names of the files it publishes
   */
  public ManifestCommitter(Path output, Path staging, String runId) {
    this.output = output;
    this.staging = staging;
    this.runId = runId;
  }

  /** What a commit published: the range and each table's files. */
  public record Result(LocalDate from, LocalDate to, Map<String, List<Path>> files) {
    /** The committed Parquet files of one table. */
    public List<Path> files(String table) {
      return files.getOrDefault(table, List.of());
    }
  }

  /**
   * Publishes the staged tables, partition by partition.
   *
   * @param tables the tables this run owns
   * @param from the range's first day, or null for the first date staged
   * @param to the range's last day, or null for the last date staged
   */
  public Result commit(List<String> tables, LocalDate from, LocalDate to) throws IOException {
    TreeSet<LocalDate> staged = new TreeSet<>();
    boolean unknown = false;
    for (String table : tables) {
      for (String dt : partitions(new Path(staging, table))) {
        if (dt.equals(DatePartitionAssigner.UNKNOWN)) {
          unknown = true;
        } else {
          staged.add(LocalDate.parse(dt.substring(3)));
        }
      }
    }
    LocalDate rangeFrom = from != null ? from : (staged.isEmpty() ? null : staged.first());
    LocalDate rangeTo = to != null ? to : (staged.isEmpty() ? null : staged.last());
    if (rangeFrom == null && rangeTo == null && !unknown) {
      deleteTree(staging);
      return new Result(null, null, Map.of());
    }
    LocalDate fallback = rangeFrom != null ? rangeFrom : LocalDate.now(ZoneOffset.UTC);
    if (rangeFrom == null) {
      rangeFrom = fallback;
      rangeTo = fallback;
    }
    String committedAt = Instant.now().toString();
    Map<String, List<Path>> files = new TreeMap<>();
    List<Path> superseded = new ArrayList<>();
    for (String table : tables) {
      Path stagedTable = new Path(staging, table);
      Path finalTable = new Path(output, table);
      TreeSet<String> dts = new TreeSet<>(partitions(stagedTable));
      dts.addAll(partitions(finalTable));
      if (dts.contains(DatePartitionAssigner.UNKNOWN)) {
        dts.add("dt=" + fallback);
      }
      List<Path> published = new ArrayList<>();
      for (String dt : dts) {
        if (dt.equals(DatePartitionAssigner.UNKNOWN)) {
          continue;
        }
        LocalDate date = LocalDate.parse(dt.substring(3));
        if (date.isBefore(rangeFrom) || date.isAfter(rangeTo)) {
          continue;
        }
        List<Path> sources = new ArrayList<>(parquet(new Path(stagedTable, dt)));
        if (date.equals(fallback)) {
          // rows without a time join the fallback day, as on a local output
          for (Path p : parquet(new Path(stagedTable, DatePartitionAssigner.UNKNOWN))) {
            sources.add(p);
          }
        }
        Path partition = new Path(finalTable, dt);
        List<String> names = new ArrayList<>();
        for (Path src : sources) {
          String prefix =
              src.getParent().getName().equals(DatePartitionAssigner.UNKNOWN) ? "unknown-" : "";
          String name = runId + "-" + prefix + src.getName();
          copy(src, new Path(partition, name));
          names.add(name);
        }
        names.sort(null);
        Manifest m = new Manifest(table, dt, runId, committedAt, names);
        StoreFiles.write(new Path(partition, MANIFEST), JSON.writeValueAsBytes(m));
        for (String n : names) {
          published.add(new Path(partition, n));
        }
        // files of the partition that the new manifest does not list: the old rows, and copies
        // left by failed runs
        for (Path p : parquet(partition)) {
          if (!names.contains(p.getName())) {
            superseded.add(p);
          }
        }
      }
      files.put(table, published);
    }
    for (Path p : superseded) {
      p.getFileSystem().delete(p, false);
    }
    deleteTree(staging);
    return new Result(rangeFrom, rangeTo, files);
  }

  /**
   * The live Parquet files of a partition, sorted: those its manifest lists, or, without a
   * manifest, every visible {@code *.parquet} file.
   */
  public static List<Path> liveFiles(Path partition) throws IOException {
    byte[] manifest = StoreFiles.readOrNull(new Path(partition, MANIFEST));
    if (manifest == null) {
      return parquet(partition);
    }
    Manifest m = JSON.readValue(manifest, Manifest.class);
    List<Path> out = new ArrayList<>();
    for (String n : m.files()) {
      out.add(new Path(partition, n));
    }
    return out;
  }

  /** The live files of every partition of {@code table} under {@code output}, by partition. */
  public static Map<String, List<Path>> liveFiles(Path output, String table) throws IOException {
    Map<String, List<Path>> out = new TreeMap<>();
    Path t = new Path(output, table);
    for (String dt : partitions(t)) {
      if (!dt.equals(DatePartitionAssigner.UNKNOWN)) {
        out.put(dt, liveFiles(new Path(t, dt)));
      }
    }
    return out;
  }

  private static void copy(Path src, Path dst) throws IOException {
    FileSystem fs = src.getFileSystem();
    try (var in = fs.open(src);
        var out = dst.getFileSystem().create(dst, FileSystem.WriteMode.OVERWRITE)) {
      in.transferTo(out);
    }
  }

  /** The {@code dt=} partition folders of a table folder, sorted. */
  static List<String> partitions(Path table) throws IOException {
    List<String> out = new ArrayList<>();
    for (FileStatus s : StoreFiles.statuses(table)) {
      String name = s.getPath().getName();
      if (s.isDir()
          && name.startsWith("dt=")
          && (name.equals(DatePartitionAssigner.UNKNOWN) || isDate(name.substring(3)))) {
        out.add(name);
      }
    }
    out.sort(null);
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

  /** The visible Parquet files directly in {@code dir}, sorted. */
  static List<Path> parquet(Path dir) throws IOException {
    List<Path> out = new ArrayList<>();
    for (FileStatus s : StoreFiles.statuses(dir)) {
      String n = s.getPath().getName();
      if (!s.isDir() && n.endsWith(".parquet") && !n.startsWith(".") && !n.startsWith("_")) {
        out.add(s.getPath());
      }
    }
    out.sort(java.util.Comparator.comparing(Path::toString));
    return out;
  }

  /** Deletes a folder and everything under it, if it exists. */
  public static void deleteTree(Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem();
    if (fs.exists(dir)) {
      fs.delete(dir, true);
    }
  }
}
