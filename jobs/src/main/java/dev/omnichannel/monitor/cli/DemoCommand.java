package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.backfill.BackfillRunner;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.io.PartitionCommitter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: generates a realistic sample with planted ground truth, runs the backfill on the
 * embedded Flink mini cluster, writes Parquet under {@code ./output}, writes the HTML report and
 * prints a summary.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Generates a sample of customers across every channel, runs the backfill on an embedded"
          + " Flink mini cluster, writes Parquet to --output, writes the HTML report"
          + " (<DIR>/report.html) and prints a summary.",
      "Uses a built-in DEMO HMAC key unless OMNI_HMAC_KEY is set: demo output is not privacy-safe."
    })
public class DemoCommand implements Callable<Integer> {
  @Option(
      names = "--output",
      converter = LocalPathConverter.class,
      paramLabel = "DIR",
      defaultValue = "output",
      description = "Output directory (default: ${DEFAULT-VALUE}).")
  Path output;

  @Option(
      names = "--customers",
      paramLabel = "N",
      defaultValue = "2000",
      converter = Numbers.Customers.class,
      description = "Customers to generate (default: ${DEFAULT-VALUE}).")
  int customers;

  @Option(
      names = "--days",
      paramLabel = "N",
      defaultValue = "60",
      converter = Numbers.Days.class,
      description = "Days of activity (default: ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "7",
      converter = Numbers.Seed.class,
      description = "Random seed; the same seed gives the same data (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--bad-ratio",
      paramLabel = "R",
      defaultValue = "0.01",
      converter = Numbers.BadRatio.class,
      description = "Share of broken records injected, 0..0.5 (default: ${DEFAULT-VALUE}).")
  double badRatio;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "${sys:omni.cores}",
      converter = Numbers.Parallelism.class,
      description = "Flink parallelism, 1 to 512 (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Override
  public Integer call() throws Exception {
    // --customers, --days, --seed, --bad-ratio and --parallelism are in range: converters check
    PathChecks.outputDir("--output", output);
    GeneratorConfig gen;
    try {
      gen =
          new GeneratorConfig(
              customers,
              days,
              seed,
              GeneratorConfig.defaults().start(),
              GeneratorConfig.Format.JSONL,
              false,
              badRatio,
              true,
              0);
    } catch (IllegalArgumentException e) {
      throw new UserException(e.getMessage());
    }
    GenerateCommand.checkHeap(gen, "--customers " + customers + " with --days " + days);
    Path input = output.resolve("_demo_input");
    PartitionCommitter.deleteTree(input);
    System.out.printf(
        "Generating %,d customers over %d days (seed %d) ...%n", customers, days, seed);
    GroundTruth truth = Generator.generate(gen, input);
    System.out.printf(
        "  %,d records in %s (ground truth: %s)%n",
        truth.counts().records(), input.resolve("events"), input.resolve("ground-truth.json"));

    byte[] key;
    String env = System.getenv(HmacKeys.ENV);
    if (env != null && !env.isEmpty()) {
      key = HmacKeys.resolve(null, System.getenv());
      System.out.println("Pseudonymising email and phone with the key from " + HmacKeys.ENV + ".");
    } else {
      key = HmacKeys.DEMO_KEY.getBytes(StandardCharsets.UTF_8);
      System.out.println(
          "Pseudonymising email and phone with the built-in DEMO key (not secret: set "
              + HmacKeys.ENV
              + " for real data).");
    }
    System.out.println("Running the backfill on an embedded Flink mini cluster ...");
    FlowConfig config =
        PipelineOptions.defaults()
            .backfillConfig(
                InputResolver.resolve(List.of(input.resolve("events").toString())),
                output,
                null,
                null,
                parallelism,
                key,
                RunIds.next("demo"));
    RunSummary s = BackfillRunner.run(config, List.of("demo"));
    SummaryPrinter.print(s, output, output.resolve("_runs").resolve(s.runId + ".json"), System.out);
    Path report = ReportCommand.write(output, null);
    System.out.println();
    System.out.println(
        "Report (open it in a browser, works offline): " + report.toAbsolutePath().normalize());
    System.out.println();
    System.out.println("Query it, for example with DuckDB:");
    System.out.println(
        "  SELECT status, count(*) FROM read_parquet('"
            + output.toAbsolutePath().normalize()
            + "/journeys/**/*.parquet') GROUP BY status;");
    return s.accounting.balanced() ? 0 : 1;
  }
}
