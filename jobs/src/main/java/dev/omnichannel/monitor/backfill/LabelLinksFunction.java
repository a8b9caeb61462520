package dev.omnichannel.monitor.backfill;

import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.identity.ComponentSteps;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The convergence check and the component labels, keyed by node id. In: the last round's edge
 * records (node, neighbour) and the first links whose primary identity has this node id. Out, at
 * the end of the key (one timer at {@link Long#MAX_VALUE}): (label, link) for each link, where the
 * label is the node's star centre, the smallest node id of its component. A node that is neither a
 * centre nor a leaf fails the job with {@link ComponentsNotConvergedException}. State: the node's
 * neighbours and links, cleared at the end of the key.
 */
public class LabelLinksFunction
    extends KeyedCoProcessFunction<Long, Tuple2<Long, Long>, Link, Tuple2<Long, Link>> {
  private final int rounds;
  private transient ListState<Long> neighbours;
  private transient ListState<Link> links;

  public LabelLinksFunction(int rounds) {
    this.rounds = rounds;
  }

  @Override
  public void open(OpenContext ctx) {
    neighbours =
        getRuntimeContext().getListState(new ListStateDescriptor<>("neighbours", Types.LONG));
    links =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("links", TypeInformation.of(Link.class)));
  }

  @Override
  public void processElement1(
      Tuple2<Long, Long> edge, Context ctx, Collector<Tuple2<Long, Link>> out) throws Exception {
    neighbours.add(edge.f1);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void processElement2(Link link, Context ctx, Collector<Tuple2<Long, Link>> out)
      throws Exception {
    links.add(link);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Tuple2<Long, Link>> out)
      throws Exception {
    long u = ctx.getCurrentKey();
    long[] nb = Neighbours.read(neighbours);
    neighbours.clear();
    int n = ComponentSteps.distinct(u, nb, nb.length);
    if (!ComponentSteps.isConverged(u, nb, n)) {
      throw new ComponentsNotConvergedException(rounds, u);
    }
    Long label = ComponentSteps.label(u, nb, n);
    Iterable<Link> mine = links.get();
    if (mine != null) {
      for (Link l : mine) {
        out.collect(Tuple2.of(label, l));
      }
    }
    links.clear();
  }
}
