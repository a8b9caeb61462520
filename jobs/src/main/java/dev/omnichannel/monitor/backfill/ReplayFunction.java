package dev.omnichannel.monitor.backfill;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.MergeRows;
import dev.omnichannel.monitor.flow.PersonUpdate;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.identity.IdentityGraph;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.NeverLinkRules;
import dev.omnichannel.monitor.profile.PersonProfile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
 * Replays one component of the link graph with the contract's rules ({@link IdentityGraph}), keyed
 * by the component's label. In: (label, link) for every link occurrence of the component. Out, at
 * the end of the key (one timer at {@link Long#MAX_VALUE}): a {@link PersonUpdate} at time {@link
 * Long#MIN_VALUE} for each identity whose final person is not its own; on {@link #MERGES} one row
 * per accepted link that merged two persons (accepted = true, the person ids as of that link: the
 * evidence {@code explain} reads) and one per rejected link occurrence (accepted = false, the final
 * persons of both identities, counted in {@link Counters#REJECTED_LINKS}); on {@link
 * Tags#PERSON_IDENTITIES} one profile delta per person of the component: its identities per
 * namespace other than its canonical identity, and the distinct rejected identity pairs whose
 * primary identity (that of the events the links came from) is in it. The guards (never_link rules,
 * then namespace limits) are applied here, in the ordered replay, never while the components are
 * found: a component of the unguarded link graph holds every link that could interact, so the
 * result does not depend on parallelism. State: the component's links, cleared at the end of the
 * key.
 */
public class ReplayFunction extends KeyedProcessFunction<Long, Tuple2<Long, Link>, PersonUpdate> {
  public static final OutputTag<IdentityMergeRow> MERGES = Tags.IDENTITY_MERGES;

  private final Map<String, Integer> limits;
  private final NeverLinkRules neverLink;
  private transient ListState<Link> links;
  private transient LongCounter rejected;

  public ReplayFunction(Map<String, Integer> limits) {
    this(limits, NeverLinkRules.NONE);
  }

  /**
   * @param limits the namespace limits
   * @param neverLink the never_link rules
   */
  public ReplayFunction(Map<String, Integer> limits, NeverLinkRules neverLink) {
    this.limits = Map.copyOf(limits);
    this.neverLink = neverLink;
  }

  @Override
  public void open(OpenContext ctx) {
    links =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("links", TypeInformation.of(Link.class)));
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
    all.sort(Link::compare);
    IdentityGraph graph = new IdentityGraph(limits, neverLink);
    List<IdentityKey> pair = new ArrayList<>(2);
    List<IdentityGraph.Merge> merges = new ArrayList<>();
    for (Link l : all) {
      pair.clear();
      pair.add(IdentityKey.parse(l.primary));
      pair.add(IdentityKey.parse(l.other));
      graph.addEventRecordingMerges(l.eventId, l.time, pair, merges);
    }
    for (IdentityGraph.Merge m : merges) {
      ctx.output(
          MERGES,
          MergeRows.linked(
              m.oldPersonId(),
              m.newPersonId(),
              m.eventId(),
              m.eventTime(),
              m.primary().toString(),
              m.other().toString()));
    }
    Map<String, PersonProfile> profiles = new LinkedHashMap<>();
    for (Map.Entry<IdentityKey, String> e : graph.assignments().entrySet()) {
      // An identity that is its component's canonical identity is its own person.
      if (!graph.canonicalOf(e.getKey()).equals(e.getKey())) {
        out.collect(new PersonUpdate(e.getKey().toString(), e.getValue(), Long.MIN_VALUE, null));
        profiles
            .computeIfAbsent(e.getValue(), PersonProfile::new)
            .addIdentities(e.getKey().namespace(), 1);
      }
    }
    Set<String> rejectedPairs = new HashSet<>();
    for (IdentityGraph.RejectedLink r : graph.rejectedLinks()) {
      if (rejectedPairs.add(r.primary() + "\u0001" + r.other())) {
        profiles.computeIfAbsent(graph.personOf(r.primary()), PersonProfile::new).rejectedLinks(1);
      }
      rejected.add(1);
      ctx.output(
          MERGES,
          MergeRows.rejected(
              graph.personOf(r.primary()),
              graph.personOf(r.other()),
              r.eventId(),
              r.eventTime(),
              r.namespace(),
              r.rule(),
              r.primary().toString(),
              r.other().toString()));
    }
    for (PersonProfile p : profiles.values()) {
      ctx.output(Tags.PERSON_IDENTITIES, p);
    }
  }
}
