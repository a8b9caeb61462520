package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.MergeRows;
import dev.omnichannel.monitor.flow.PersonUpdate;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.flow.TimeBuckets;
import dev.omnichannel.monitor.identity.LiveGraph;
import dev.omnichannel.monitor.identity.NamespaceLimits;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.NeverLinkRules;
import dev.omnichannel.monitor.profile.PersonProfile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.FlinkRuntimeException;
import org.apache.flink.util.OutputTag;

/**
 * The live identity graph of stream mode: a {@link LiveGraph} over {@code MapState}. Keyed by a
 * constant: it is fed only the first occurrence of each pair (the links that can change the graph),
 * so one task keeps up, and the graph lives in map entries, never in one value: a checkpoint writes
 * only the entries that changed (with incremental RocksDB checkpoints).
 *
 * <p>In: first links. They wait until the watermark passes their time, then are applied in (time,
 * event id, other) order. Out, per link: a {@link PersonUpdate} at the link's time for each
 * identity whose person changed; on {@link Tags#IDENTITY_MERGES} a row per accepted merge (accepted
 * = true, {@code linked (<primary> x <other>)}) and per rejected link (accepted = false, the
 * persons of both identities after the link's event, the never_link rule or namespace limit that
 * refused it, counted in {@link Counters#REJECTED_LINKS}); on {@link #DECISIONS} one decision per
 * pair, before the watermark passes the link; on {@link Tags#PERSON_IDENTITIES} profile deltas that
 * add up to each person's identities per namespace (its canonical identity not included) and its
 * rejected identity pairs: a merge adds the identities that changed person, with the rejected pairs
 * they were the primary identity of, to the merged person; a rejection adds one pair to the person
 * of its primary identity (the person its event belongs to).
 *
 * <p>State: the waiting links, bucketed by time, each bucket cleared when applied; the graph's
 * {@code parent}, {@code next} and {@code root} map entries, and the number of rejected pairs of
 * each identity that is the primary of one, kept for the life of the job.
 */
public class LiveIdentityFunction extends KeyedProcessFunction<Integer, Link, PersonUpdate> {
  public static final OutputTag<PairDecision> DECISIONS =
      new OutputTag<>("pair-decisions", TypeInformation.of(PairDecision.class));

  private final Map<String, Integer> limits;
  private final NeverLinkRules neverLink;
  private transient MapState<Long, List<Link>> pending;
  private transient LiveGraph graph;
  private transient MapState<String, Integer> rejectedPairs;
  private transient LongCounter rejected;
  private transient LongCounter coordinatorLinks;
  private transient LongCounter coordinatorEvents;

  public LiveIdentityFunction(Map<String, Integer> limits) {
    this(limits, NeverLinkRules.NONE);
  }

  /**
   * @param limits the namespace limits
   * @param neverLink the never_link rules (checked before the limits)
   */
  public LiveIdentityFunction(Map<String, Integer> limits, NeverLinkRules neverLink) {
    this.limits = Map.copyOf(limits);
    this.neverLink = neverLink;
  }

  /** The graph's state descriptors: identity to parent, identity to next member, root to root. */
  static MapStateDescriptor<String, String> parentsDescriptor() {
    return new MapStateDescriptor<>("identity-parent", Types.STRING, Types.STRING);
  }

  static MapStateDescriptor<String, String> nextsDescriptor() {
    return new MapStateDescriptor<>("identity-next", Types.STRING, Types.STRING);
  }

  static MapStateDescriptor<String, LiveGraph.Root> rootsDescriptor() {
    return new MapStateDescriptor<>(
        "identity-root", Types.STRING, TypeInformation.of(LiveGraph.Root.class));
  }

