package dev.omnichannel.monitor.identity;

import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.PairDecision;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Replays the first-occurrence links of one connected component of the link graph, with full
 * knowledge, exactly as {@link IdentityGraph} would apply them: in (time, event id, other) order,
 * with the same union-find and namespace limits ({@link LiveGraph} over a {@link
 * LiveGraph.MemoryStore}).
 *
 * <p>One component is enough: a link can only ever join persons inside its own component, so its
 * fate depends on the links of that component alone. Repeats of a pair need not be replayed: their
 * outcome follows from the pair's {@link PairDecision}; the replay lists, for each rejected pair,
 * where a higher-priority namespace becomes the first exceeded one (see {@link PairDecision}). Not
 * thread-safe; one instance can replay many components.
 */
public final class ComponentReplay {
  private final NamespaceLimits limits;

  public ComponentReplay(NamespaceLimits limits) {
    this.limits = limits;
  }

  /**
   * A rejected first occurrence, with the final persons of both identities (as a backfill writes
   * them).
   */
  public record Rejection(Link link, String namespace, String primaryPerson, String otherPerson) {
    /** The identity_merges reason: {@code namespace_limit:<ns> (<primary> x <other>)}. */
    public String reason() {
      return reason(namespace, link.primary, link.other);
    }

    /** The identity_merges reason of a rejected link. */
    public static String reason(String namespace, String primary, String other) {
      return dev.omnichannel.monitor.flow.MergeRows.rejectedReason(namespace, primary, other);
    }
  }

  /**
   * What a replay gives.
   *
   * @param persons every identity of the component, in first-seen order, with its final person id
   * @param rejections the rejected links, in link order
   * @param decisions one decision per link, in link order
   */
  public record Result(
      Map<String, String> persons, List<Rejection> rejections, List<PairDecision> decisions) {}

  /** A rejected pair whose first exceeded namespace may still change. */
  private static final class Watch {
    final PairDecision decision;
    int index;
    List<Link> changedAt;
    List<String> changedTo;

    Watch(PairDecision decision, int index) {
      this.decision = decision;
      this.index = index;
    }
  }

  /**
   * Replays {@code links} (first occurrences, any order; the list is not changed).
   *
   * @throws IllegalStateException on an inconsistency that the rules exclude (a bug)
   */
  public Result replay(List<Link> links) {
    List<Link> sorted = new ArrayList<>(links);
    sorted.sort(Link::compare);
    LiveGraph graph = new LiveGraph(limits, new LiveGraph.MemoryStore());
    Map<String, String> persons = new LinkedHashMap<>();
    List<PairDecision> decisions = new ArrayList<>(sorted.size());
    List<Link> rejectedLinks = new ArrayList<>();
    List<Watch> rejected = new ArrayList<>();
    Map<String, List<Watch>> watchers = new HashMap<>();

    for (Link l : sorted) {
      persons.putIfAbsent(l.primary, null);
      persons.putIfAbsent(l.other, null);
      LiveGraph.Outcome o = graph.link(l.primary, l.other, false);
      PairDecision d = new PairDecision(l.primary, l.other, o.accepted(), null, null, null);
      decisions.add(d);
      switch (o.kind()) {
        case SAME -> {}
        case JOINED -> recheck(graph, l, o, watchers);
        case REJECTED -> {
          d.namespace = o.namespace();
          Watch w = new Watch(d, o.namespaceIndex());
          rejected.add(w);
          rejectedLinks.add(l);
          if (w.index > 0) {
            watchers.computeIfAbsent(graph.find(l.primary), k -> new ArrayList<>()).add(w);
            watchers.computeIfAbsent(graph.find(l.other), k -> new ArrayList<>()).add(w);
          }
        }
      }
    }

    persons.replaceAll((id, p) -> graph.personOf(id));
    List<Rejection> rejections = new ArrayList<>(rejected.size());
    for (int i = 0; i < rejected.size(); i++) {
      Watch w = rejected.get(i);
      PairDecision d = w.decision;
      d.primaryPerson = persons.get(d.primary);
      d.otherPerson = persons.get(d.other);
      if (w.changedAt != null) {
        int n = w.changedAt.size();
        d.laterTimes = new long[n];
        d.laterEventIds = new String[n];
        d.laterOthers = new String[n];
        d.laterNamespaces = w.changedTo.toArray(new String[0]);
        for (int j = 0; j < n; j++) {
          Link at = w.changedAt.get(j);
          d.laterTimes[j] = at.time;
          d.laterEventIds[j] = at.eventId;
          d.laterOthers[j] = at.other;
        }
      }
      rejections.add(
          new Rejection(rejectedLinks.get(i), d.namespace, d.primaryPerson, d.otherPerson));
    }
    return new Result(persons, rejections, decisions);
  }

  /**
   * After {@code link} joined two components: the rejected pairs touching either may now exceed a
   * higher-priority namespace first.
   */
  private void recheck(
      LiveGraph graph, Link link, LiveGraph.Outcome o, Map<String, List<Watch>> watchers) {
    List<Watch> a = watchers.remove(o.root());
    List<Watch> b = watchers.remove(o.absorbed());
    if (a == null && b == null) {
      return;
    }
    List<Watch> merged = new ArrayList<>((a == null ? 0 : a.size()) + (b == null ? 0 : b.size()));
    for (List<Watch> list : new List[] {a, b}) {
      if (list == null) {
        continue;
      }
      for (Watch w : list) {
        if (w.index == 0) {
          continue; // already the highest-priority namespace, nothing can come first
        }
        int k = graph.firstExceeded(w.decision.primary, w.decision.other);
        if (k < 0) {
          throw new IllegalStateException(
              "rejected pair " + w.decision + " no longer exceeds any namespace limit");
        }
        if (k < w.index) {
          if (w.changedAt == null) {
            w.changedAt = new ArrayList<>(2);
            w.changedTo = new ArrayList<>(2);
          }
          w.changedAt.add(link);
          w.changedTo.add(limits.name(k));
          w.index = k;
        }
        if (w.index > 0) {
          merged.add(w);
        }
      }
    }
    if (!merged.isEmpty()) {
      watchers.put(o.root(), merged);
    }
  }
}
