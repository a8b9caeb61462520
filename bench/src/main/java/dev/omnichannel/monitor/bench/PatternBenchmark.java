package dev.omnichannel.monitor.bench;

import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.backfill.BackfillRunner;
import dev.omnichannel.monitor.cli.BenchCommand;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventRows;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.io.ParquetFiles;
import dev.omnichannel.monitor.io.PartitionCommitter;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import dev.omnichannel.monitor.patterns.PatternDef;
import dev.omnichannel.monitor.patterns.PatternThroughput;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The pattern stage on Flink CEP and on Esper 9, over the same stitched events: generates N events,
 * runs the backfill on the embedded mini cluster (as {@code bench} does), reads the stitched events
 * back, then times (a) the twelve built-in patterns through Flink CEP at parallelism 1 ({@link
 * PatternThroughput}) and (b) the same patterns written in EPL ({@link EsperPatterns}) on one Esper
 * runtime, on one thread, fed in global time order with an external clock. Prints the matches per
 * pattern of both engines, whether they agree, and events per second.
 */
@Command(
    name = "pattern-benchmark",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Times the built-in patterns on Flink CEP (parallelism 1) and on Esper 9 (one thread) over"
          + " the same stitched events, and compares their matches per pattern."
    })
public class PatternBenchmark implements Callable<Integer> {
  @Option(
      names = "--events",
      paramLabel = "N",
      defaultValue = "1000000",
      description = "Approximate number of events to generate (default: ${DEFAULT-VALUE}).")
  long events;

  @Option(
      names = "--seed",
      paramLabel = "N",
      defaultValue = "1",
      description = "Random seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--work-dir",
      paramLabel = "DIR",
      description =
          "Where to put the generated input and the backfill output (default: a temporary folder,"
              + " deleted after).")
  Path workDir;

  @Option(
      names = "--reuse",
      description =
          "Reuse the stitched events of an earlier run in --work-dir instead of generating and"
              + " backfilling again (--events and --seed are then ignored).")
  boolean reuse;

  @Option(
      names = "--parallelism",
      paramLabel = "N",
      description = "Parallelism of the backfill that stitches the events (default: the cores).")
  Integer parallelism;

  @Option(
      names = "--engines",
      paramLabel = "flink,esper",
      split = ",",
      defaultValue = "flink,esper",
      description = "Engines to time, e.g. only esper to profile it (default: ${DEFAULT-VALUE}).")
  List<String> engines;

  @Option(
      names = "--explain",
      paramLabel = "N",
      defaultValue = "0",
      description =
          "When counts differ, run both engines again keeping every match and print up to N"
              + " persons where they differ, per pattern (default: ${DEFAULT-VALUE}).")
  int explain;

  /** Why a pattern's counts can differ between the engines, when they do. */
  static final Map<String, String> KNOWN_DIFFERENCES =
      Map.of(
          "FAILED_SELF_SERVICE",
          "Flink CEP emits a person's completed matches in the order of their first event: a"
              + " completed match waits while a run that started earlier is still open (a"
              + " self-service on VOICE waits for a contact on another channel while a later"
              + " self-service on WEB is already matched by a VOICE call). If the earlier run then"
              + " completes, it is emitted instead and the waiting match is dropped, and with it"
              + " any run that started before the earlier run's last event. Esper takes a match"
              + " when it completes, and the next must start after it. Only this pattern has"
              + " runs that a later-starting run can overtake: its second step depends on the"
              + " first event's channel.");

