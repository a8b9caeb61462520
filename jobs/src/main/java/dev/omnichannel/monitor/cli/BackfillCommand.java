package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.pipeline.BackfillConfig;
import dev.omnichannel.monitor.pipeline.BackfillRunner;
import dev.omnichannel.monitor.pipeline.RunSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
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
          + " reads --journey-max-duration before --from as context and writes only the range."
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
      paramLabel = "DIR",
      required = true,
      description = "Output directory: <DIR>/<table>/dt=YYYY-MM-DD/*.parquet and <DIR>/_runs/.")
  Path output;

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
      names = "--parallelism",
      paramLabel = "N",
      description = "Flink parallelism (default: the number of cores, ${DEFAULT-VALUE}).",
      defaultValue = "${sys:omni.cores}")
  int parallelism;

  @Mixin PipelineOptions options = new PipelineOptions();

  @Override
  public Integer call() throws Exception {
    BackfillConfig config = config(HmacKeys.resolve(options.hmacKeyFile, System.getenv()));
    RunSummary s = BackfillRunner.run(config, spec.commandLine().getParseResult().originalArgs());
    SummaryPrinter.print(s, output, output.resolve("_runs").resolve(s.runId + ".json"), System.out);
    return s.accounting.balanced() ? 0 : 1;
  }

  /** The validated configuration of this invocation. */
  BackfillConfig config(byte[] hmacKey) throws Exception {
    if (from != null && to != null && to.isBefore(from)) {
      throw new UserException("--to " + to + " is before --from " + from);
    }
    if (parallelism < 1 || parallelism > 512) {
      throw new UserException("--parallelism must be between 1 and 512, got " + parallelism);
    }
    if (Files.exists(output) && !Files.isDirectory(output)) {
      throw new UserException("--output " + output + " exists and is not a directory");
    }
    List<String> files = InputResolver.resolve(inputs);
    Files.createDirectories(output);
    return options.backfillConfig(
        files, output, from, to, parallelism, hmacKey, RunIds.next("backfill"));
  }
}
