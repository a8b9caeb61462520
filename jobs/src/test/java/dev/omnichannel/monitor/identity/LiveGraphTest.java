package dev.omnichannel.monitor.identity;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.identity.RandomIdentityEvents.Case;
import dev.omnichannel.monitor.identity.RandomIdentityEvents.Ev;
import dev.omnichannel.monitor.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link LiveGraph} gives exactly what {@link IdentityGraph#addEventWithMerges} reports. */
class LiveGraphTest {
  private static final IdentityKey C1 = new IdentityKey("customer_id", "C1");
  private static final IdentityKey C2 = new IdentityKey("customer_id", "C2");
  private static final IdentityKey TABLET = new IdentityKey("device_id", "tablet");
  private static final IdentityKey COOKIE = new IdentityKey("cookie_id", "k");

  @Test
  void aSharedTabletJoinsTheFirstCustomerAndIsRejectedForTheSecond() {
    LiveGraph.MemoryStore store = new LiveGraph.MemoryStore();
    LiveGraph g = new LiveGraph(new NamespaceLimits(Namespaces.DEFAULT_LIMITS), store);
    LiveGraph.Outcome first = g.link(TABLET.toString(), COOKIE.toString(), true);
    assertThat(first.kind()).isEqualTo(LiveGraph.Kind.JOINED);
    assertThat(first.changed()).containsExactly(COOKIE.toString());
    assertThat(first.newPerson()).isEqualTo(PersonIds.personId(TABLET));
    assertThat(first.oldPerson()).isEqualTo(PersonIds.personId(COOKIE));

    LiveGraph.Outcome second = g.link(C1.toString(), TABLET.toString(), true);
    assertThat(second.kind()).isEqualTo(LiveGraph.Kind.JOINED);
    assertThat(second.changed()).containsExactly(TABLET.toString(), COOKIE.toString());
    assertThat(g.personOf(COOKIE.toString())).isEqualTo(PersonIds.personId(C1));

    LiveGraph.Outcome third = g.link(C2.toString(), TABLET.toString(), true);
    assertThat(third.kind()).isEqualTo(LiveGraph.Kind.REJECTED);
    assertThat(third.namespace()).isEqualTo("customer_id");
    assertThat(g.link(C1.toString(), COOKIE.toString(), true).kind())
        .isEqualTo(LiveGraph.Kind.SAME);

    // one component of three: a root entry, two parents, three cycle entries; C2 has none
    assertThat(store.roots).containsOnlyKeys(TABLET.toString());
    assertThat(store.parents).hasSize(2);
    assertThat(store.nexts).hasSize(3);
    assertThat(store.parents).doesNotContainKey(C2.toString());
  }

  @Test
  void matchesIdentityGraphOnRandomLinkSequences() {
    int[] exercised = new int[4];
    PropertyCheck.forAll("live graph = identity graph", RandomIdentityEvents::generate)
        .shrinkWith(RandomIdentityEvents::shrink)
        .tries(400)
        .check(c -> exercised(check(c), exercised));
    assertThat(exercised[0]).as("merges seen").isPositive();
    assertThat(exercised[1]).as("rejections seen").isPositive();
    assertThat(exercised[2]).as("long chains seen").isPositive();
  }

  @Test
  void matchesIdentityGraphWithNeverLinkRules() {
    int[] exercised = new int[4];
    PropertyCheck.forAll(
            "live graph = identity graph, never_link", RandomIdentityEvents::generateWithRules)
        .shrinkWith(RandomIdentityEvents::shrink)
        .tries(400)
        .check(c -> exercised(check(c), exercised));
    assertThat(exercised[0]).as("merges seen").isPositive();
    assertThat(exercised[1]).as("rejections seen").isPositive();
    assertThat(exercised[3]).as("never_link rejections seen").isGreaterThan(100);
  }

  @Test
  void aNeverLinkRuleRefusesTheLinkThroughASharedTabletAndHoldsAfterARebuild() {
    IdentityKey alice = new IdentityKey("email", "alice");
    IdentityKey bob = new IdentityKey("email", "bob");
    NeverLinkRules rules =
        new NeverLinkRules(List.of(NeverLinkRules.Pair.of(bob.toString(), alice.toString())));
    LiveGraph.MemoryStore store = new LiveGraph.MemoryStore();
    LiveGraph g = new LiveGraph(new NamespaceLimits(Namespaces.DEFAULT_LIMITS), rules, store);
    assertThat(g.link(alice.toString(), TABLET.toString(), true).kind())
        .isEqualTo(LiveGraph.Kind.JOINED);
    assertThat(g.link(bob.toString(), COOKIE.toString(), true).kind())
        .isEqualTo(LiveGraph.Kind.JOINED);
    LiveGraph.Outcome refused = g.link(bob.toString(), TABLET.toString(), true);
    assertThat(refused.kind()).isEqualTo(LiveGraph.Kind.REJECTED);
    assertThat(refused.rule()).isEqualTo(new NeverLinkRules.Pair("email:alice", "email:bob"));
    assertThat(refused.namespace()).isNull();
    assertThat(refused.rule().reason(bob.toString(), TABLET.toString()))
        .isEqualTo(
            "never_link (email:bob x device_id:tablet) keeps email:alice and email:bob apart");
    // a graph over the same entries (as after a restart) knows the persons' guarded identities
    LiveGraph again = new LiveGraph(new NamespaceLimits(Namespaces.DEFAULT_LIMITS), rules, store);
    assertThat(again.link(COOKIE.toString(), TABLET.toString(), true).rule())
        .isEqualTo(refused.rule());
    // without the rule the same entries join
    LiveGraph free = new LiveGraph(new NamespaceLimits(Namespaces.DEFAULT_LIMITS), store);
    assertThat(free.link(COOKIE.toString(), TABLET.toString(), true).kind())
        .isEqualTo(LiveGraph.Kind.JOINED);
    assertThat(free.personOf(bob.toString())).isEqualTo(PersonIds.personId(alice));
  }

  private static void exercised(int[] counts, int[] total) {
    for (int i = 0; i < counts.length; i++) {
      total[i] += counts[i];
    }
  }

  /** Returns {merges, rejections, chain links, never_link rejections}. */
  static int[] check(Case c) {
    IdentityGraph oracle = new IdentityGraph(c.limits(), c.neverLink());
    LiveGraph.MemoryStore store = new LiveGraph.MemoryStore();
    LiveGraph live = new LiveGraph(new NamespaceLimits(c.limits()), c.neverLink(), store);
    int merges = 0;
    int rejections = 0;
    int chain = 0;
    int neverLink = 0;
    for (Ev e : c.events()) {
      int before = oracle.rejectedLinks().size();
      List<String> expected = new ArrayList<>();
      for (IdentityGraph.Merge m : oracle.addEventWithMerges(e.eventId(), e.time(), e.ids())) {
        expected.add(
            "merge "
                + m.primary()
                + " x "
                + m.other()
                + " "
                + m.oldPersonId()
                + " -> "
                + m.newPersonId()
                + " "
                + m.changed());
      }
      List<IdentityGraph.RejectedLink> all = oracle.rejectedLinks();
      for (IdentityGraph.RejectedLink r : all.subList(before, all.size())) {
        expected.add("reject " + r.primary() + " x " + r.other() + " " + r.rowReason());
      }
      List<String> actual = new ArrayList<>();
      List<String> rejected = new ArrayList<>();
      for (Link l : RandomIdentityEvents.links(e)) {
        chain += l.primary.startsWith("chain_id:") ? 1 : 0;
        LiveGraph.Outcome o = live.link(l.primary, l.other, true);
        switch (o.kind()) {
          case JOINED -> {
            merges++;
            List<IdentityKey> changed = new ArrayList<>();
            o.changed().forEach(k -> changed.add(IdentityKey.parse(k)));
            actual.add(
                "merge "
                    + l.primary
                    + " x "
                    + l.other
                    + " "
                    + o.oldPerson()
                    + " -> "
                    + o.newPerson()
                    + " "
                    + changed);
          }
          case REJECTED -> {
            rejections++;
            neverLink += o.rule() != null ? 1 : 0;
            rejected.add(
                "reject "
                    + l.primary
                    + " x "
                    + l.other
                    + " "
                    + RejectionReasons.of(o.namespace(), o.rule(), l.primary, l.other));
          }
          case SAME -> {}
        }
      }
      actual.addAll(rejected);
      assertThat(actual).as("event %s", e).isEqualTo(expected);
      for (IdentityKey k : e.ids()) {
        assertThat(live.personOf(k.toString())).isEqualTo(oracle.personOf(k));
      }
    }
    Map<String, Integer> sizes = new HashMap<>();
    for (Map.Entry<IdentityKey, String> en : oracle.assignments().entrySet()) {
      assertThat(live.personOf(en.getKey().toString())).isEqualTo(en.getValue());
      assertThat(live.canonicalOf(en.getKey().toString()))
          .isEqualTo(oracle.canonicalOf(en.getKey()).toString());
      sizes.merge(en.getValue(), 1, Integer::sum);
    }
    // only identities of multi-identity persons have entries; one root entry per such person
    long multi = sizes.values().stream().filter(s -> s > 1).count();
    int inMulti = sizes.values().stream().filter(s -> s > 1).mapToInt(Integer::intValue).sum();
    assertThat(store.roots).hasSize((int) multi);
    assertThat(store.nexts).hasSize(inMulti);
    assertThat(store.parents).hasSize(inMulti - (int) multi);
    return new int[] {merges, rejections, chain, neverLink};
  }
}
