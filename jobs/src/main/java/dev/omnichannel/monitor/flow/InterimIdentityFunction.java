package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.identity.IdentityGraph;
import dev.omnichannel.monitor.identity.IdentityKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/** Temporary single-task graph (bounded only) until the parallel resolver lands. */
public class InterimIdentityFunction extends KeyedProcessFunction<Integer, Link, PersonUpdate> {
  private final Map<String, Integer> limits;
  private transient ListState<Link> links;

  public InterimIdentityFunction(Map<String, Integer> limits) {
    this.limits = Map.copyOf(limits);
  }

  @Override
  public void open(OpenContext ctx) {
    links =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("links", TypeInformation.of(Link.class)));
  }

  @Override
  public void processElement(Link l, Context ctx, Collector<PersonUpdate> out) throws Exception {
    links.add(l);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PersonUpdate> out)
      throws Exception {
    List<Link> all = new ArrayList<>();
    links.get().forEach(all::add);
    links.clear();
    all.sort(Link::compare);
    IdentityGraph g = new IdentityGraph(limits);
    for (Link l : all) {
      g.addEvent(
          l.eventId, l.time, List.of(IdentityKey.parse(l.primary), IdentityKey.parse(l.other)));
    }
    for (Map.Entry<IdentityKey, String> e : g.assignments().entrySet()) {
      out.collect(new PersonUpdate(e.getKey().toString(), e.getValue(), Long.MIN_VALUE, ""));
    }
    for (IdentityGraph.RejectedLink r : g.rejectedLinks()) {
      getRuntimeContext().getLongCounter(Counters.REJECTED_LINKS).add(1);
      ctx.output(
          Tags.IDENTITY_MERGES,
          IdentityMergeRow.newBuilder()
              .setOldPersonId(g.personOf(r.primary()))
              .setNewPersonId(g.personOf(r.other()))
              .setEventId(r.eventId())
              .setEventTime(Instant.ofEpochMilli(r.eventTime()))
              .setAccepted(false)
              .setReason(r.reason() + " (" + r.primary() + " x " + r.other() + ")")
              .build());
    }
  }
}
