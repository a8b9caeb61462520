package dev.omnichannel.monitor.attribution;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

/**
 * Data-driven attribution by Shapley values over channel sets (the SHAPLEY model).
 *
 * <p>The players are the channels; the worth of a coalition S is v(S) = the conversions (and,
 * separately, the value) of the paths whose set of DISTINCT channels is contained in S. Order and
 * repeats within a path do not matter. Paths with no channel are ignored.
 *
 * <p>With at most {@value #MAX_EXACT_CHANNELS} channels on converting paths the Shapley values are
 * computed exactly by iterating all coalitions. For more, the equivalent closed form is used: this
 * game is a sum of unanimity games (one per path, on its distinct channels), so each path's
 * conversions and value are split equally over its distinct channels. Both give the same credits
 * (tested). Credits sum to the total conversions and value; removal effects are {@code null}.
 */
public final class ShapleyModel {
  /** The largest channel count for which the coalitions are iterated. */
  public static final int MAX_EXACT_CHANNELS = 12;

  /** The largest player count {@link #exact} accepts (2^n worths are held in memory). */
  public static final int MAX_EXACT_PLAYERS = 20;

  private ShapleyModel() {}

  /**
   * Attributes the conversions and value of {@code paths} to their channels.
   *
   * @return one credit per channel seen in a non-empty path, sorted by channel
   */
  public static List<ChannelCredit> attribute(Collection<PathStat> paths) {
    Set<String> players = new HashSet<>();
    for (PathStat p : paths) {
      if (p.conversions() != 0 || p.value() != 0) {
        players.addAll(p.path());
      }
    }
    return players.size() <= MAX_EXACT_CHANNELS ? exactCredits(paths) : closedFormCredits(paths);
  }

  /**
   * Exact Shapley values of a cooperative game.
   *
   * @param players the distinct players (at most {@value #MAX_EXACT_PLAYERS})
   * @param v the worth of a coalition; called once for every subset of {@code players}, including
   *     the empty one
   * @return each player's Shapley value, in the order of {@code players}
   */
  public static Map<String, Double> exact(List<String> players, ToDoubleFunction<Set<String>> v) {
    int n = players.size();
    if (new HashSet<>(players).size() != n) {
      throw new IllegalArgumentException("players must be distinct: " + players);
    }
    if (n > MAX_EXACT_PLAYERS) {
      throw new IllegalArgumentException(
          "too many players for exact Shapley values: " + n + " > " + MAX_EXACT_PLAYERS);
    }
    double[] worth = new double[1 << n];
    for (int mask = 0; mask < worth.length; mask++) {
      Set<String> s = new LinkedHashSet<>();
      for (int i = 0; i < n; i++) {
        if ((mask & (1 << i)) != 0) {
          s.add(players.get(i));
        }
      }
      worth[mask] = v.applyAsDouble(Set.copyOf(s));
    }
    double[] phi = shapley(n, worth);
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < n; i++) {
      out.put(players.get(i), phi[i]);
    }
    return out;
  }

  /** Credits by iterating all coalitions of the channels on converting paths. */
  static List<ChannelCredit> exactCredits(Collection<PathStat> paths) {
    SortedSet<String> channels = channels(paths);
    List<String> players = new ArrayList<>();
    for (PathStat p : paths) {
      if (p.conversions() != 0 || p.value() != 0) {
        for (String c : p.path()) {
          if (!players.contains(c)) {
            players.add(c);
          }
        }
      }
    }
    int n = players.size();
    if (n > MAX_EXACT_PLAYERS) {
      throw new IllegalArgumentException("too many channels for exact Shapley values: " + n);
    }
    // Conversions and value per exact distinct-channel set, then v(S) = sum over subsets of S.
    double[] conv = new double[1 << n];
    double[] value = new double[1 << n];
    for (PathStat p : paths) {
      if (p.path().isEmpty() || (p.conversions() == 0 && p.value() == 0)) {
        continue;
      }
      int mask = 0;
      for (String c : p.path()) {
        mask |= 1 << players.indexOf(c);
      }
      conv[mask] += p.conversions();
      value[mask] += p.value();
    }
    for (int i = 0; i < n; i++) {
      for (int mask = 0; mask < conv.length; mask++) {
        if ((mask & (1 << i)) != 0) {
          conv[mask] += conv[mask ^ (1 << i)];
          value[mask] += value[mask ^ (1 << i)];
        }
      }
    }
    double[] phiConv = shapley(n, conv);
    double[] phiValue = shapley(n, value);
    List<ChannelCredit> out = new ArrayList<>();
    for (String c : channels) {
      int i = players.indexOf(c);
      out.add(new ChannelCredit(c, null, null, i < 0 ? 0 : phiConv[i], i < 0 ? 0 : phiValue[i]));
    }
    return out;
  }

  /** Credits by the closed form: each path's counts split equally over its distinct channels. */
  static List<ChannelCredit> closedFormCredits(Collection<PathStat> paths) {
    Map<String, double[]> sums = new LinkedHashMap<>();
    for (String c : channels(paths)) {
      sums.put(c, new double[2]);
    }
    for (PathStat p : paths) {
      Set<String> distinct = new LinkedHashSet<>(p.path());
      for (String c : distinct) {
        double[] s = sums.get(c);
        s[0] += p.conversions() / distinct.size();
        s[1] += p.value() / distinct.size();
      }
    }
    List<ChannelCredit> out = new ArrayList<>();
    sums.forEach((c, s) -> out.add(new ChannelCredit(c, null, null, s[0], s[1])));
    return out;
  }

  private static SortedSet<String> channels(Collection<PathStat> paths) {
    SortedSet<String> channels = new TreeSet<>();
    for (PathStat p : paths) {
      channels.addAll(p.path());
    }
    return channels;
  }

  /**
   * φ_i = Σ over S ⊆ N∖{i} of |S|!(n−|S|−1)!/n! · (v(S ∪ {i}) − v(S)), with worth indexed by bit
   * mask.
   */
  private static double[] shapley(int n, double[] worth) {
    double[] weight = new double[Math.max(n, 1)];
    for (int s = 0; s < n; s++) {
      // s!(n-s-1)!/n! = 1 / (n * C(n-1, s))
      double binom = 1;
      for (int j = 1; j <= s; j++) {
        binom = binom * (n - 1 - s + j) / j;
      }
      weight[s] = 1.0 / (n * binom);
    }
    double[] phi = new double[n];
    for (int mask = 0; mask < worth.length; mask++) {
      int size = Integer.bitCount(mask);
      for (int i = 0; i < n; i++) {
        int bit = 1 << i;
        if ((mask & bit) == 0) {
          phi[i] += weight[size] * (worth[mask | bit] - worth[mask]);
        }
      }
    }
    return phi;
  }
}
