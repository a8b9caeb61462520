package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.AttributionRow;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Spreads the data-driven models onto conversions. Keyed by window and path. In: the converted
 * journeys with that path in that window, and the path's shares per model from {@link
 * SolveWindowFunction}. Out, when the window closes ({@link WindowClose}; in a backfill at the end
 * of input): one {@link AttributionRow} per conversion, model and channel. State: the conversions
 * and shares of the key; cleared when emitted.
 */
public class SpreadCreditFunction
    extends KeyedCoProcessFunction<String, JourneyPath, PathCredit, AttributionRow> {
  private final WindowClose close;
  private transient ListState<JourneyPath> conversions;
  private transient ListState<PathCredit> credits;

  /** Spreads at the end of input (backfill). */
  public SpreadCreditFunction() {
    this(null);
  }

  /** Spreads when the window closes; null for the end of input. */
  public SpreadCreditFunction(WindowClose close) {
    this.close = close;
  }

  private long closeAt(long window) {
    return close == null ? Long.MAX_VALUE : close.at(window);
  }

  @Override
  public void open(OpenContext ctx) {
    conversions =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("conversions", TypeInformation.of(JourneyPath.class)));
    credits =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("credits", TypeInformation.of(PathCredit.class)));
  }

  @Override
  public void processElement1(JourneyPath p, Context ctx, Collector<AttributionRow> out)
      throws Exception {
    conversions.add(p);
    ctx.timerService().registerEventTimeTimer(closeAt(p.window));
  }

  @Override
  public void processElement2(PathCredit c, Context ctx, Collector<AttributionRow> out)
      throws Exception {
    credits.add(c);
    ctx.timerService()
        .registerEventTimeTimer(closeAt(Long.parseLong(c.key.substring(0, c.key.indexOf('|')))));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<AttributionRow> out)
      throws Exception {
    List<JourneyPath> ps = new ArrayList<>();
    conversions.get().forEach(ps::add);
    List<PathCredit> cs = new ArrayList<>();
    credits.get().forEach(cs::add);
    conversions.clear();
    credits.clear();
    if (!ps.isEmpty() && cs.isEmpty()) {
      throw new IllegalStateException(
          "no data-driven credit for the converting path " + ctx.getCurrentKey());
    }
    ps.sort(Comparator.comparing(p -> p.conversionEventId));
    cs.sort(Comparator.comparing(c -> c.model));
    for (JourneyPath p : ps) {
      for (PathCredit c : cs) {
        for (int i = 0; i < c.channels.length; i++) {
          out.collect(
              RuleBasedAttributionFunction.row(
                  p, c.model, c.channels[i], c.shares[i], c.valueShare(i)));
        }
      }
    }
  }
}
