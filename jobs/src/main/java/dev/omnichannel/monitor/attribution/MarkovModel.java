package dev.omnichannel.monitor.attribution;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Data-driven attribution by an absorbing Markov chain of order k (the MARKOV model).
 *
 * <p><b>Paths.</b> Consecutive repeats in a path are collapsed first ({@code A > A > B} becomes
 * {@code A > B}). A path with no channel is ignored. A path with {@code conversions + nulls}
 * journeys adds that many walks to the transition counts; its conversions end in (conversion), its
 * nulls in (null).
 *
 * <p><b>States (order k).</b> (start), (conversion), (null) and channel tuples of length 1..k: a
 * collapsed path {@code c1 > ... > cn} walks (start) → (c1) → (c1,c2) → ... → (c1..ck) → (c2..ck+1)
 * → ... → (c(n-k+1)..cn) → (conversion)|(null), i.e. the state after touch i is the last {@code
 * min(i, k)} channels (the ChannelAttribution package's convention). For k = 1 this is exactly the
 * standard first-order model with one state per channel. Transition probabilities are the observed
 * transition counts normalised per source state.
 *
 * <p><b>Solution.</b> The absorption probabilities h(s) = P(reach (conversion) from s) satisfy h =
 * P<sub>conv</sub> + Q h over the transient states. They are solved exactly (no simulation) by
 * Gauss–Seidel sweeps over the observed transitions only, in reverse breadth-first order from
 * (start), until no state's value changes by more than {@value #RELATIVE_TOLERANCE} relative. The
 * cost of one sweep is the number of observed transitions, so order 4 over many channels (thousands
 * of states) stays fast; every state reaches an absorbing state, so the sweeps converge.
 *
 * <p><b>Credits.</b> removal_effect(c) = 1 − P(conversion with c removed) / P(conversion), where
 * removing c sends every transition into a state whose tuple contains c to (null); credit(c) =
 * conversions × RE(c) / ΣRE. With no conversions every removal effect and credit is 0.
 *
 * <p><b>Value.</b> Value has a removal effect of its own, as in the ChannelAttribution package: a
 * conversion reached from state s is worth m(s), the mean value of the conversions observed leaving
 * s; V = the expected conversion value from (start), which solves v = P<sub>conv</sub>·m + Q v by
 * the same sweeps (a second right-hand side, solved in the same pass over the transitions);
 * value_removal_effect(c) = 1 − V(c removed) / V; value credit(c) = total value × value_RE(c) / Σ
 * value_RE. With equal values on every conversion, value_RE = RE. A channel that leads to large
 * orders earns more value than one that leads to small ones. A channel from which the chain can
 * never reach (conversion) has removal effect 0. Note that the chain is memoryless: a channel seen
 * only on non-converting paths can still earn credit when those paths continue into channels that
 * convert elsewhere (C in {@code C > A} abandoned, {@code A} converting). The result is never NaN.
 */
public final class MarkovModel {
  /** The highest supported order. */
  public static final int MAX_ORDER = 4;

  /** Stop the sweeps when no absorption probability changes by more than this, relatively. */
  static final double RELATIVE_TOLERANCE = 1e-14;

  private static final int MAX_SWEEPS = 10_000_000;
  private static final int START = 0;
  private static final int CONVERSION = -1;
  private static final int NULL = -2;

  private MarkovModel() {}

  /**
   * Attributes the conversions and value of {@code paths} to their channels.
   *
   * @param paths aggregated paths (converting and non-converting)
   * @param order the chain order k, 1..{@value #MAX_ORDER}
   * @return one credit per channel seen in a non-empty path, sorted by channel
   */
  public static List<ChannelCredit> attribute(Collection<PathStat> paths, int order) {
    if (order < 1 || order > MAX_ORDER) {
      throw new IllegalArgumentException("order must be 1.." + MAX_ORDER + ": " + order);
    }
    Chain chain = new Chain();
    double conversions = 0;
    double value = 0;
    for (PathStat p : paths) {
      List<String> collapsed = collapse(p.path());
      if (collapsed.isEmpty()) {
        continue;
      }
      conversions += p.conversions();
      value += p.value();
      chain.channels.addAll(collapsed);
      double walks = p.conversions() + p.nulls();
      if (walks <= 0) {
        continue;
      }
      int from = START;
      for (int i = 0; i < collapsed.size(); i++) {
        int to = chain.state(collapsed.subList(Math.max(0, i - order + 1), i + 1));
        chain.add(from, to, walks);
        from = to;
      }
      chain.add(from, CONVERSION, p.conversions());
      chain.addValue(from, p.value());
      chain.add(from, NULL, p.nulls());
    }
    return chain.attribute(conversions, value);
  }

  /**
   * First-order attribution from transition counts instead of paths (for published counts).
   *
   * @param counts from state → to state → count; states other than the three named ones are
   *     channels
   * @param start the name of the start state
   * @param conversion the name of the conversion state; the counts into it are the conversions
   * @param nul the name of the null state
   * @param value the total value to attribute
   */
  static List<ChannelCredit> attributeTransitions(
      Map<String, Map<String, Double>> counts,
      String start,
      String conversion,
      String nul,
      double value) {
    Chain chain = new Chain();
    chain.valuesPerState = false;
    double conversions = 0;
    for (Map.Entry<String, Map<String, Double>> row : counts.entrySet()) {
      String fromName = row.getKey();
      if (fromName.equals(conversion) || fromName.equals(nul)) {
        throw new IllegalArgumentException("transition out of an absorbing state: " + fromName);
      }
      int from = fromName.equals(start) ? START : chain.channelState(fromName);
      for (Map.Entry<String, Double> e : row.getValue().entrySet()) {
        String toName = e.getKey();
        int to;
        if (toName.equals(conversion)) {
          to = CONVERSION;
          conversions += e.getValue();
        } else if (toName.equals(nul)) {
          to = NULL;
        } else if (toName.equals(start)) {
          throw new IllegalArgumentException("transition into the start state from " + fromName);
        } else {
          to = chain.channelState(toName);
        }
        chain.add(from, to, e.getValue());
      }
    }
    return chain.attribute(conversions, value);
  }

  /** Collapses consecutive repeats. */
  static List<String> collapse(List<String> path) {
    List<String> out = new ArrayList<>(path.size());
    for (String c : path) {
      if (out.isEmpty() || !out.get(out.size() - 1).equals(c)) {
        out.add(c);
      }
    }
    return out;
  }

  /** The transition counts of one chain, and its solver. */
  private static final class Chain {
    final SortedSet<String> channels = new TreeSet<>();
    final Map<List<String>, Integer> index = new HashMap<>();
    final List<List<String>> tuples = new ArrayList<>();
    final List<Map<Integer, Double>> out = new ArrayList<>();

    /** The conversion value observed leaving each state (index: state). */
    final List<double[]> convValue = new ArrayList<>();

    /** Whether the values were observed per state (paths) or not (published transition counts). */
    boolean valuesPerState = true;

    Chain() {
      state(List.of());
    }

    int channelState(String channel) {
      channels.add(channel);
      return state(List.of(channel));
    }

    int state(List<String> tuple) {
      Integer i = index.get(tuple);
      if (i != null) {
        return i;
      }
      List<String> key = List.copyOf(tuple);
      int n = tuples.size();
      index.put(key, n);
      tuples.add(key);
      out.add(new LinkedHashMap<>());
      convValue.add(new double[1]);
      return n;
    }

    void add(int from, int to, double count) {
      if (count < 0 || !Double.isFinite(count)) {
        throw new IllegalArgumentException("transition count must be finite, >= 0: " + count);
      }
      if (count > 0) {
        out.get(from).merge(to, count, Double::sum);
      }
    }

    void addValue(int from, double value) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("conversion value must be finite: " + value);
      }
      convValue.get(from)[0] += value;
    }

    List<ChannelCredit> attribute(double conversions, double value) {
      Solver solver = new Solver(this);
      int n = tuples.size();
      double[] base = new double[n];
      double[] baseValue = new double[n];
      // v = P_conv·m + Q v: the expected conversion value from each state
      double[] valueRhs = new double[n];
      for (int s = 0; s < n; s++) {
        double mean =
            valuesPerState
                ? (solver.conversions[s] > 0 ? convValue.get(s)[0] / solver.conversions[s] : 0)
                : (conversions > 0 ? value / conversions : 0);
        valueRhs[s] = solver.pConversion[s] * mean;
      }
      solver.solve(new boolean[n], base, solver.pConversion, baseValue, valueRhs);
      double p = base[START];
      double v = baseValue[START];
      List<String> names = new ArrayList<>(channels);
      double[] re = new double[names.size()];
      double[] valueRe = new double[names.size()];
      double sum = 0;
      double valueSum = 0;
      if (p > 0 && conversions > 0) {
        for (int c = 0; c < names.size(); c++) {
          String channel = names.get(c);
          boolean[] removed = new boolean[n];
          for (int s = 0; s < removed.length; s++) {
            removed[s] = tuples.get(s).contains(channel);
          }
          double[] h = base.clone();
          double[] hv = v > 0 ? baseValue.clone() : null;
          solver.solve(removed, h, solver.pConversion, hv, valueRhs);
          re[c] = Math.min(1.0, Math.max(0.0, 1.0 - h[START] / p));
          sum += re[c];
          if (v > 0) {
            valueRe[c] = Math.min(1.0, Math.max(0.0, 1.0 - hv[START] / v));
            valueSum += valueRe[c];
          }
        }
      }
      List<ChannelCredit> credits = new ArrayList<>(names.size());
      for (int c = 0; c < names.size(); c++) {
        double share = sum > 0 ? re[c] / sum : 0.0;
        // No value removal effect to split by (no positive expected value: no values, or refunds
        // outweighing sales): the value follows the conversion credits, so it is still all
        // credited.
        double valueShare = valueSum > 0 ? valueRe[c] / valueSum : share;
        credits.add(
            new ChannelCredit(
                names.get(c), re[c], valueRe[c], conversions * share, value * valueShare));
      }
      return credits;
    }
  }

  /** Gauss–Seidel over the observed transitions, in compressed sparse rows. */
  private static final class Solver {
    final int[] order;
    final int[] rowStart;
    final int[] target;
    final double[] prob;
    final double[] pConversion;

    /** The conversions observed leaving each state. */
    final double[] conversions;

    Solver(Chain chain) {
      int n = chain.tuples.size();
      // Breadth-first from (start); sweeping in reverse makes forward flows settle in one sweep.
      int[] bfs = new int[n];
      boolean[] seen = new boolean[n];
      int head = 0;
      int tail = 0;
      bfs[tail++] = START;
      seen[START] = true;
      while (head < tail) {
        int s = bfs[head++];
        for (int t : chain.out.get(s).keySet()) {
          if (t >= 0 && !seen[t]) {
            seen[t] = true;
            bfs[tail++] = t;
          }
        }
      }
      order = new int[tail];
      for (int i = 0; i < tail; i++) {
        order[i] = bfs[tail - 1 - i];
      }
      rowStart = new int[n + 1];
      pConversion = new double[n];
      conversions = new double[n];
      int edges = 0;
      for (int s = 0; s < n; s++) {
        edges += chain.out.get(s).size();
      }
      int[] tgt = new int[edges];
      double[] pr = new double[edges];
      int e = 0;
      for (int s = 0; s < n; s++) {
        rowStart[s] = e;
        Map<Integer, Double> row = chain.out.get(s);
        double total = 0;
        for (double w : row.values()) {
          total += w;
        }
        if (total <= 0) {
          continue;
        }
        for (Map.Entry<Integer, Double> x : row.entrySet()) {
          int t = x.getKey();
          if (t == CONVERSION) {
            pConversion[s] = x.getValue() / total;
            conversions[s] = x.getValue();
          } else if (t >= 0) {
            tgt[e] = t;
            pr[e] = x.getValue() / total;
            e++;
          }
        }
      }
      rowStart[n] = e;
      target = Arrays.copyOf(tgt, e);
      prob = Arrays.copyOf(pr, e);
    }

    /**
     * Solves h = rhs + Q h over the states not removed (removed states send to (null): h = 0),
     * starting from the values in {@code h}: with {@code rhs} = P(→ conversion), the absorption
     * probabilities; with P(→ conversion)·m, the expected conversion values. When {@code g} is not
     * null, solves g = rhsG + Q g in the same sweeps (one pass over the transitions for both),
     * until both have converged. The results are written into {@code h} and {@code g}.
     */
    void solve(boolean[] removed, double[] h, double[] rhs, double[] g, double[] rhsG) {
      for (int s = 0; s < removed.length; s++) {
        if (removed[s]) {
          h[s] = 0.0;
          if (g != null) {
            g[s] = 0.0;
          }
        }
      }
      for (int sweep = 0; sweep < MAX_SWEEPS; sweep++) {
        boolean converged = true;
        for (int s : order) {
          if (removed[s]) {
            continue;
          }
          double x = rhs[s];
          if (g == null) {
            for (int e = rowStart[s]; e < rowStart[s + 1]; e++) {
              int t = target[e];
              if (!removed[t]) {
                x += prob[e] * h[t];
              }
            }
          } else {
            double y = rhsG[s];
            for (int e = rowStart[s]; e < rowStart[s + 1]; e++) {
              int t = target[e];
              if (!removed[t]) {
                x += prob[e] * h[t];
                y += prob[e] * g[t];
              }
            }
            if (Math.abs(y - g[s]) > RELATIVE_TOLERANCE * Math.abs(y)) {
              converged = false;
            }
            g[s] = y;
          }
          if (Math.abs(x - h[s]) > RELATIVE_TOLERANCE * Math.abs(x)) {
            converged = false;
          }
          h[s] = x;
        }
        if (converged) {
          return;
        }
      }
      throw new IllegalStateException("Markov absorption probabilities did not converge");
    }
  }
}