  @Override
  public void open(OpenContext ctx) {
    pending =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "pending", Types.LONG, Types.LIST(TypeInformation.of(Link.class))));
    graph =
        new LiveGraph(
            new NamespaceLimits(limits),
            neverLink,
            new MapStateStore(
                getRuntimeContext().getMapState(parentsDescriptor()),
                getRuntimeContext().getMapState(nextsDescriptor()),
                getRuntimeContext().getMapState(rootsDescriptor())));
    rejectedPairs =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("rejected-pairs", Types.STRING, Types.INT));
    rejected = getRuntimeContext().getLongCounter(Counters.REJECTED_LINKS);
    coordinatorLinks = getRuntimeContext().getLongCounter(Counters.COORDINATOR_LINKS);
    coordinatorEvents = getRuntimeContext().getLongCounter(Counters.COORDINATOR_EVENTS);
  }

  @Override
  public void processElement(Link link, Context ctx, Collector<PersonUpdate> out) throws Exception {
    TimeBuckets.add(pending, link.time, link);
    ctx.timerService().registerEventTimeTimer(link.time);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PersonUpdate> out)
      throws Exception {
    List<Link> links = TimeBuckets.take(pending, timestamp);
    if (links == null) {
      return;
    }
    links.sort(Link::compare);
    coordinatorLinks.add(links.size());
    List<Rejected> rejectedInEvent = new ArrayList<>();
    for (int i = 0; i < links.size(); i++) {
      Link l = links.get(i);
      LiveGraph.Outcome o = graph.link(l.primary, l.other, true);
      switch (o.kind()) {
        case JOINED -> {
          PersonProfile joined = new PersonProfile(o.newPerson());
          for (String id : o.changed()) {
            out.collect(new PersonUpdate(id, o.newPerson(), l.time, l.eventId));
            joined.addIdentities(Namespaces.namespaceOfKey(id), 1);
            Integer pairs = rejectedPairs.get(id);
            if (pairs != null) {
              joined.rejectedLinks(pairs);
            }
          }
          ctx.output(Tags.PERSON_IDENTITIES, joined);
          ctx.output(
              Tags.IDENTITY_MERGES,
              MergeRows.linked(
                  o.oldPerson(), o.newPerson(), l.eventId, l.time, l.primary, l.other));
          ctx.output(DECISIONS, new PairDecision(l.primary, l.other, true, null, null, null));
        }
        case SAME ->
            ctx.output(DECISIONS, new PairDecision(l.primary, l.other, true, null, null, null));
        case REJECTED -> rejectedInEvent.add(new Rejected(l, o.namespace(), o.rule()));
      }
      boolean eventEnds = i + 1 == links.size() || !links.get(i + 1).eventId.equals(l.eventId);
      if (eventEnds) {
        coordinatorEvents.add(1);
      }
      if (eventEnds && !rejectedInEvent.isEmpty()) {
        // as before: a rejection names the persons after all of its event's links
        for (Rejected r : rejectedInEvent) {
          Link rl = r.link();
          String pp = graph.personOf(rl.primary);
          String op = graph.personOf(rl.other);
          rejected.add(1);
          ctx.output(
              Tags.IDENTITY_MERGES,
              MergeRows.rejected(
                  pp, op, rl.eventId, rl.time, r.namespace(), r.rule(), rl.primary, rl.other));
          rejectedPair(rl.primary, pp, ctx);
          PairDecision d = new PairDecision(rl.primary, rl.other, false, r.namespace(), pp, op);
          if (r.rule() != null) {
            d.neverLinkA = r.rule().a();
            d.neverLinkB = r.rule().b();
          }
          ctx.output(DECISIONS, d);
        }
        rejectedInEvent.clear();
      }
    }
  }

  /** Counts a rejected pair for its primary {@code identity} and that identity's {@code person}. */
  private void rejectedPair(String identity, String person, OnTimerContext ctx) throws Exception {
    Integer n = rejectedPairs.get(identity);
    rejectedPairs.put(identity, n == null ? 1 : n + 1);
    PersonProfile d = new PersonProfile(person);
    d.rejectedLinks(1);
    ctx.output(Tags.PERSON_IDENTITIES, d);
  }

  private record Rejected(Link link, String namespace, NeverLinkRules.Pair rule) {}

  /** {@link LiveGraph.Store} over the function's map states. */
  private static final class MapStateStore implements LiveGraph.Store {
    private final MapState<String, String> parents;
    private final MapState<String, String> nexts;
    private final MapState<String, LiveGraph.Root> roots;

    MapStateStore(
        MapState<String, String> parents,
        MapState<String, String> nexts,
        MapState<String, LiveGraph.Root> roots) {
      this.parents = parents;
      this.nexts = nexts;
      this.roots = roots;
    }

    @Override
    public String parent(String identity) {
      try {
        return parents.get(identity);
      } catch (Exception e) {
        throw new FlinkRuntimeException("reading the identity graph", e);
      }
    }

    @Override
    public void setParent(String identity, String parent) {
      try {
        parents.put(identity, parent);
      } catch (Exception e) {
        throw new FlinkRuntimeException("writing the identity graph", e);
      }
    }

    @Override
    public String next(String identity) {
      try {
        return nexts.get(identity);
      } catch (Exception e) {
        throw new FlinkRuntimeException("reading the identity graph", e);
      }
    }

    @Override
    public void setNext(String identity, String next) {
      try {
        nexts.put(identity, next);
      } catch (Exception e) {
        throw new FlinkRuntimeException("writing the identity graph", e);
      }
    }

    @Override
    public LiveGraph.Root root(String identity) {
      try {
        return roots.get(identity);
      } catch (Exception e) {
        throw new FlinkRuntimeException("reading the identity graph", e);
      }
    }

    @Override
    public void putRoot(String identity, LiveGraph.Root root) {
      try {
        roots.put(identity, root);
      } catch (Exception e) {
        throw new FlinkRuntimeException("writing the identity graph", e);
      }
    }

    @Override
    public void removeRoot(String identity) {
      try {
        roots.remove(identity);
      } catch (Exception e) {
        throw new FlinkRuntimeException("writing the identity graph", e);
      }
    }
  }
}
