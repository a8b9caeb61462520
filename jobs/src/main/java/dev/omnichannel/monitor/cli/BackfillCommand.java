package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.backfill.BackfillRunner;
import dev.omnichannel.monitor.config.Secrets;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.io.ObjectStores;
import dev.omnichannel.monitor.mapping.HeaderCheck;
import dev.omnichannel.monitor.mapping.Mapping;
import dev.omnichannel.monitor.mapping.MappingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code backfill}: event files in, Parquet tables out, in Flink BATCH execution. */
@Command(
    name = "backfill",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Reads event files (*.avro, *.jsonl, *.jsonl.gz; files, directories or globs), stitches"
          + " identities, builds journeys and writes Parquet tables under --output.",
      "Re-running a range replaces its dt= partitions atomically. With --from/--to the job also"
          + " reads --journey-max-duration before --from as context and writes only the range.",
      "--replay-days N re-stitches the last N complete UTC days (--from today-N, --to today-1),"
          + " for nightly schedules."
    })
public class BackfillCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--input",
      paramLabel = "PATH",
      required = true,
      arity = "1..*",
      description = "Event files, directories or globs (repeatable).")
  List<String> inputs;

  @Option(
      names = "--output",
      converter = OutputLocation.Converter.class,
      paramLabel = "DIR",
      required = true,
      description =
          "Output directory or object-store prefix (s3://bucket/prefix):"
              + " <DIR>/<table>/dt=YYYY-MM-DD/*.parquet and <DIR>/_runs/. See README, 'Object"
              + " storage'.")
  OutputLocation output;

  @Option(
      names = "--from",
      paramLabel = "DATE",
      description = "First UTC day of the range, inclusive (default: the first day of the data).")
  LocalDate from;

  @Option(
      names = "--to",
      paramLabel = "DATE",
      description =
          "Last UTC day of the range, inclusive; also the end of input for journeys (default: the"
              + " last day of the data).")
  LocalDate to;

  @Option(
      names = "--replay-days",
      paramLabel = "N",
      description =
          "Re-process the last N complete UTC days: --from is --today minus N days, --to is --today"
              + " minus 1 day. Not with --from/--to.")
  String replayDays;

  @Option(
      names = "--today",
      paramLabel = "DATE",
      description =
          "The day --replay-days counts back from, as if the run were on that UTC day (default: the"
              + " current UTC date).")
  LocalDate today;

  /** The most days {@code --replay-days} goes back. */
  static final int MAX_REPLAY_DAYS = 36_500;

  /** The clock that gives today's UTC date when {@code --today} is not given. */
  Clock clock = Clock.systemUTC();

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "Flink parallelism, 1 to 512 (default: the number of cores, ${DEFAULT-VALUE}).",
      defaultValue = "${sys:omni.cores}",
      converter = Numbers.Parallelism.class)
  int parallelism;

  @Option(
      names = "--fail-on-unreadable-input",
      arity = "0",
      description =
          "Exit 3 (after publishing the tables) when an input file could not be read to its end;"
              + " without it such files are dead letters and the run exits 0.")
  boolean failOnUnreadableInput;

  @Option(
      names = "--mapping",
      paramLabel = "FILE",
      description =
          "A mapping (YAML) of a legacy export: every input file is read as CSV, TSV or"
              + " fixed-width rows of that export, whatever its name, and each row is mapped to an"
              + " event. See README, 'Mapping legacy exports'.")
  Path mappingFile;

  @Mixin PipelineOptions options = new PipelineOptions();

  @Override
  public Integer call() throws Exception {
    Checked checked = validate();
    FlowConfig config = config(checked, HmacKeys.resolve(options.hmacKeyFile, System.getenv()));
    RunSummary s =
        BackfillRunner.run(
            config, Secrets.redactArgs(spec.commandLine().getParseResult().originalArgs()));
    SummaryPrinter.print(
        s, output.value(), output.resolve("_runs/" + s.runId + ".json"), System.out);
    if (!s.accounting.balanced()) {
      return 1;
    }
    return failOnUnreadableInput && s.unreadableFiles != null ? 3 : 0;
  }

  /** The range and input files of a command line whose every flag has been checked. */
  record Checked(Range range, List<String> files, Mapping mapping) {}

  /**
   * Checks every flag before any work (nothing is created, no job starts): the range, the output
   * directory, the processing options, the input files. A {@link UserException} names the flag and
   * the value.
   */
  Checked validate() {
    Range range = range();
    LocalDate from = range.from();
    LocalDate to = range.to();
    if (from != null && to != null && to.isBefore(from)) {
      throw new UserException("--to " + to + " is before --from " + from);
    }
    if (output.isObjectStore()) {
      ObjectStoreChecks.output("--output", output);
    } else {
      PathChecks.outputDir("--output", output.local());
    }
    options.validate();
    Mapping mapping = null;
    if (mappingFile != null) {
      PathChecks.inputFile("--mapping", mappingFile);
      try {
        mapping = Mapping.read(mappingFile);
      } catch (MappingException e) {
        throw new UserException("--mapping " + e.getMessage(), e);
      }
    }
    if (inputs.stream().anyMatch(ObjectStores::isObjectStore)) {
      ObjectStoreChecks.initialize("--input");
    }
    List<String> files = InputResolver.resolve(inputs, mapping != null);
    if (mapping != null) {
      for (String f : files) {
        Path p = Path.of(f);
        String problem = Files.isRegularFile(p) ? HeaderCheck.problem(mapping, p) : null;
        if (problem != null) {
          throw new UserException(
              "--input " + f + ": " + problem + " (--mapping " + mappingFile + ")");
        }
      }
    }
    return new Checked(range, files, mapping);
  }

  /** The configuration of this invocation, whose flags {@link #validate()} checked. */
  FlowConfig config(Checked checked, byte[] hmacKey) throws Exception {
    LocalDate from = checked.range().from();
    LocalDate to = checked.range().to();
    String runId = RunIds.next("backfill");
    FlowConfig config;
    if (output.isObjectStore()) {
      config =
          options.backfillConfigOnStore(
              checked.files(), output.value(), from, to, parallelism, hmacKey, runId);
    } else {
      Files.createDirectories(output.local());
      config =
          options.backfillConfig(
              checked.files(), output.local(), from, to, parallelism, hmacKey, runId);
    }
    return config.withMapping(checked.mapping());
  }

  /**
   * A backfill range of whole UTC days, both inclusive.
   *
   * @param from the first day, or null for the first day of the data
   * @param to the last day, or null for the last day of the data
   */
  record Range(LocalDate from, LocalDate to) {}

  /**
   * The range of this run: {@code --from}/{@code --to} as given, or the last {@code --replay-days}
   * complete UTC days before {@code --today}. A {@link UserException} names a bad or conflicting
   * value.
   */
  Range range() {
    if (replayDays == null) {
      if (today != null) {
        throw new UserException("--today " + today + " applies only with --replay-days");
      }
      return new Range(from, to);
    }
    if (from != null) {
      throw new UserException(
          "--replay-days " + replayDays + " cannot be combined with --from " + from);
    }
    if (to != null) {
      throw new UserException(
          "--replay-days " + replayDays + " cannot be combined with --to " + to);
    }
    int days;
    try {
      days = Integer.parseInt(replayDays.trim());
    } catch (NumberFormatException e) {
      throw new UserException(
          "--replay-days must be a whole number of days, at least 1, got '" + replayDays + "'");
    }
    if (days < 1) {
      throw new UserException("--replay-days must be at least 1, got " + replayDays);
    }
    if (days > MAX_REPLAY_DAYS) {
      throw new UserException(
          "--replay-days must be at most " + MAX_REPLAY_DAYS + " (100 years), got " + replayDays);
    }
    LocalDate day = today != null ? today : LocalDate.now(clock.withZone(ZoneOffset.UTC));
    return new Range(day.minusDays(days), day.minusDays(1));
  }
}
