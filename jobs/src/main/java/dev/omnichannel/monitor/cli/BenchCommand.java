package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.backfill.BackfillRunner;
import dev.omnichannel.monitor.event.EventRows;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.io.ParquetFiles;
import dev.omnichannel.monitor.io.PartitionCommitter;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import dev.omnichannel.monitor.patterns.PatternThroughput;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bench}: generates N events and times the backfill over them on the embedded mini cluster.
 * Prints events per second and peak memory, as a line ready for BENCHMARKS.md.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Generates --events synthetic events, then times the backfill over them on the embedded"
          + " Flink mini cluster, then the pattern stage alone (Flink CEP, one core) over the"
          + " stitched events. Prints events per second and peak memory."
    })
public class BenchCommand implements Callable<Integer> {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "1000000",
      converter = Numbers.BenchEvents.class,
      description =
          "Approximate number of events to generate, 1000..1000000000 (default:"
              + " ${DEFAULT-VALUE}).")
  long events;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      defaultValue = "${sys:omni.cores}",
      converter = Numbers.Parallelism.class,
      description = "Flink parallelism, 1 to 512 (default: ${DEFAULT-VALUE}).")
  int parallelism;

  @Option(
      names = "--format",
      paramLabel = "jsonl|avro",
      defaultValue = "jsonl",
      description = "Input format to generate (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Where to put the generated input and the output (default: a temporary folder, deleted after).")
  Path workDir;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      converter = Numbers.Seed.class,
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--attribution-paths",
      paramLabel = "FILE",
      description =
          "Instead of the backfill, time the attribution models over a path-level CSV (as for"
              + " 'attribute'): the Markov solve at orders 1 to 4, Shapley, and the rule-based"
              + " models; the median of --repeat runs after one warm-up.")
  Path attributionPaths;

  @Option(
      names = "--repeat",
      paramLabel = "N",
      defaultValue = "5",
      converter = Numbers.Repeats.class,
      description =
          "Timed runs per model with --attribution-paths, 1..1000 (default: ${DEFAULT-VALUE}).")
  int repeat;

  @Override
  public Integer call() throws Exception {
    // --events, --parallelism, --seed and --repeat are in range: their converters check it
    GeneratorConfig.Format fmt;
    try {
      fmt = GeneratorConfig.Format.valueOf(format.trim().toUpperCase(java.util.Locale.ROOT));
      if (fmt == GeneratorConfig.Format.KAFKA) {
        throw new IllegalArgumentException("files only");
      }
    } catch (IllegalArgumentException e) {
      throw new UserException("--format must be jsonl or avro, got '" + format + "'");
    }
    if (workDir != null) {
      PathChecks.outputDir("--work-dir", workDir);
    }
    if (attributionPaths != null) {
      PathChecks.inputFile("--attribution-paths", attributionPaths);
      AttributionBench.run(attributionPaths, repeat, spec.commandLine().getOut());
      return 0;
    }
    GenerateCommand.checkHeap(inputConfig(events, seed, fmt), "--events " + events);
    boolean temporary = workDir == null;
    Path dir = temporary ? Files.createTempDirectory("omni-bench") : workDir;
    try {
      Path input = dir.resolve("input");
      Path output = dir.resolve("output");
      PartitionCommitter.deleteTree(input);
      PartitionCommitter.deleteTree(output);
      long t0 = System.nanoTime();
      GroundTruth truth = generate(input, events, seed, fmt);
      double genSeconds = (System.nanoTime() - t0) / 1e9;
      System.out.printf(
          "generate: %,d records in %.1f s (%,.0f records/s)%n",
          truth.counts().records(), genSeconds, truth.counts().records() / genSeconds);

      FlowConfig config = backfillConfig(input, output, parallelism);
      resetPeaks();
      long t1 = System.nanoTime();
      RunSummary s = BackfillRunner.run(config, List.of("bench"));
      double seconds = (System.nanoTime() - t1) / 1e9;
      long heapPeak = heapPeakBytes();
      System.out.printf(
          "backfill: %,d input records, %,d events, %,d persons, %,d journeys in %.1f s%n",
          s.accounting.inputRecords,
          s.accounting.acceptedEvents,
          s.persons,
          s.journeysByStatus.values().stream().mapToLong(Long::longValue).sum(),
          seconds);
      System.out.printf(
          "throughput: %,.0f events/s end to end (parallelism %d, %d cores)%n",
          s.accounting.inputRecords / seconds,
          parallelism,
          Runtime.getRuntime().availableProcessors());
      System.out.printf(
          "peak memory: JVM heap %,d MiB, process RSS %s%n", heapPeak >> 20, rssPeak());
      System.out.printf(
          "| backfill | %,d | %d | %.1f s | %,.0f | %,d MiB |%n",
          s.accounting.inputRecords,
          parallelism,
          seconds,
          s.accounting.inputRecords / seconds,
          heapPeak >> 20);
      List<EventRow> stitched =
          ParquetFiles.readAll(ParquetFiles.under(output.resolve("events")), EventRow.class);
      PatternThroughput.Result p =
          PatternThroughput.measure(
              stitched.stream().map(EventRows::fromRow).toList(), PatternCatalogue.builtin(), 1);
      System.out.printf(
          "patterns: %,d stitched events through %d built-in patterns (Flink CEP, BATCH,"
              + " parallelism 1, job overhead subtracted) in %.1f s: %,.0f events/s at parallelism 1, %,d"
              + " matches%n",
          p.events(),
          PatternCatalogue.builtin().patterns().size(),
          p.seconds(),
          p.eventsPerSecond(),
          p.matches());
      System.out.printf(
          "| patterns (Flink CEP) | %,d | 1 | %.1f s | %,.0f | %,d matches |%n",
          p.events(), p.seconds(), p.eventsPerSecond(), p.matches());
      return s.accounting.balanced() ? 0 : 1;
    } finally {
      if (temporary) {
        PartitionCommitter.deleteTree(dir);
      }
    }
  }

  /** The benchmark's input: about {@code events} records over 90 days, no broken records. */
  public static GroundTruth generate(
      Path input, long events, long seed, GeneratorConfig.Format format) throws IOException {
    return Generator.generate(inputConfig(events, seed, format), input);
  }

  /** The generator settings of the benchmark's input. */
  static GeneratorConfig inputConfig(long events, long seed, GeneratorConfig.Format format) {
    GeneratorConfig defaults = GeneratorConfig.defaults();
    return new GeneratorConfig(
        defaults.customers(), 90, seed, defaults.start(), format, false, 0.0, false, events);
  }

  /** The benchmark's backfill over {@code input/events}: default settings, the demo HMAC key. */
  public static FlowConfig backfillConfig(Path input, Path output, int parallelism) {
    return PipelineOptions.defaults()
        .backfillConfig(
            InputResolver.resolve(List.of(input.resolve("events").toString())),
            output,
            null,
            null,
            parallelism,
            HmacKeys.DEMO_KEY.getBytes(StandardCharsets.UTF_8),
            RunIds.next("bench"));
  }

  private static void resetPeaks() {
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      p.resetPeakUsage();
    }
  }

  private static long heapPeakBytes() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  private static String rssPeak() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          long kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
          return String.format("%,d MiB", kb >> 10);
        }
      }
    } catch (Exception e) {
      // not on Linux
    }
    return "n/a";
  }
}
