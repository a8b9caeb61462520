package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.pipeline.RunSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** Prints a run summary for people: short, aligned, with where the files are. */
public final class SummaryPrinter {
  private SummaryPrinter() {}

  public static void print(RunSummary s, Path output, Path summaryFile, PrintStream out) {
    RunSummary.Accounting a = s.accounting;
    out.println();
    out.printf("Run %s  (%s, %.1f s)%n", s.runId, s.status, s.durationMs / 1000.0);
    out.printf("  range              %s .. %s%n", s.range.get("from"), s.range.get("to"));
    out.printf("  input records      %,d%n", a.inputRecords);
    out.printf("  accepted events    %,d%n", a.acceptedEvents);
    out.printf("  duplicates         %,d%n", a.duplicates);
    out.printf("  dead letters       %,d%s%n", a.deadLetters, reasons(s.deadLettersByReason));
    if (a.outOfRange > 0) {
      out.printf("  out of range       %,d  (outside --from/--to and its context)%n", a.outOfRange);
    }
    out.printf(
        "  accounting         %s%n",
        a.balanced()
            ? "balanced: input = accepted + duplicates + late + dead letters + out of range"
            : "NOT BALANCED");
    out.printf("  persons            %,d%n", s.persons);
    out.printf(
        "  rejected links     %,d  (identity guards; see identity_merges)%n", s.rejectedLinks);
    long journeys = s.journeysByStatus.values().stream().mapToLong(Long::longValue).sum();
    out.printf("  journeys           %,d  %s%n", journeys, s.journeysByStatus);
    double rate = journeys == 0 ? 0 : 100.0 * s.conversions / journeys;
    out.printf(
        "  conversions        %,d  (%.1f%% of journeys, value %,.2f)%n",
        s.conversions, rate, s.conversionValue);
    out.println("  top channel paths  journeys  converted");
    for (Map<String, Object> p :
        s.topChannelPaths.subList(0, Math.min(5, s.topChannelPaths.size()))) {
      out.printf(
          "    %-40s %7d  %9d%n",
          clip((String) p.get("channel_path")), p.get("journeys"), p.get("converted"));
    }
    out.println("  journey patterns   " + top(s.journeyMatchesByPattern));
    out.println("  friction           " + top(s.frictionByType));
    out.println("  tables             " + s.tables);
    out.println(
        "  output             "
            + output.toAbsolutePath().normalize()
            + "/<table>/dt=YYYY-MM-DD/*.parquet");
    out.println("  summary            " + summaryFile.toAbsolutePath().normalize());
  }

  /** "NAME n, NAME n, ..." by count, largest first. */
  private static String top(Map<String, Long> counts) {
    if (counts == null || counts.isEmpty()) {
      return "none";
    }
    return counts.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue(java.util.Comparator.reverseOrder())
                .thenComparing(Map.Entry.comparingByKey()))
        .map(e -> e.getKey() + " " + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "));
  }

  private static String reasons(Map<String, Long> byReason) {
    return byReason == null || byReason.isEmpty() ? "" : "  " + byReason;
  }

  private static String clip(String s) {
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
