package dev.omnichannel.monitor.attribution;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Spreads a window's data-driven result back onto one converting path, giving each conversion
 * credits that sum to 1.
 *
 * <ul>
 *   <li>SHAPLEY: equal shares over the path's distinct channels. This is exactly each journey's
 *       share of the window's Shapley values (the game is a sum of one unanimity game per journey),
 *       so the conversions' credits add up to the window's {@code attributed_conversions}.
 *   <li>MARKOV: shares over the path's distinct channels in proportion to their removal effects in
 *       the window (equal shares if they are all 0). The window's {@code attributed_conversions}
 *       (conversions × RE / ΣRE over all channels) is the model's figure per channel; the sum of
 *       the per-conversion credits can differ from it, because a conversion only credits channels
 *       on its own path.
 * </ul>
 */
public final class PathShares {
  private PathShares() {}

  /** Equal shares over the distinct channels of {@code path} (non-empty), sorted by channel. */
  public static SortedMap<String, Double> shapley(List<String> path) {
    LinkedHashSet<String> distinct = distinct(path);
    SortedMap<String, Double> out = new TreeMap<>();
    for (String c : distinct) {
      out.put(c, 1.0 / distinct.size());
    }
    return out;
  }

  /**
   * Shares over the distinct channels of {@code path} (non-empty) in proportion to {@code
   * removalEffects} (missing channels count 0); equal shares when their sum is 0.
   */
  public static SortedMap<String, Double> markov(
      List<String> path, Map<String, Double> removalEffects) {
    LinkedHashSet<String> distinct = distinct(path);
    double sum = 0;
    for (String c : distinct) {
      sum += weight(removalEffects.get(c));
    }
    if (!(sum > 0)) {
      return shapley(path);
    }
    SortedMap<String, Double> out = new TreeMap<>();
    for (String c : distinct) {
      double w = weight(removalEffects.get(c));
      if (w > 0) {
        out.put(c, w / sum);
      }
    }
    return out;
  }

  private static double weight(Double re) {
    return re == null || !(re > 0) ? 0 : re;
  }

  private static LinkedHashSet<String> distinct(List<String> path) {
    if (path.isEmpty()) {
      throw new IllegalArgumentException("a conversion needs at least one touch");
    }
    return new LinkedHashSet<>(path);
  }
}
