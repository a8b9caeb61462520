package dev.omnichannel.monitor.pipeline;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.*;
import dev.omnichannel.monitor.identity.IdentityGraph;
import dev.omnichannel.monitor.identity.IdentityKey;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
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

/**
 * Builds the identity graph of a bounded input with full knowledge (backfill). Keyed by a constant,
 * so one task sees every link; it holds only the compact {@link IdentityLinks} of multi-identity
 * events, not the events. In: links. Out, at the end of input: (identity key, final person id) for
 * every identity in the graph, and one {@link IdentityMergeRow} (accepted = false) per rejected
 * link on the {@link Tags#IDENTITY_MERGES} side output. State: the buffered links; cleared when the
 * graph is emitted.
 */
public class IdentityResolveFunction
    extends KeyedProcessFunction<Integer, IdentityLinks, Tuple2<String, String>> {
  private static final Comparator<IdentityLinks> ORDER =
      Comparator.<IdentityLinks>comparingLong(l -> l.eventTime).thenComparing(l -> l.eventId);

  private final Map<String, Integer> limits;
  private transient ListState<IdentityLinks> links;
  private transient LongCounter rejected;

  public IdentityResolveFunction(Map<String, Integer> limits) {
    this.limits = Map.copyOf(limits);
  }

  @Override
  public void open(OpenContext ctx) {
    links =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("links", TypeInformation.of(IdentityLinks.class)));
    rejected = getRuntimeContext().getLongCounter(Counters.REJECTED_LINKS);
  }

  @Override
  public void processElement(IdentityLinks l, Context ctx, Collector<Tuple2<String, String>> out)
      throws Exception {
    links.add(l);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Tuple2<String, String>> out)
      throws Exception {
    List<IdentityLinks> all = new ArrayList<>();
    for (IdentityLinks l : links.get()) {
      all.add(l);
    }
    links.clear();
    all.sort(ORDER);
    IdentityGraph graph = new IdentityGraph(limits);
    List<IdentityKey> keys = new ArrayList<>();
    for (IdentityLinks l : all) {
      keys.clear();
      for (String id : l.identities) {
        keys.add(IdentityKey.parse(id));
      }
      graph.addEvent(l.eventId, l.eventTime, keys);
    }
    for (Map.Entry<IdentityKey, String> e : graph.assignments().entrySet()) {
      out.collect(Tuple2.of(e.getKey().toString(), e.getValue()));
    }
    for (IdentityGraph.RejectedLink r : graph.rejectedLinks()) {
      rejected.add(1);
      ctx.output(
          Tags.IDENTITY_MERGES,
          IdentityMergeRow.newBuilder()
              .setOldPersonId(graph.personOf(r.primary()))
              .setNewPersonId(graph.personOf(r.other()))
              .setEventId(r.eventId())
              .setEventTime(Instant.ofEpochMilli(r.eventTime()))
              .setAccepted(false)
              .setReason(r.reason() + " (" + r.primary() + " x " + r.other() + ")")
              .build());
    }
  }
}
