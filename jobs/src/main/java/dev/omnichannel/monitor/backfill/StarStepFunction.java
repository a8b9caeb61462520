package dev.omnichannel.monitor.backfill;

import dev.omnichannel.monitor.identity.ComponentSteps;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * One {@link ComponentSteps} step, keyed by node id. In: edge records (node, neighbour). Out, at
 * the end of the key (one timer at {@link Long#MAX_VALUE}): the step's edges as records keyed for
 * the next exchange: a large-star's (v, m) once, keyed by v, for the small-star (which sees each
 * edge at its larger end); a small-star's (v, m) in both directions, for the next large-star or the
 * convergence check. State: the node's neighbour list, cleared at the end of the key. Counts its
 * output records in the accumulator {@code identity_edges_<large|small>_<round>}.
 */
public class StarStepFunction
    extends KeyedProcessFunction<Long, Tuple2<Long, Long>, Tuple2<Long, Long>> {
  /** Which step. */
  public enum Step {
    LARGE,
    SMALL
  }

  private final Step step;
  private final int round;
  private transient ListState<Long> neighbours;
  private transient LongCounter emitted;

  public StarStepFunction(Step step, int round) {
    this.step = step;
    this.round = round;
  }

  /** The accumulator that counts a step's output records. */
  public static String counterName(Step step, int round) {
    return "identity_edges_" + step.name().toLowerCase(java.util.Locale.ROOT) + "_" + round;
  }

  @Override
  public void open(OpenContext ctx) {
    neighbours =
        getRuntimeContext().getListState(new ListStateDescriptor<>("neighbours", Types.LONG));
    emitted = getRuntimeContext().getLongCounter(counterName(step, round));
  }

  @Override
  public void processElement(
      Tuple2<Long, Long> edge, Context ctx, Collector<Tuple2<Long, Long>> out) throws Exception {
    neighbours.add(edge.f1);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Tuple2<Long, Long>> out)
      throws Exception {
    long u = ctx.getCurrentKey();
    long[] nb = Neighbours.read(neighbours);
    neighbours.clear();
    int n = ComponentSteps.distinct(u, nb, nb.length);
    long[] count = {0};
    if (step == Step.LARGE) {
      ComponentSteps.largeStar(
          u,
          nb,
          n,
          (v, m) -> {
            out.collect(Tuple2.of(v, m));
            count[0]++;
          });
    } else {
      ComponentSteps.smallStar(
          u,
          nb,
          n,
          (v, m) -> {
            out.collect(Tuple2.of(v, m));
            out.collect(Tuple2.of(m, v));
            count[0] += 2;
          });
    }
    emitted.add(count[0]);
  }
}