  public static void main(String[] args) {
    System.exit(new CommandLine(new PatternBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    Set<String> run = new HashSet<>(engines);
    if (!Set.of("flink", "esper").containsAll(run) || run.isEmpty()) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--engines takes flink, esper or both, got " + engines);
    }
    if (events < 1000 || events > 1_000_000_000L) {
      throw new CommandLine.ParameterException(
          new CommandLine(this), "--events must be between 1000 and 1000000000, got " + events);
    }
    if (reuse && workDir == null) {
      throw new CommandLine.ParameterException(new CommandLine(this), "--reuse needs --work-dir");
    }
    boolean temporary = workDir == null;
    Path dir = temporary ? Files.createTempDirectory("omni-pattern-bench") : workDir;
    try {
      Path output = dir.resolve("output");
      if (!(reuse && Files.isDirectory(output.resolve("events")))) {
        stitch(dir, output);
      }
      List<EventRow> stitched =
          ParquetFiles.readAll(ParquetFiles.under(output.resolve("events")), EventRow.class);
      long persons = stitched.stream().map(EventRow::getPersonId).distinct().count();
      System.out.printf(
          "stitched events: %,d of %,d persons (%s)%n", stitched.size(), persons, output);
      compare(stitched, run);
      return 0;
    } finally {
      if (temporary) {
        PartitionCommitter.deleteTree(dir);
      }
    }
  }

  /** Generates the events and runs the backfill over them, as the {@code bench} command does. */
  private void stitch(Path dir, Path output) throws Exception {
    Path input = dir.resolve("input");
    PartitionCommitter.deleteTree(input);
    PartitionCommitter.deleteTree(output);
    long t0 = System.nanoTime();
    GroundTruth truth = BenchCommand.generate(input, events, seed, GeneratorConfig.Format.JSONL);
    System.out.printf(
        "generate: %,d records in %.1f s%n",
        truth.counts().records(), (System.nanoTime() - t0) / 1e9);
    int p = parallelism == null ? Runtime.getRuntime().availableProcessors() : parallelism;
    FlowConfig config = BenchCommand.backfillConfig(input, output, p);
    long t1 = System.nanoTime();
    RunSummary s = BackfillRunner.run(config, List.of("pattern-benchmark"));
    System.out.printf(
        "backfill: %,d input records, %,d events, %,d persons in %.1f s (parallelism %d)%n",
        s.accounting.inputRecords,
        s.accounting.acceptedEvents,
        s.persons,
        (System.nanoTime() - t1) / 1e9,
        p);
  }

  private void compare(List<EventRow> stitched, Set<String> run) throws Exception {
    PatternCatalogue catalogue = PatternCatalogue.builtin();
    int cores = Runtime.getRuntime().availableProcessors();
    PatternThroughput.Result flink = null;
    double flinkCpu = 0;
    if (run.contains("flink")) {
      List<Event> events = stitched.stream().map(EventRows::fromRow).toList();
      long cpu0 = processCpuNanos();
      flink = PatternThroughput.measure(events, catalogue, 1);
      flinkCpu = (processCpuNanos() - cpu0) / 1e9;
      System.out.printf(
          "Flink CEP: %,d events in %.1f s, %,.0f events/s%n",
          flink.events(), flink.seconds(), flink.eventsPerSecond());
    }
    EsperPatternRunner.Result esper = null;
    double esperCpu = 0;
    if (run.contains("esper")) {
      System.gc();
      long cpu0 = processCpuNanos();
      esper = EsperPatternRunner.run(stitched, catalogue);
      esperCpu = (processCpuNanos() - cpu0) / 1e9;
      System.out.printf(
          "Esper 9: %,d events in %.1f s, %,.0f events/s (sort %.1f s, compile and deploy %.1f"
              + " s)%n",
          esper.events(),
          esper.seconds(),
          esper.eventsPerSecond(),
          esper.prepSeconds(),
          esper.compileSeconds());
    }

    System.out.println();
    System.out.println(
        "| pattern | Flink CEP | Esper 9 | agree | Esper 9, absences confirmed by the end of"
            + " input |");
    System.out.println("|---|---:|---:|---|---:|");
    List<String> differ = new ArrayList<>();
    long flinkTotal = 0;
    long esperTotal = 0;
    for (PatternDef def : catalogue.patterns()) {
      String name = def.name();
      Long f = flink == null ? null : flink.matchesByPattern().getOrDefault(name, 0L);
      Long e = esper == null ? null : esper.flushed().get(name);
      Long c = esper == null ? null : esper.confirmed().get(name);
      boolean agree = f != null && f.equals(e);
      if (f != null && e != null && !agree) {
        differ.add(name);
      }
      flinkTotal += f == null ? 0 : f;
      esperTotal += e == null ? 0 : e;
      System.out.printf(
          "| %s | %s | %s | %s | %s |%n",
          name,
          count(f),
          count(e),
          f == null || e == null ? "" : agree ? "yes" : "**no** (" + signed(e - f) + ")",
          count(c));
    }
    System.out.printf(
        "| all | %s | %s | %s | |%n",
        flink == null ? "" : String.format("%,d", flinkTotal),
        esper == null ? "" : String.format("%,d", esperTotal),
        flink == null || esper == null
            ? ""
            : differ.isEmpty() ? "yes" : differ.size() + " of " + catalogue.patterns().size());
    if (flink != null && esper != null) {
      System.out.println();
      System.out.println(
          "Both columns count the trailing-absence matches (ERROR_THEN_ABANDON, CART_ABANDONED)"
              + " whose window had not passed when the input ended, as Flink CEP emits them at the"
              + " end of a bounded input (Esper: the clock advanced past every window). The last"
              + " column is what a backfill keeps: the clock stopped at the end of input.");
    }
    for (String name : differ) {
      String why = KNOWN_DIFFERENCES.get(name);
      System.out.printf(
          "%n%s differs: %s%n",
          name, why != null ? why : "not explained; run with --explain N to see where.");
    }

    System.out.println();
    System.out.println(
        "| engine | events | time | events/s | CPU time during the run (of " + cores + " cores) |");
    System.out.println("|---|---:|---:|---:|---:|");
    if (flink != null) {
      System.out.printf(
          "| Flink CEP 2.2 (BATCH, parallelism 1) | %,d | %.1f s | %,.0f | %.1f s (%.2f cores) |%n",
          flink.events(),
          flink.seconds(),
          flink.eventsPerSecond(),
          flinkCpu,
          flinkCpu / flink.seconds());
    }
    if (esper != null) {
      double all = esper.prepSeconds() + esper.seconds();
      System.out.printf(
          "| Esper 9.0 (one thread, external clock) | %,d | %.1f s | %,.0f | %.1f s (%.2f cores) |%n",
          esper.events(),
          esper.seconds(),
          esper.eventsPerSecond(),
          esperCpu,
          esperCpu / (all + esper.compileSeconds()));
      System.out.printf(
          "| Esper 9.0 with the global sort by (event_time, event_id) | %,d | %.1f s | %,.0f | |%n",
          esper.events(), all, esper.events() / all);
    }
    if (flink != null && esper != null) {
      System.out.printf(
          "%nFlink/Esper events/s, wall clock (Flink at parallelism 1 still overlaps its CEP tasks on all cores; compare CPU time above for per-core): %.2f (%.2f counting Esper's sort)%n",
          flink.eventsPerSecond() / esper.eventsPerSecond(),
          flink.eventsPerSecond() / (esper.events() / (esper.prepSeconds() + esper.seconds())));
    }
    if (explain > 0 && !differ.isEmpty()) {
      explain(stitched, catalogue, differ);
    }
  }

  /** Both engines again, keeping every match: up to --explain persons per differing pattern. */
  private void explain(List<EventRow> stitched, PatternCatalogue catalogue, List<String> differ)
      throws Exception {
    Map<String, Map<String, List<List<String>>>> f = FlinkMatches.collect(stitched, catalogue);
    Map<String, Map<String, List<List<String>>>> e =
        EsperPatternRunner.run(stitched, catalogue, true).matches();
    for (String name : differ) {
      Map<String, List<List<String>>> fp = f.getOrDefault(name, Map.of());
      Map<String, List<List<String>>> ep = e.getOrDefault(name, Map.of());
      Set<String> persons = new TreeSet<>(fp.keySet());
      persons.addAll(ep.keySet());
      int shown = 0;
      int differing = 0;
      System.out.printf("%n%s: persons whose matches differ (first and last event ids)%n", name);
      for (String person : persons) {
        List<List<String>> a = sorted(fp.getOrDefault(person, List.of()));
        List<List<String>> b = sorted(ep.getOrDefault(person, List.of()));
        if (a.equals(b)) {
          continue;
        }
        differing++;
        if (shown++ < explain) {
          System.out.printf("  %s%n    Flink CEP: %s%n    Esper 9:   %s%n", person, a, b);
          printTimeline(stitched, person);
        }
      }
      System.out.printf("  %,d persons differ%n", differing);
    }
  }

  private static void printTimeline(List<EventRow> stitched, String person) {
    stitched.stream()
        .filter(ev -> person.equals(ev.getPersonId()))
        .sorted(EsperPatternRunner.ORDER)
        .forEach(
            ev ->
                System.out.printf(
                    "      %s %s %s %s%s%n",
                    ev.getEventTime(),
                    ev.getEventId(),
                    ev.getChannel(),
                    ev.getEventType(),
                    ev.getOutcome() == null ? "" : " " + ev.getOutcome()));
  }

  private static List<List<String>> sorted(List<List<String>> l) {
    List<List<String>> c = new ArrayList<>(l);
    c.sort((x, y) -> x.toString().compareTo(y.toString()));
    return c;
  }

  private static String count(Long n) {
    return n == null ? "" : String.format("%,d", n);
  }

  private static String signed(long n) {
    return (n > 0 ? "+" : "") + String.format("%,d", n);
  }

  private static long processCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }
}
