package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.flow.TimeBuckets;
import dev.omnichannel.monitor.identity.IdentityGraph;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.pipeline.IdentityLinks;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The live identity graph (see the package documentation). Keyed by a constant, so one task holds
 * the graph; it receives only the link records of multi-identity events. In: {@link IdentityLinks}.
 * Out, when the watermark passes a link's time (links of one time in event-id order): one {@link
 * PersonUpdate} per identity whose person changed, and on {@link Tags#IDENTITY_MERGES} one row per
 * accepted merge and per rejected link. State: the graph (kept for the life of the job) and the
 * links waiting for the watermark (cleared as they are applied).
 */
public class StreamIdentityFunction
    extends KeyedProcessFunction<Integer, IdentityLinks, PersonUpdate> {
  private static final Comparator<IdentityLinks> BY_EVENT_ID = Comparator.comparing(l -> l.eventId);

  private final Map<String, Integer> limits;
  private transient ValueState<IdentityGraph> graph;
  private transient MapState<Long, List<IdentityLinks>> pending;
  private transient LongCounter rejected;

  public StreamIdentityFunction(Map<String, Integer> limits) {
    this.limits = Map.copyOf(limits);
  }

  @Override
  public void open(OpenContext ctx) {
    graph =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("graph", TypeInformation.of(IdentityGraph.class)));
    pending =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "pending", Types.LONG, Types.LIST(TypeInformation.of(IdentityLinks.class))));
    rejected = getRuntimeContext().getLongCounter(Counters.REJECTED_LINKS);
  }

  @Override
  public void processElement(IdentityLinks l, Context ctx, Collector<PersonUpdate> out)
      throws Exception {
    TimeBuckets.add(pending, l.eventTime, l);
    ctx.timerService().registerEventTimeTimer(l.eventTime);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PersonUpdate> out)
      throws Exception {
    List<IdentityLinks> links = TimeBuckets.take(pending, timestamp);
    if (links == null) {
      return;
    }
    links.sort(BY_EVENT_ID);
    IdentityGraph g = graph.value();
    if (g == null) {
      g = new IdentityGraph(limits);
    }
    List<IdentityKey> keys = new ArrayList<>();
    for (IdentityLinks l : links) {
      keys.clear();
      for (String id : l.identities) {
        keys.add(IdentityKey.parse(id));
      }
      int rejectedBefore = g.rejectedLinks().size();
      for (IdentityGraph.Merge m : g.addEventWithMerges(l.eventId, l.eventTime, keys)) {
        for (IdentityKey k : m.changed()) {
          out.collect(new PersonUpdate(k.toString(), m.newPersonId(), m.eventTime(), m.eventId()));
        }
        ctx.output(
            Tags.IDENTITY_MERGES,
            IdentityMergeRow.newBuilder()
                .setOldPersonId(m.oldPersonId())
                .setNewPersonId(m.newPersonId())
                .setEventId(m.eventId())
                .setEventTime(Instant.ofEpochMilli(m.eventTime()))
                .setAccepted(true)
                .setReason("linked (" + m.primary() + " x " + m.other() + ")")
                .build());
      }
      List<IdentityGraph.RejectedLink> all = g.rejectedLinks();
      for (IdentityGraph.RejectedLink r : all.subList(rejectedBefore, all.size())) {
        rejected.add(1);
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
    graph.update(g);
  }
}
