package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.MergeRows;
import dev.omnichannel.monitor.flow.Timing;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The identity_merges rows of repeated links: a repeat of a rejected pair is rejected again (see
 * {@link PairDecision}), a repeat of an accepted pair changes nothing. Keyed by the pair ({@link
 * Link#pairKey()}, {@link PairDecision#pairKey()}).
 *
 * <p>In: the repeats ({@link PairFilterFunction#REPEATS}) and the resolver's decisions. Out: one
 * {@link IdentityMergeRow} (accepted = false) per repeat of a rejected pair: old_person_id = the
 * decision's primary person, new_person_id = its other person, the repeat's event id and time, and
 * reason {@code namespace_limit:<ns> (<primary> x <other>)}, or the decision's never_link rule;
 * each counts in {@link Counters#REJECTED_LINKS}.
 *
 * <ul>
 *   <li><b>Bounded</b>: a repeat waits until the pair's decision is there (a backfill's decisions
 *       carry the smallest timestamp, so in BATCH execution they come first and nothing waits).
 *       State: the decision and the waiting repeats; cleared at the end of the key (one timer at
 *       {@link Long#MAX_VALUE}). A repeat without a decision at the end is an error of the wiring.
 *   <li><b>Event time</b>: only rejected decisions are kept (for the life of the job: a rejected
 *       pair's repeats can come at any time); a repeat of a rejected pair is written at once.
 *       Otherwise the repeat waits for the watermark to pass its time; the resolver emits each
 *       decision before its watermark passes the first occurrence, so a repeat still waiting then
 *       belongs to an accepted pair and is dropped. An accepted decision drops the waiting repeats
 *       at once. State: the rejected decision; the waiting repeats, cleared when decided.
 * </ul>
 */
public class PairOutcomeFunction
    extends KeyedCoProcessFunction<String, Link, PairDecision, IdentityMergeRow> {
  private final boolean bounded;
  private transient ValueState<PairDecision> decision;
  private transient ListState<Link> waiting;
  private transient LongCounter rejected;

  public PairOutcomeFunction(Timing timing) {
    this.bounded = timing.bounded();
  }

  @Override
  public void open(OpenContext ctx) {
    decision =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("decision", TypeInformation.of(PairDecision.class)));
    waiting =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("waiting", TypeInformation.of(Link.class)));
    rejected = getRuntimeContext().getLongCounter(Counters.REJECTED_LINKS);
  }

  @Override
  public void processElement1(Link repeat, Context ctx, Collector<IdentityMergeRow> out)
      throws Exception {
    PairDecision d = decision.value();
    if (d != null) {
      write(d, repeat, out);
      return;
    }
    waiting.add(repeat);
    ctx.timerService().registerEventTimeTimer(bounded ? Long.MAX_VALUE : repeat.time);
  }

  @Override
  public void processElement2(PairDecision d, Context ctx, Collector<IdentityMergeRow> out)
      throws Exception {
    if (bounded) {
      decision.update(d);
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
    } else if (!d.accepted) {
      decision.update(d);
    }
    List<Link> held = new ArrayList<>();
    for (Link l : waiting.get()) {
      held.add(l);
    }
    if (held.isEmpty()) {
      return;
    }
    for (Link l : held) {
      write(d, l, out);
      if (!bounded) {
        ctx.timerService().deleteEventTimeTimer(l.time);
      }
    }
    waiting.clear();
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<IdentityMergeRow> out)
      throws Exception {
    if (bounded) {
      if (waiting.get().iterator().hasNext()) {
        throw new IllegalStateException(
            "repeats of identity pair "
                + ctx.getCurrentKey().replace('\u0001', ' ')
                + " got no decision from the identity resolver");
      }
      decision.clear();
      return;
    }
    // Event time: the decision of a pair whose repeats still wait was "accepted".
    List<Link> later = new ArrayList<>();
    boolean dropped = false;
    for (Link l : waiting.get()) {
      if (l.time <= timestamp) {
        dropped = true;
      } else {
        later.add(l);
      }
    }
    if (dropped) {
      waiting.update(later);
    }
  }

  private void write(PairDecision d, Link repeat, Collector<IdentityMergeRow> out) {
    if (d.accepted) {
      return;
    }
    rejected.add(1);
    out.collect(
        MergeRows.rejected(
            d.primaryPerson,
            d.otherPerson,
            repeat.eventId,
            repeat.time,
            d.namespaceAt(repeat.time, repeat.eventId),
            d.rule(),
            repeat.primary,
            repeat.other));
  }
}
