package dev.omnichannel.monitor.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.PairDecision;
import dev.omnichannel.monitor.identity.RandomIdentityEvents.Case;
import dev.omnichannel.monitor.identity.RandomIdentityEvents.Ev;
import dev.omnichannel.monitor.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Replaying each component's first occurrences, then deciding the repeats from the pairs'
 * decisions, gives exactly the persons and rejected-link rows of {@link IdentityGraph} fed every
 * event in order (today's backfill).
 */
class ComponentReplayTest {
  /** How the first links are grouped into replays. */
  enum Grouping {
    /** exact connected components */
    COMPONENTS,
    /** the star steps over the job's fingerprints */
    FINGERPRINTS,
    /** the star steps over fingerprints with 2 hash bits: collisions everywhere */
    COLLIDING
  }

  @Test
  void aLaterRepeatNamesTheHigherPriorityNamespaceExceededByThen() {
    // d0 with ten devices; d10 alone: rejected for device_id. Then each side gains a customer
    // id; the repeat of (d0, d10) now exceeds customer_id first.
    List<Ev> events = new ArrayList<>();
    List<IdentityKey> ten = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      ten.add(new IdentityKey("device_id", "d0" + i));
    }
    events.add(new Ev("e1", 1, ten));
    IdentityKey d00 = ten.get(0);
    IdentityKey other = new IdentityKey("device_id", "d99");
    events.add(new Ev("e2", 2, List.of(d00, other)));
    events.add(new Ev("e3", 3, List.of(new IdentityKey("customer_id", "A"), d00)));
    events.add(new Ev("e4", 4, List.of(new IdentityKey("customer_id", "B"), other)));
    events.add(new Ev("e5", 5, List.of(d00, other)));
    List<String> rows = check(new Case(Namespaces.DEFAULT_LIMITS, events), Grouping.COMPONENTS);
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0)).contains("e2@2").contains("namespace_limit:device_id");
    assertThat(rows.get(1)).contains("e5@5").contains("namespace_limit:customer_id");
  }

  @Test
  void matchesIdentityGraphOnRandomEvents() {
    int[] changed = {0};
    PropertyCheck.forAll("component replay = identity graph", RandomIdentityEvents::generate)
        .shrinkWith(RandomIdentityEvents::shrink)
        .tries(400)
        .check(
            c -> {
              for (Grouping g : Grouping.values()) {
                check(c, g);
              }
              changed[0] += namespaceChanges(c);
            });
    assertThat(changed[0]).as("repeats that name a later namespace").isPositive();
  }

  /** Checks one case; returns the expected rows (event@time: old new reason), sorted. */
  static List<String> check(Case c, Grouping grouping) {
    IdentityGraph oracle = new IdentityGraph(c.limits());
    for (Ev e : c.events()) {
      oracle.addEvent(e.eventId(), e.time(), e.ids());
    }
    List<String> expected = new ArrayList<>();
    for (IdentityGraph.RejectedLink r : oracle.rejectedLinks()) {
      expected.add(
          row(
              r.eventId(),
              r.eventTime(),
              oracle.personOf(r.primary()),
              oracle.personOf(r.other()),
              r.reason() + " (" + r.primary() + " x " + r.other() + ")"));
    }
    expected.sort(null);

    List<Link> all = RandomIdentityEvents.allLinks(c.events());
    List<Link> first = RandomIdentityEvents.firstLinks(all);
    ComponentReplay replay = new ComponentReplay(new NamespaceLimits(c.limits()));
    Map<String, String> persons = new HashMap<>();
    Map<String, PairDecision> decisions = new HashMap<>();
    List<String> actual = new ArrayList<>();
    for (List<Link> component : group(first, grouping)) {
      ComponentReplay.Result result = replay.replay(component);
      for (Map.Entry<String, String> en : result.persons().entrySet()) {
        assertThat(persons.put(en.getKey(), en.getValue()))
            .as("%s is in one component", en.getKey())
            .isNull();
      }
      for (PairDecision d : result.decisions()) {
        decisions.put(d.pairKey(), d);
      }
      for (ComponentReplay.Rejection r : result.rejections()) {
        actual.add(
            row(r.link().eventId, r.link().time, r.primaryPerson(), r.otherPerson(), r.reason()));
      }
    }
    assertThat(decisions).hasSize(first.size());
    Map<String, Link> firstByPair = new HashMap<>();
    first.forEach(l -> firstByPair.put(l.pairKey(), l));
    for (Link l : all) {
      if (firstByPair.get(l.pairKey()) == l) {
        continue;
      }
      PairDecision d = decisions.get(l.pairKey());
      if (!d.accepted) {
        actual.add(
            row(
                l.eventId,
                l.time,
                d.primaryPerson,
                d.otherPerson,
                ComponentReplay.Rejection.reason(
                    d.namespaceAt(l.time, l.eventId), l.primary, l.other)));
      }
    }
    actual.sort(null);
    assertThat(actual).as("rejected-link rows, %s", grouping).isEqualTo(expected);
    for (Map.Entry<IdentityKey, String> en : oracle.assignments().entrySet()) {
      String key = en.getKey().toString();
      assertThat(persons.getOrDefault(key, PersonIds.personId(en.getKey())))
          .as("person of %s", key)
          .isEqualTo(en.getValue());
    }
    return expected;
  }

  private static String row(String eventId, long time, String old, String nw, String reason) {
    return eventId + "@" + time + ": " + old + " " + nw + " " + reason;
  }

  /** How many repeats of rejected pairs name another namespace than the first occurrence. */
  static int namespaceChanges(Case c) {
    IdentityGraph oracle = new IdentityGraph(c.limits());
    Map<String, String> firstNs = new HashMap<>();
    int changes = 0;
    for (Ev e : c.events()) {
      int before = oracle.rejectedLinks().size();
      oracle.addEvent(e.eventId(), e.time(), e.ids());
      List<IdentityGraph.RejectedLink> all = oracle.rejectedLinks();
      for (IdentityGraph.RejectedLink r : all.subList(before, all.size())) {
        String prev = firstNs.putIfAbsent(r.primary() + " " + r.other(), r.namespace());
        changes += prev != null && !prev.equals(r.namespace()) ? 1 : 0;
      }
    }
    return changes;
  }

  static Collection<List<Link>> group(List<Link> first, Grouping grouping) {
    Map<Long, List<Link>> groups = new HashMap<>();
    if (grouping == Grouping.COMPONENTS) {
      Map<String, String> parent = new HashMap<>();
      for (Link l : first) {
        union(parent, l.primary, l.other);
      }
      Map<String, Long> ids = new HashMap<>();
      for (Link l : first) {
        long id = ids.computeIfAbsent(find(parent, l.primary), k -> (long) ids.size());
        groups.computeIfAbsent(id, k -> new ArrayList<>()).add(l);
      }
      return groups.values();
    }
    Fingerprint fp =
        grouping == Grouping.FINGERPRINTS
            ? Fingerprints.DEFAULT
            : key -> {
              long real = Fingerprints.of(key);
              return Fingerprints.withRank(Fingerprints.rank(real), real & 3);
            };
    List<long[]> edges = new ArrayList<>();
    for (Link l : first) {
      edges.add(new long[] {fp.of(l.primary), fp.of(l.other)});
    }
    int rounds = ComponentSimulator.roundsNeeded(edges, 64);
    Map<Long, Long> labels = ComponentSimulator.run(edges, rounds).labels();
    for (Link l : first) {
      groups.computeIfAbsent(labels.get(fp.of(l.primary)), k -> new ArrayList<>()).add(l);
    }
    return groups.values();
  }

  private static void union(Map<String, String> parent, String a, String b) {
    String ra = find(parent, a);
    String rb = find(parent, b);
    if (!ra.equals(rb)) {
      parent.put(ra, rb);
    }
  }

  private static String find(Map<String, String> parent, String x) {
    String p;
    while ((p = parent.getOrDefault(x, x)) != x && !p.equals(x)) {
      x = p;
    }
    return x;
  }

  @Test
  void collidingFingerprintsOnlyCoarsenTheGroups() {
    Case c = RandomIdentityEvents.generate(new Random(42));
    List<Link> first = RandomIdentityEvents.firstLinks(RandomIdentityEvents.allLinks(c.events()));
    assertThat(group(first, Grouping.COLLIDING).size())
        .isLessThanOrEqualTo(group(first, Grouping.COMPONENTS).size());
    check(c, Grouping.COLLIDING);
  }
}
