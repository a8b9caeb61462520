package dev.omnichannel.monitor.identity;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Runs the {@link ComponentSteps} rounds in memory, the way the backfill's keyed exchanges do: each
 * step groups the edge records by their key node and applies the step to that node's list. For
 * tests and for measuring how many rounds a data set needs.
 */
public final class ComponentSimulator {
  private ComponentSimulator() {}

  /**
   * The outcome of {@code rounds} rounds.
   *
   * @param converged whether every node passed the check after the last round
   * @param labels each node's label (its component's centre); only when converged
   * @param recordsPerStep the edge records each exchange shipped: the initial edges (both
   *     directions), then per round the large-star's and the small-star's output records
   */
  public record Run(boolean converged, Map<Long, Long> labels, List<Long> recordsPerStep) {}

  /**
   * Runs {@code rounds} rounds over undirected {@code edges} ({a, b} pairs; self-loops dropped).
   */
  public static Run run(List<long[]> edges, int rounds) {
    Set<Long> nodes = new HashSet<>();
    Map<Long, List<Long>> both = new HashMap<>();
    List<Long> records = new ArrayList<>();
    long shipped = 0;
    for (long[] e : edges) {
      nodes.add(e[0]);
      nodes.add(e[1]);
      if (e[0] != e[1]) {
        add(both, e[0], e[1]);
        add(both, e[1], e[0]);
        shipped += 2;
      }
    }
    records.add(shipped);
    for (int r = 0; r < rounds; r++) {
      Map<Long, List<Long>> toSmall = new HashMap<>();
      long[] count = {0};
      for (Map.Entry<Long, List<Long>> en : both.entrySet()) {
        long[] nb = toArray(en.getValue());
        int n = ComponentSteps.distinct(en.getKey(), nb, nb.length);
        ComponentSteps.largeStar(
            en.getKey(),
            nb,
            n,
            (v, m) -> {
              add(toSmall, v, m);
              count[0]++;
            });
      }
      records.add(count[0]);
      Map<Long, List<Long>> next = new HashMap<>();
      count[0] = 0;
      for (Map.Entry<Long, List<Long>> en : toSmall.entrySet()) {
        long[] nb = toArray(en.getValue());
        int n = ComponentSteps.distinct(en.getKey(), nb, nb.length);
        ComponentSteps.smallStar(
            en.getKey(),
            nb,
            n,
            (v, m) -> {
              add(next, v, m);
              add(next, m, v);
              count[0] += 2;
            });
      }
      records.add(count[0]);
      both = next;
    }
    Map<Long, Long> labels = new HashMap<>();
    for (long u : nodes) {
      List<Long> list = both.get(u);
      long[] nb = list == null ? new long[0] : toArray(list);
      int n = ComponentSteps.distinct(u, nb, nb.length);
      if (!ComponentSteps.isConverged(u, nb, n)) {
        return new Run(false, null, records);
      }
      labels.put(u, ComponentSteps.label(u, nb, n));
    }
    return new Run(true, labels, records);
  }

  /** The fewest rounds (at most {@code max}) after which the check passes; -1 if none. */
  public static int roundsNeeded(List<long[]> edges, int max) {
    for (int r = 0; r <= max; r++) {
      if (run(edges, r).converged()) {
        return r;
      }
    }
    return -1;
  }

  private static void add(Map<Long, List<Long>> map, long k, long v) {
    map.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
  }

  private static long[] toArray(List<Long> list) {
    long[] a = new long[list.size()];
    for (int i = 0; i < a.length; i++) {
      a[i] = list.get(i);
    }
    return a;
  }
}
