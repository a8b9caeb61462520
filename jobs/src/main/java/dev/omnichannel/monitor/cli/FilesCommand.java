package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.io.ManifestCommitter;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.flink.core.fs.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code files}: the read path. Prints the committed Parquet files of a table, one per line, or as
 * a DuckDB {@code read_parquet([...])} expression: on an object store, a partition's files are
 * those its manifest lists ({@link ManifestCommitter}); without a manifest, every visible {@code
 * *.parquet} file. Reading these files, and no others, never shows a half-published partition.
 */
@Command(
    name = "files",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Lists the committed Parquet files of a table under --output (a directory or"
          + " s3://bucket/prefix), following each partition's manifest: the files to read for a"
          + " consistent view while backfills re-publish partitions. See README, 'Object storage'."
    })
public class FilesCommand implements Callable<Integer> {
  @Option(
      names = "--output",
      converter = OutputLocation.Converter.class,
      paramLabel = "DIR",
      required = true,
      description = "The output of backfill or stream runs: a directory or s3://bucket/prefix.")
  OutputLocation output;

  @Option(
      names = "--table",
      paramLabel = "TABLE",
      required = true,
      description = "The table (events, journeys, persons, ...).")
  String table;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "list",
      description =
          "list (one URI per line, default) or duckdb (a read_parquet([...]) expression with"
              + " hive_partitioning, to paste into a query; exit 1 when the table has no files).")
  String format;

  @Override
  public Integer call() throws IOException {
    if (!Table.allTables().contains(table)) {
      throw new UserException(
          "--table " + table + " is not a table; one of " + String.join(", ", Table.allTables()));
    }
    String f = format.trim().toLowerCase(Locale.ROOT);
    if (!f.equals("list") && !f.equals("duckdb")) {
      throw new UserException("--format must be list or duckdb, got '" + format + "'");
    }
    if (output.isObjectStore()) {
      ObjectStoreChecks.output("--output", output);
    } else {
      PathChecks.inputDir("--output", output.local());
    }
    List<String> files = new ArrayList<>();
    for (Map.Entry<String, List<Path>> e :
        ManifestCommitter.liveFiles(new Path(output.value()), table).entrySet()) {
      for (Path p : e.getValue()) {
        files.add(output.isObjectStore() ? p.toString() : p.toUri().getPath());
      }
    }
    if (f.equals("list")) {
      files.forEach(System.out::println);
    } else if (files.isEmpty()) {
      // DuckDB cannot read an empty list of files
      System.err.println("table " + table + " under " + output + " has no committed files");
      return 1;
    } else {
      StringBuilder b = new StringBuilder("read_parquet([");
      for (int i = 0; i < files.size(); i++) {
        b.append(i == 0 ? "" : ", ")
            .append('\'')
            .append(files.get(i).replace("'", "''"))
            .append('\'');
      }
      System.out.println(b.append("], hive_partitioning = true)"));
    }
    return 0;
  }
}
