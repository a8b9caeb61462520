package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.flow.RunSummary;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** Prints a run summary for people: short, aligned, with where the files are. */
public final class SummaryPrinter {
  private SummaryPrinter() {}

  public static void print(RunSummary s, Path output, Path summaryFile, PrintStream out) {
    print(
        s,
        output.toAbsolutePath().normalize().toString(),
        summaryFile.toAbsolutePath().normalize().toString(),
        out);
  }

  /** Prints {@code s}; {@code output} and {@code summaryFile} as they are to be shown. */
  public static void print(RunSummary s, String output, String summaryFile, PrintStream out) {
    RunSummary.Accounting a = s.accounting;
    out.println();
    out.printf("Run %s  (%s, %.1f s)%n", s.runId, s.status, s.durationMs / 1000.0);
    if (s.range == null || s.range.get("from") == null) {
      out.printf("  range              none (no events, no --from/--to)%n");
    } else {
      out.printf("  range              %s .. %s%n", s.range.get("from"), s.range.get("to"));
    }
    out.printf("  input records      %,d%n", a.inputRecords);
    out.printf("  accepted events    %,d%n", a.acceptedEvents);
    out.printf("  duplicates         %,d%n", a.duplicates);
    out.printf("  dead letters       %,d%s%n", a.deadLetters, reasons(s.deadLettersByReason));
    if (s.unreadableFiles != null && !s.unreadableFiles.isEmpty()) {
      out.printf(
          "  unreadable files   %,d  (read up to the damage; see dead_letters)%n",
          s.unreadableFiles.size());
      for (String f : s.unreadableFiles) {
        out.printf("    %s%n", f);
      }
    }
    if (a.outOfRange > 0) {
      out.printf("  out of range       %,d  (outside --from/--to and its context)%n", a.outOfRange);
    }
    if (a.suppressed > 0) {
      out.printf("  suppressed         %,d  (identities of erased persons)%n", a.suppressed);
    }
    out.printf(
        "  accounting         %s%n",
        a.balanced()
            ? "balanced: input = accepted + duplicates + late + dead letters + out of range"
                + " + suppressed"
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
    attribution(s.attributedConversions, out);
    out.println("  tables             " + s.tables);
    out.println("  output             " + output + "/<table>/dt=YYYY-MM-DD/*.parquet");
    out.println("  summary            " + summaryFile);
  }

  /** Channels against models: conversions credited, largest channels first. */
  static void attribution(Map<String, Map<String, Double>> byModel, PrintStream out) {
    if (byModel == null || byModel.isEmpty()) {
      out.println("  attribution        none");
      return;
    }
    java.util.Map<String, Double> order = new java.util.TreeMap<>();
    for (Map<String, Double> m : byModel.values()) {
      m.forEach((c, v) -> order.merge(c, 0.0, Double::sum));
    }
    Map<String, Double> ranking =
        byModel.getOrDefault("LINEAR", byModel.values().iterator().next());
    java.util.List<String> channels = new java.util.ArrayList<>(order.keySet());
    channels.sort(
        java.util.Comparator.<String, Double>comparing(c -> -ranking.getOrDefault(c, 0.0))
            .thenComparing(c -> c));
    out.println("  attribution        conversions credited per channel and model");
    StringBuilder header = new StringBuilder(String.format("    %-12s", "channel"));
    for (String m : byModel.keySet()) {
      header.append(String.format(" %8s", abbreviation(m)));
    }
    out.println(header);
    for (String c : channels) {
      StringBuilder row = new StringBuilder(String.format("    %-12s", clip(c, 12)));
      for (Map<String, Double> m : byModel.values()) {
        Double v = m.get(c);
        row.append(v == null ? String.format(" %8s", "-") : String.format(" %8.1f", v));
      }
      out.println(row);
    }
    out.println(
        "    (FIRST, LAST, LINEAR, PART=participation, DECAY=time decay, POS=position based,"
            + " J, INV_J, MARKOV, SHAPLEY)");
  }

  private static String abbreviation(String model) {
    return switch (model) {
      case "FIRST_TOUCH" -> "FIRST";
      case "LAST_TOUCH" -> "LAST";
      case "PARTICIPATION" -> "PART";
      case "TIME_DECAY" -> "DECAY";
      case "POSITION_BASED" -> "POS";
      case "J_CURVE" -> "J";
      case "INVERSE_J" -> "INV_J";
      default -> clip(model, 8);
    };
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
    return clip(s, 40);
  }

  private static String clip(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 3) + "...";
  }
}
