package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.backfill.BackfillRunner;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.generate.LegacyExport;
import dev.omnichannel.monitor.io.ParquetFiles;
import dev.omnichannel.monitor.io.PartitionCommitter;
import dev.omnichannel.monitor.mapping.MappedSources;
import dev.omnichannel.monitor.mapping.Mapping;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.avro.generic.GenericRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: generates a realistic sample with planted ground truth and a legacy call log of the
 * same customers, runs the backfill over both on the embedded Flink mini cluster, writes Parquet
 * under {@code ./output}, writes the HTML report and prints a summary.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Generates a sample of customers across every channel, and a legacy contact-centre call"
          + " log (CSV) of their calls, runs the backfill on an embedded Flink mini cluster (the"
          + " call log read with the example mapping contact-centre.yaml), writes Parquet to"
          + " --output, writes the HTML report (<DIR>/report.html) and prints a summary.",
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
    LegacyExport legacy = LegacyExport.CONTACT_CENTRE;
    GroundTruth truth = Generator.generate(gen, input, EnumSet.of(legacy));
    System.out.printf(
        "  %,d records in %s (ground truth: %s)%n",
        truth.counts().records(), input.resolve("events"), input.resolve("ground-truth.json"));
    Path legacyFile = input.resolve(LegacyExport.DIR).resolve(legacy.file);
    System.out.printf(
        "  %,d rows of a legacy contact-centre call log (CSV) in %s, read with the example"
            + " mapping %s%n",
        truth.legacyRows().size(), legacyFile, "examples/mappings/" + legacy.mapping);

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
    List<String> inputs =
        new ArrayList<>(InputResolver.resolve(List.of(input.resolve("events").toString())));
    inputs.add(MappedSources.key(legacyFile));
    FlowConfig config =
        PipelineOptions.defaults()
            .backfillConfig(inputs, output, null, null, parallelism, key, RunIds.next("demo"))
            .withMapped(
                MappedSources.NONE.withFile(legacyFile, Mapping.resource(legacy.resource())));
    RunSummary s = BackfillRunner.run(config, List.of("demo"));
    SummaryPrinter.print(s, output, output.resolve("_runs").resolve(s.runId + ".json"), System.out);
    printLegacy(legacy, output, System.out);
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

  /**
   * How the legacy export joined the timeline: its events in the events table, their persons, and
   * how many of those persons also have digital events.
   */
  static void printLegacy(LegacyExport legacy, Path output, PrintStream out) throws IOException {
    long[] events = {0};
    Set<String> legacyPersons = new HashSet<>();
    Set<String> digitalPersons = new HashSet<>();
    ParquetFiles.forEach(
        ParquetFiles.under(output.resolve("events")),
        EventRow.getClassSchema(),
        List.of("person_id", "source_system"),
        (GenericRecord r) -> {
          Object source = r.get("source_system");
          String person = r.get("person_id").toString();
          if (source != null && source.toString().equals(legacy.sourceSystem)) {
            events[0]++;
            legacyPersons.add(person);
          } else {
            digitalPersons.add(person);
          }
        });
    long joined = legacyPersons.stream().filter(digitalPersons::contains).count();
    out.printf(
        "  legacy source      %s: %,d events of %,d persons, %,d of them joined to the same"
            + " person's digital events%n",
        legacy.sourceSystem, events[0], legacyPersons.size(), joined);
  }
}
