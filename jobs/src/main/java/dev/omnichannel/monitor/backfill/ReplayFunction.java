package dev.omnichannel.monitor.backfill;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.MergeRows;
import dev.omnichannel.monitor.flow.PairDecision;
import dev.omnichannel.monitor.flow.PersonUpdate;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.identity.ComponentReplay;
import dev.omnichannel.monitor.identity.LiveGraph;
import dev.omnichannel.monitor.identity.NamespaceLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Replays one component ({@link ComponentReplay}), keyed by its label. In: (label, first link).
 * Out, at the end of the key (one timer at {@link Long#MAX_VALUE}): a {@link PersonUpdate} at time
 * {@link Long#MIN_VALUE} for each identity whose final person is not its own; on {@link #MERGES}
 * one row per rejected link (accepted = false, the final persons of both identities, counted in
 * {@link Counters#REJECTED_LINKS}); on {@link #DECISIONS} one decision per pair. State: the
 * component's links, cleared at the end of the key.
 */
public class ReplayFunction extends KeyedProcessFunction<Long, Tuple2<Long, Link>, PersonUpdate> {
  public static final OutputTag<IdentityMergeRow> MERGES = Tags.IDENTITY_MERGES;
  public static final OutputTag<PairDecision> DECISIONS =
      new OutputTag<>("pair-decisions", TypeInformation.of(PairDecision.class));

  private final Map<String, Integer> limits;
  private transient ListState<Link> links;
  private transient ComponentReplay replay;
  private transient LongCounter rejected;

  public ReplayFunction(Map<String, Integer> limits) {
    this.limits = Map.copyOf(limits);
  }

  @Override
  public void open(OpenContext ctx) {
    links =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("links", TypeInformation.of(Link.class)));
    replay = new ComponentReplay(new NamespaceLimits(limits));
    rejected = getRuntimeContext().getLongCounter(Counters.REJECTED_LINKS);
  }

  @Override
  public void processElement(Tuple2<Long, Link> in, Context ctx, Collector<PersonUpdate> out)
      throws Exception {
    links.add(in.f1);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PersonUpdate> out)
      throws Exception {
    List<Link> all = new ArrayList<>();
    for (Link l : links.get()) {
      all.add(l);
    }
    links.clear();
    ComponentReplay.Result result = replay.replay(all);
    for (Map.Entry<String, String> e : result.persons().entrySet()) {
      if (!e.getValue().equals(LiveGraph.personId(e.getKey()))) {
        out.collect(new PersonUpdate(e.getKey(), e.getValue(), Long.MIN_VALUE, null));
      }
    }
    for (ComponentReplay.Rejection r : result.rejections()) {
      rejected.add(1);
      ctx.output(
          MERGES,
          MergeRows.rejected(
              r.primaryPerson(),
              r.otherPerson(),
              r.link().eventId,
              r.link().time,
              r.namespace(),
              r.link().primary,
              r.link().other));
    }
    for (PairDecision d : result.decisions()) {
      ctx.output(DECISIONS, d);
    }
  }
}
