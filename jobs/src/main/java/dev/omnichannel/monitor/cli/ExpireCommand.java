package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.io.OutputClaims;
import dev.omnichannel.monitor.io.PartitionExpiry;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code expire}: retention. Removes every {@code dt=} partition dated before {@code --today} minus
 * {@code --retention-days} from every table of an output directory ({@link PartitionExpiry}),
 * holding the days it removes as a backfill would ({@link OutputClaims}), and writes a run summary
 * with mode {@code expire}.
 */
@Command(
    name = "expire",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Retention: removes every dt= partition older than --retention-days from every table under"
          + " --output. It keeps the partitions of --today and of the N days before it (and any"
          + " later ones), and removes the earlier ones, each partition atomically.",
      "It holds the days it removes as a backfill would: refused (exit 4) while a backfill over"
          + " those days runs or a stream job may still write them. Writes _runs/<run_id>.json"
          + " with mode expire. Running it again removes nothing more."
    })
public class ExpireCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--output",
      converter = LocalPathConverter.class,
      paramLabel = "DIR",
      required = true,
      description = "The output directory of backfill or stream runs.")
  Path output;

  @Option(
      names = "--retention-days",
      paramLabel = "N",
      required = true,
      converter = Numbers.RetentionDays.class,
      description =
          "Keep the partitions of the N days before --today and of --today itself; remove the"
              + " earlier ones. 1 to 36500.")
  int retentionDays;

  @Option(
      names = "--today",
      paramLabel = "DATE",
      description =
          "The day the retention counts back from, as if the run were on that UTC day (default:"
              + " the current UTC date).")
  LocalDate today;

  @Option(
      names = "--dry-run",
      arity = "0",
      description = "Print what would be removed; remove nothing and write no summary.")
  boolean dryRun;

  /** The clock that gives today's UTC date when {@code --today} is not given. */
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() throws Exception {
    validate();
    LocalDate day = today != null ? today : LocalDate.now(clock.withZone(ZoneOffset.UTC));
    LocalDate keepFrom = day.minusDays(retentionDays);
    String runId = RunIds.next("expire");
    List<String> tables = Table.allTables();
    PrintWriter out = spec.commandLine().getOut();
    if (dryRun) {
      PartitionExpiry.Result plan = new PartitionExpiry(output, runId).plan(tables, keepFrom);
      print(plan, day, "would remove", out);
      out.println("  (dry run: nothing removed, no summary written)");
      out.flush();
      return 0;
    }
    Instant started = Instant.now();
    // Refuses (OutputBusyException, exit 4) while another writer holds any of the days removed.
    try (OutputClaims.Claim claim =
        OutputClaims.claimBackfill(output, runId, null, keepFrom.minusDays(1), started)) {
      PartitionExpiry.Result r = new PartitionExpiry(output, runId).expire(tables, keepFrom);
      RunSummary s = new RunSummary();
      s.runId = runId;
      s.mode = "expire";
      s.arguments = spec.commandLine().getParseResult().originalArgs();
      s.startedAt = started.toString();
      s.range = new LinkedHashMap<>();
      s.range.put("to", keepFrom.minusDays(1).toString());
      s.expired = new RunSummary.Expired();
      s.expired.retentionDays = retentionDays;
      s.expired.today = day.toString();
      s.expired.keepFrom = keepFrom.toString();
      s.expired.partitionsRemoved = r.partitions();
      s.expired.rowsRemoved = r.rows();
      s.expired.daysRemoved = r.days();
      Instant ended = Instant.now();
      s.endedAt = ended.toString();
      s.durationMs = Duration.between(started, ended).toMillis();
      s.status = "SUCCEEDED";
      Path file = s.write(output);
      print(r, day, "removed", out);
      out.println("  summary            " + file.toAbsolutePath().normalize());
      out.flush();
    }
    return 0;
  }

  /**
   * Checks the flags before any work: {@code --output} is an existing directory that holds output
   * (a table folder or {@code _runs/}), so a mistyped path is not filled with bookkeeping folders.
   */
  void validate() {
    checkHoldsOutput(output);
  }

  /**
   * Checks that {@code --output} is an existing directory that holds output (a table folder or
   * {@code _runs/}), so a mistyped path is not filled with bookkeeping folders.
   */
  static void checkHoldsOutput(Path output) {
    PathChecks.inputDir("--output", output);
    boolean isOutput = Files.isDirectory(output.resolve("_runs"));
    for (String t : Table.allTables()) {
      isOutput |= Files.isDirectory(output.resolve(t));
    }
    if (!isOutput) {
      throw new UserException(
          "--output "
              + output
              + " holds no output: no table folder (events, journeys, ...) and no _runs/");
    }
  }

  private void print(PartitionExpiry.Result r, LocalDate day, String verb, PrintWriter out) {
    out.println();
    out.printf(
        "Expire %s  (retention %d days before %s: keeps dt >= %s)%n",
        output.toAbsolutePath().normalize(), retentionDays, day, r.keepFrom());
    out.printf(
        "  %-18s %s, %s%s%n",
        verb,
        count(r.totalPartitions(), "partition"),
        count(r.totalRows(), "row"),
        r.days().isEmpty()
            ? ""
            : "  (days " + r.days().get(0) + " .. " + r.days().get(r.days().size() - 1) + ")");
    r.partitions()
        .forEach(
            (table, p) -> {
              if (p > 0) {
                out.printf(
                    "    %-20s %14s %16s%n",
                    table, count(p, "partition"), count(r.rows().get(table), "row"));
              }
            });
  }

  private static String count(long n, String noun) {
    return String.format("%,d %s%s", n, noun, n == 1 ? "" : "s");
  }
}
