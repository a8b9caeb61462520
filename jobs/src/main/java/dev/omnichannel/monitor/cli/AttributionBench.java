package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.attribution.AttributionModel;
import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.attribution.MarkovModel;
import dev.omnichannel.monitor.attribution.PathAttribution;
import dev.omnichannel.monitor.attribution.PathCsv;
import dev.omnichannel.monitor.attribution.PathStat;
import dev.omnichannel.monitor.attribution.ShapleyModel;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/** {@code bench --attribution-paths FILE}: times the attribution models over path-level data. */
final class AttributionBench {
  private AttributionBench() {}

  static void run(Path file, int repeat, PrintWriter out) throws Exception {
    if (!Files.isRegularFile(file)) {
      throw new UserException("--attribution-paths: no such file: " + file);
    }
    PathCsv.Data data = PathCsv.read(file, PathCsv.DEFAULT_SEPARATOR);
    List<PathStat> paths = data.paths();
    out.printf(
        "attribution: %s: %,d rows, %,d distinct paths, %d channels, %,.0f conversions, %,.0f"
            + " non-converting%n",
        file.getFileName(),
        data.rows(),
        paths.size(),
        data.channels(),
        data.conversions(),
        data.nulls());
    out.printf("| model | states | median | min | max |%n|---|---:|---:|---:|---:|%n");
    for (int order = 1; order <= MarkovModel.MAX_ORDER; order++) {
      int k = order;
      time(
          "MARKOV order " + k,
          states(paths, k),
          repeat,
          out,
          () -> MarkovModel.attribute(paths, k));
    }
    time("SHAPLEY", -1, repeat, out, () -> ShapleyModel.attribute(paths));
    EnumSet<AttributionModel> rules = EnumSet.copyOf(AttributionModel.ruleBasedModels());
    rules.remove(AttributionModel.TIME_DECAY);
    AttributionSettings settings = new AttributionSettings(rules, 1, Duration.ofDays(7));
    time(
        "7 rule-based (no TIME_DECAY)",
        -1,
        repeat,
        out,
        () -> PathAttribution.attribute(paths, settings));
    out.flush();
  }

  /** Transient states of the order-k chain: (start) plus the observed channel tuples. */
  static int states(List<PathStat> paths, int order) {
    Set<List<String>> tuples = new HashSet<>();
    for (PathStat p : paths) {
      List<String> c = new ArrayList<>();
      for (String ch : p.path()) {
        if (c.isEmpty() || !c.get(c.size() - 1).equals(ch)) {
          c.add(ch);
        }
      }
      for (int i = 0; i < c.size(); i++) {
        tuples.add(List.copyOf(c.subList(Math.max(0, i - order + 1), i + 1)));
      }
    }
    return tuples.size() + 1;
  }

  private static void time(String name, int states, int repeat, PrintWriter out, Supplier<?> work) {
    work.get(); // warm-up
    double[] ms = new double[repeat];
    for (int i = 0; i < repeat; i++) {
      long t0 = System.nanoTime();
      work.get();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    out.printf(
        "| %s | %s | %.1f ms | %.1f ms | %.1f ms |%n",
        name,
        states < 0 ? "-" : String.format("%,d", states),
        ms[repeat / 2],
        ms[0],
        ms[repeat - 1]);
  }
}
