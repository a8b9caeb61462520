package dev.omnichannel.monitor.attribution;

import dev.omnichannel.monitor.journey.Touch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Every model over path-level data (aggregated paths without touch times), as the {@code attribute}
 * command and the tests use it. Each path element is one touch. TIME_DECAY needs touch times, which
 * path-level data does not have, so it is refused here.
 */
public final class PathAttribution {
  private PathAttribution() {}

  /**
   * The credits of each enabled model per channel, ordered by model then channel. Every channel
   * that appears in a path is listed for every model (with 0 when it gets nothing).
   *
   * @throws IllegalArgumentException when TIME_DECAY is enabled
   */
  public static List<ModelCredit> attribute(Collection<PathStat> paths, AttributionSettings s) {
    if (s.models().contains(AttributionModel.TIME_DECAY)) {
      throw new IllegalArgumentException(
          "TIME_DECAY needs touch times, which path-level data does not have");
    }
    SortedSet<String> channels = new TreeSet<>();
    for (PathStat p : paths) {
      channels.addAll(p.path());
    }
    List<ModelCredit> out = new ArrayList<>();
    for (AttributionModel m : s.enabled()) {
      List<ChannelCredit> credits =
          switch (m) {
            case MARKOV -> MarkovModel.attribute(paths, s.markovOrder());
            case SHAPLEY -> ShapleyModel.attribute(paths);
            default -> ruleBased(m.ruleBased(), paths);
          };
      Map<String, ChannelCredit> byChannel = new TreeMap<>();
      for (ChannelCredit c : credits) {
        byChannel.put(c.channel(), c);
      }
      for (String c : channels) {
        ChannelCredit cc = byChannel.get(c);
        boolean markov = m == AttributionModel.MARKOV;
        Double re = markov ? (cc == null ? 0.0 : cc.removalEffect()) : null;
        Double valueRe = markov ? (cc == null ? 0.0 : cc.valueRemovalEffect()) : null;
        out.add(
            new ModelCredit(
                m, c, cc == null ? 0 : cc.conversions(), cc == null ? 0 : cc.value(), re, valueRe));
      }
    }
    return out;
  }

  /** A rule-based model summed over paths: each path's credits times its conversions and value. */
  static List<ChannelCredit> ruleBased(RuleBasedModel model, Collection<PathStat> paths) {
    Map<String, double[]> sums = new TreeMap<>();
    for (PathStat p : paths) {
      if (p.path().isEmpty() || (p.conversions() == 0 && p.value() == 0)) {
        continue;
      }
      List<Touch> touches = new ArrayList<>(p.path().size());
      for (String c : p.path()) {
        touches.add(new Touch(c, 0, 0, 1));
      }
      model
          .credit(touches, 0, Duration.ofDays(1))
          .forEach(
              (c, credit) -> {
                double[] sum = sums.computeIfAbsent(c, k -> new double[2]);
                sum[0] += credit * p.conversions();
                sum[1] += credit * p.value();
              });
    }
    List<ChannelCredit> out = new ArrayList<>();
    sums.forEach((c, v) -> out.add(new ChannelCredit(c, null, null, v[0], v[1])));
    return out;
  }
}
