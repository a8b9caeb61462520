package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.attribution.AttributionModel;
import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.attribution.AttributionWindows;
import dev.omnichannel.monitor.attribution.ChannelCredit;
import dev.omnichannel.monitor.attribution.MarkovModel;
import dev.omnichannel.monitor.attribution.PathShares;
import dev.omnichannel.monitor.attribution.PathStat;
import dev.omnichannel.monitor.attribution.ShapleyModel;
import dev.omnichannel.monitor.avro.AttributionChannelRow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Solves the data-driven models once per window (bounded input). Keyed by the window key. In: the
 * window's path aggregates (journey counts per distinct path, summed in parallel upstream; a later
 * aggregate for the same path replaces an earlier one, so rolling sums are fine). Out, at the end
 * of input: one {@link AttributionChannelRow} per enabled data-driven model and channel, and on
 * {@link Tags#PATH_CREDITS} each converting path's shares per model, to be spread onto its
 * conversions. State: the window's aggregates by path; cleared when solved.
 */
public class SolveWindowFunction
    extends KeyedProcessFunction<Long, PathAggregate, AttributionChannelRow> {
  private final AttributionSettings settings;
  private final AttributionWindows windows;
  private final WindowClose close;
  private transient MapState<String, PathAggregate> paths;

  public SolveWindowFunction(AttributionSettings settings, AttributionWindows windows) {
    this(settings, windows, WindowClose.atEndOfInput(windows));
  }

  public SolveWindowFunction(
      AttributionSettings settings, AttributionWindows windows, WindowClose close) {
    this.settings = settings;
    this.windows = windows;
    this.close = close;
  }

  @Override
  public void open(OpenContext ctx) {
    paths =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "paths", Types.STRING, TypeInformation.of(PathAggregate.class)));
  }

  @Override
  public void processElement(PathAggregate a, Context ctx, Collector<AttributionChannelRow> out)
      throws Exception {
    paths.put(a.path, a);
    ctx.timerService().registerEventTimeTimer(close.at(a.window));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AttributionChannelRow> out)
      throws Exception {
    TreeMap<String, PathAggregate> byPath = new TreeMap<>();
    for (Map.Entry<String, PathAggregate> e : paths.entries()) {
      byPath.put(e.getKey(), e.getValue());
    }
    paths.clear();
    if (byPath.isEmpty()) {
      return;
    }
    long key = ctx.getCurrentKey();
    long minEnd = Long.MAX_VALUE;
    long maxEnd = Long.MIN_VALUE;
    List<PathStat> stats = new ArrayList<>(byPath.size());
    for (PathAggregate a : byPath.values()) {
      minEnd = Math.min(minEnd, a.minEnd);
      maxEnd = Math.max(maxEnd, a.maxEnd);
      stats.add(new PathStat(Arrays.asList(a.touches), a.conversions, a.valueAsDouble(), a.nulls));
    }
    long[] bounds = windows.bounds(key, minEnd, maxEnd);
    if (settings.models().contains(AttributionModel.MARKOV)) {
      List<ChannelCredit> credits = MarkovModel.attribute(stats, settings.markovOrder());
      Map<String, Double> removalEffects = new HashMap<>();
      Map<String, Double> valueEffects = new HashMap<>();
      for (ChannelCredit c : credits) {
        removalEffects.put(c.channel(), c.removalEffect());
        valueEffects.put(c.channel(), c.valueRemovalEffect());
      }
      emit(AttributionModel.MARKOV, credits, bounds, out);
      for (PathAggregate a : byPath.values()) {
        if (a.conversions > 0) {
          share(
              ctx,
              a,
              AttributionModel.MARKOV,
              PathShares.markov(List.of(a.touches), removalEffects),
              PathShares.markov(List.of(a.touches), valueEffects));
        }
      }
    }
    if (settings.models().contains(AttributionModel.SHAPLEY)) {
      emit(AttributionModel.SHAPLEY, ShapleyModel.attribute(stats), bounds, out);
      for (PathAggregate a : byPath.values()) {
        if (a.conversions > 0) {
          SortedMap<String, Double> s = PathShares.shapley(List.of(a.touches));
          share(ctx, a, AttributionModel.SHAPLEY, s, s);
        }
      }
    }
  }

  private static void emit(
      AttributionModel model,
      List<ChannelCredit> credits,
      long[] bounds,
      Collector<AttributionChannelRow> out) {
    for (ChannelCredit c : credits) {
      out.collect(
          AttributionChannelRow.newBuilder()
              .setWindowStart(Instant.ofEpochMilli(bounds[0]))
              .setWindowEnd(Instant.ofEpochMilli(bounds[1]))
              .setModel(model.name())
              .setChannel(c.channel())
              .setRemovalEffect(c.removalEffect())
              .setValueRemovalEffect(c.valueRemovalEffect())
              .setAttributedConversions(c.conversions())
              .setAttributedValue(c.value())
              .build());
    }
  }

  /**
   * Emits a path's shares: {@code s} of each conversion, {@code v} of its value, over the channels
   * with either.
   */
  private static void share(
      OnTimerContext ctx,
      PathAggregate a,
      AttributionModel model,
      SortedMap<String, Double> s,
      SortedMap<String, Double> v) {
    java.util.TreeSet<String> union = new java.util.TreeSet<>(s.keySet());
    union.addAll(v.keySet());
    String[] channels = union.toArray(String[]::new);
    double[] shares = new double[channels.length];
    double[] valueShares = new double[channels.length];
    for (int i = 0; i < channels.length; i++) {
      shares[i] = s.getOrDefault(channels[i], 0.0);
      valueShares[i] = v.getOrDefault(channels[i], 0.0);
    }
    ctx.output(
        Tags.PATH_CREDITS,
        new PathCredit(a.window + "|" + a.path, model.name(), channels, shares, valueShares));
  }
}
