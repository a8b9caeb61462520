package dev.omnichannel.monitor.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.identity.IdentityGraph.RejectedLink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IdentityGraphTest {
  // Expected person ids computed by hand: printf 'customer_id:C1' | sha256sum | cut -c1-16
  private static final String P_C1 = "p-33976762df84d99b";
  private static final String P_C2 = "p-8e65d6ca0f2ecb8d";
  private static final String P_A = "p-db15773df4ae314c";
  private static final String P_B = "p-c3b4d4600fc2084b";
  private static final String P_COOKIE_A = "p-1f861595f9a211d5";
  private static final String P_DEVICE_D = "p-e28067d86aaebdcc";
  private static final String P_EMAIL_X = "p-140d49e5e5e470f5";

  /** printf 'jane@example.com' | openssl dgst -sha256 -hmac 'k' */
  private static final String JANE_HMAC_K =
      "77cff80182a460c0f4360ae6a74a6b139f27945f3dd351f26ab415cca02ee73c";

  /** printf 'email:<JANE_HMAC_K>' | sha256sum | cut -c1-16 */
  private static final String P_JANE = "p-7ed134e867405be0";

  private static IdentityKey id(String ns, String v) {
    return new IdentityKey(ns, v);
  }

  private static IdentityGraph defaultGraph() {
    return new IdentityGraph(Namespaces.DEFAULT_LIMITS);
  }

  @Test
  void shouldMergeTransitivelyIntoOnePerson() {
    IdentityGraph g = defaultGraph();
    g.addEvent("e1", 1_000, List.of(id("cookie_id", "ck1"), id("email", "x")));
    assertThat(g.personOf(id("cookie_id", "ck1"))).isEqualTo(P_EMAIL_X);
    g.addEvent("e2", 2_000, List.of(id("email", "x"), id("customer_id", "C1")));

    assertThat(g.personOf(id("cookie_id", "ck1"))).isEqualTo(P_C1);
    assertThat(g.personOf(id("email", "x"))).isEqualTo(P_C1);
    assertThat(g.personOf(id("customer_id", "C1"))).isEqualTo(P_C1);
    assertThat(g.canonicalOf(id("cookie_id", "ck1"))).isEqualTo(id("customer_id", "C1"));
    assertThat(g.identityCount()).isEqualTo(3);
    assertThat(g.personCount()).isEqualTo(1);
    assertThat(g.acceptedMerges()).isEqualTo(2);
    assertThat(g.rejectedLinks()).isEmpty();
  }

  @Test
  void shouldComputePersonIdFromCanonicalIdentity() {
    IdentityGraph g = defaultGraph();
    g.addEvent("e1", 1, List.of(id("cookie_id", "b"), id("cookie_id", "a")));
    assertThat(g.canonicalOf(id("cookie_id", "b"))).isEqualTo(id("cookie_id", "a"));
    assertThat(g.personOf(id("cookie_id", "b"))).isEqualTo(P_COOKIE_A);

    g.addEvent("e2", 2, List.of(id("device_id", "D"), id("cookie_id", "b")));
    assertThat(g.personOf(id("cookie_id", "a"))).isEqualTo(P_DEVICE_D);

    g.addEvent("e3", 3, List.of(id("cookie_id", "a"), id("email", JANE_HMAC_K)));
    assertThat(g.personOf(id("device_id", "D"))).isEqualTo(P_JANE);
    assertThat(g.canonicalOf(id("device_id", "D"))).isEqualTo(id("email", JANE_HMAC_K));
  }

  @Test
  void shouldGiveUnseenIdentityItsOwnPersonId() {
    IdentityGraph g = defaultGraph();
    assertThat(g.personOf(id("customer_id", "C2"))).isEqualTo(P_C2);
    assertThat(g.canonicalOf(id("customer_id", "C2"))).isEqualTo(id("customer_id", "C2"));
    assertThat(g.identityCount()).isZero();
  }

  @Test
  void shouldRegisterSingleIdentityAndIgnoreDuplicates() {
    IdentityGraph g = defaultGraph();
    g.addEvent("e1", 1, List.of(id("customer_id", "C1")));
    g.addEvent("e2", 2, List.of(id("cookie_id", "a"), id("cookie_id", "a")));
    g.addEvent("e3", 3, List.of(id("customer_id", "C1"), id("customer_id", "C1")));

    assertThat(g.identityCount()).isEqualTo(2);
    assertThat(g.personCount()).isEqualTo(2);
    assertThat(g.acceptedMerges()).isZero();
    assertThat(g.rejectedLinks()).isEmpty();
    assertThat(g.personOf(id("customer_id", "C1"))).isEqualTo(P_C1);
    assertThat(g.personOf(id("cookie_id", "a"))).isEqualTo(P_COOKIE_A);
  }

  @Test
  void shouldTreatLinkWithinOneComponentAsNoOp() {
    IdentityGraph g = defaultGraph();
    g.addEvent("e1", 1, List.of(id("customer_id", "C1"), id("cookie_id", "a")));
    g.addEvent("e2", 2, List.of(id("customer_id", "C1"), id("cookie_id", "a")));
    g.addEvent("e3", 3, List.of(id("cookie_id", "a"), id("customer_id", "C1")));
    assertThat(g.acceptedMerges()).isEqualTo(1);
    assertThat(g.personCount()).isEqualTo(1);
    assertThat(g.rejectedLinks()).isEmpty();
  }

  /** Limit L: an event with L + 1 identities of the namespace links L of them, rejects the last. */
  @ParameterizedTest
  @CsvSource({
    "customer_id, 1",
    "loyalty_id, 1",
    "email, 3",
    "phone, 3",
    "social_id, 5",
    "device_id, 10",
    "cookie_id, 50"
  })
  void shouldAcceptExactLimitAndRejectOneMoreWithinOneEvent(String ns, int limit) {
    assertThat(Namespaces.DEFAULT_LIMITS.get(ns)).isEqualTo(limit);
    IdentityGraph g = defaultGraph();
    List<IdentityKey> ids = new ArrayList<>();
    for (int i = limit; i >= 0; i--) { // given out of order on purpose
      ids.add(id(ns, String.format("v%02d", i)));
    }
    g.addEvent("e1", 10, ids);

    assertThat(g.identityCount()).isEqualTo(limit + 1);
    assertThat(g.acceptedMerges()).isEqualTo(limit - 1);
    assertThat(g.personCount()).isEqualTo(2);
    IdentityKey last = id(ns, String.format("v%02d", limit));
    assertThat(g.rejectedLinks())
        .containsExactly(new RejectedLink("e1", 10, id(ns, "v00"), last, ns));
    assertThat(g.rejectedLinks().get(0).reason()).isEqualTo("namespace_limit:" + ns);
    assertThat(g.canonicalOf(id(ns, String.format("v%02d", limit - 1)))).isEqualTo(id(ns, "v00"));
    assertThat(g.canonicalOf(last)).isEqualTo(last);
  }

  /** Same boundary across events: each event links one more identity to an anchor customer. */
  @ParameterizedTest
  @CsvSource({
    "loyalty_id, 1",
    "email, 3",
    "phone, 3",
    "social_id, 5",
    "device_id, 10",
    "cookie_id, 50"
  })
  void shouldAcceptExactLimitAndRejectOneMoreAcrossEvents(String ns, int limit) {
    IdentityGraph g = defaultGraph();
    for (int i = 1; i <= limit + 1; i++) {
      g.addEvent(
          String.format("e%02d", i),
          i,
          List.of(id(ns, String.format("v%02d", i)), id("customer_id", "C1")));
    }
    assertThat(g.acceptedMerges()).isEqualTo(limit);
    assertThat(g.personCount()).isEqualTo(2);
    IdentityKey last = id(ns, String.format("v%02d", limit + 1));
    assertThat(g.rejectedLinks())
        .containsExactly(
            new RejectedLink(
                String.format("e%02d", limit + 1), limit + 1, id("customer_id", "C1"), last, ns));
    assertThat(g.personOf(id(ns, String.format("v%02d", limit)))).isEqualTo(P_C1);
    assertThat(g.personOf(last)).isNotEqualTo(P_C1);
  }

  @Test
  void shouldRejectSecondCustomerOnSharedDevice() {
    IdentityGraph g = defaultGraph();
    g.addEvent("e1", 1_000, List.of(id("customer_id", "A"), id("device_id", "D")));
    g.addEvent("e2", 2_000, List.of(id("device_id", "D"), id("customer_id", "B")));
    g.addEvent("e3", 3_000, List.of(id("customer_id", "B"), id("device_id", "D")));

    assertThat(g.personOf(id("customer_id", "A"))).isEqualTo(P_A);
    assertThat(g.personOf(id("device_id", "D"))).isEqualTo(P_A);
    assertThat(g.personOf(id("customer_id", "B"))).isEqualTo(P_B);
    assertThat(g.personOfEvent(List.of(id("device_id", "D"), id("customer_id", "B"))))
        .isEqualTo(P_B);
    assertThat(g.rejectedLinks())
        .containsExactly(
            new RejectedLink(
                "e2", 2_000, id("customer_id", "B"), id("device_id", "D"), "customer_id"),
            new RejectedLink(
                "e3", 3_000, id("customer_id", "B"), id("device_id", "D"), "customer_id"));
    assertThat(g.personCount()).isEqualTo(2);
    assertThat(g.acceptedMerges()).isEqualTo(1);
  }

  @Test
  void shouldRejectInPriorityOrderAndContinueWithLaterLinks() {
    IdentityGraph g = defaultGraph();
    g.addEvent(
        "e1", 5, List.of(id("cookie_id", "k"), id("customer_id", "C2"), id("customer_id", "C1")));

    assertThat(g.rejectedLinks())
        .containsExactly(
            new RejectedLink(
                "e1", 5, id("customer_id", "C1"), id("customer_id", "C2"), "customer_id"));
    assertThat(g.personOf(id("cookie_id", "k"))).isEqualTo(P_C1);
    assertThat(g.personOf(id("customer_id", "C2"))).isEqualTo(P_C2);
    assertThat(g.acceptedMerges()).isEqualTo(1);
    assertThat(g.personCount()).isEqualTo(2);
  }

  @Test
  void shouldPutEventWithRejectedLinkOnPersonOfItsHighestPriorityIdentity() {
    IdentityGraph g = defaultGraph();
    g.addEvent("e1", 1, List.of(id("customer_id", "C1"), id("cookie_id", "k1")));
    g.addEvent("e2", 2, List.of(id("customer_id", "C2"), id("cookie_id", "k2")));
    // e3 links k1 (primary, person C1) to k2 (person C2): rejected, two customer ids.
    List<IdentityKey> e3 = List.of(id("cookie_id", "k2"), id("cookie_id", "k1"));
    g.addEvent("e3", 3, e3);

    assertThat(g.rejectedLinks())
        .containsExactly(
            new RejectedLink("e3", 3, id("cookie_id", "k1"), id("cookie_id", "k2"), "customer_id"));
    assertThat(g.personOf(id("cookie_id", "k1"))).isEqualTo(P_C1);
    assertThat(g.personOf(id("cookie_id", "k2"))).isEqualTo(P_C2);
    assertThat(g.personOfEvent(e3)).isEqualTo(P_C1);
  }

  @Test
  void shouldNameFirstExceededNamespaceInPriorityOrder() {
    IdentityGraph g = defaultGraph();
    g.addEvent(
        "e1",
        1,
        List.of(id("customer_id", "A"), id("email", "a1"), id("email", "a2"), id("email", "a3")));
    g.addEvent("e2", 2, List.of(id("customer_id", "B"), id("email", "b1")));
    g.addEvent("e3", 3, List.of(id("loyalty_id", "L"), id("email", "c1"), id("phone", "p1")));
    // Both customer_id (2 > 1) and email (5 > 3) would be exceeded: customer_id is named.
    g.addEvent("e4", 4, List.of(id("email", "b1"), id("email", "a1")));
    // Only email (4 > 3) would be exceeded, phone (1) and loyalty_id (1) would not.
    g.addEvent("e5", 5, List.of(id("email", "c1"), id("email", "a2")));

    assertThat(g.rejectedLinks())
        .extracting(RejectedLink::eventId, RejectedLink::reason)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("e4", "namespace_limit:customer_id"),
            org.assertj.core.groups.Tuple.tuple("e5", "namespace_limit:email"));
    assertThat(g.rejectedLinks().get(1).primary()).isEqualTo(id("email", "a2"));
    assertThat(g.rejectedLinks().get(1).other()).isEqualTo(id("email", "c1"));
    assertThat(g.personCount()).isEqualTo(3);
  }

  @Test
  void shouldLeaveOtherNamespacesUnlimited() {
    IdentityGraph g = defaultGraph();
    for (int i = 0; i < 200; i++) {
      g.addEvent(
          String.format("e%03d", i),
          i,
          List.of(id("crm_id", "r" + i), id("zz_ref", "z" + i), id("customer_id", "C1")));
    }
    assertThat(g.rejectedLinks()).isEmpty();
    assertThat(g.personCount()).isEqualTo(1);
    assertThat(g.identityCount()).isEqualTo(401);
    assertThat(g.personOf(id("zz_ref", "z199"))).isEqualTo(P_C1);
  }

  @Test
  void shouldApplyConfiguredLimitsOnly() {
    IdentityGraph g = new IdentityGraph(Map.of("crm_id", 2));
    g.addEvent(
        "e1",
        1,
        List.of(
            id("customer_id", "C1"),
            id("customer_id", "C2"),
            id("crm_id", "r1"),
            id("crm_id", "r2"),
            id("crm_id", "r3")));
    assertThat(g.rejectedLinks())
        .containsExactly(
            new RejectedLink("e1", 1, id("customer_id", "C1"), id("crm_id", "r3"), "crm_id"));
    assertThat(g.personOf(id("customer_id", "C2"))).isEqualTo(P_C1);
    assertThat(g.personOf(id("crm_id", "r2"))).isEqualTo(P_C1);
  }

  @Test
  void shouldRejectInvalidLimit() {
    assertThatThrownBy(() -> new IdentityGraph(Map.of("email", 0)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("email")
        .hasMessageContaining("0");
  }

  @Test
  void shouldRejectOutOfOrderEvents() {
    IdentityGraph g = defaultGraph();
    g.addEvent("e2", 100, List.of(id("cookie_id", "a")));
    g.addEvent("e3", 100, List.of(id("cookie_id", "b")));
    assertThatThrownBy(() -> g.addEvent("e1", 100, List.of(id("cookie_id", "c"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("e1");
    assertThatThrownBy(() -> g.addEvent("e9", 99, List.of(id("cookie_id", "c"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("e9");
    assertThat(g.identityCount()).isEqualTo(2);
    g.addEvent("e0", 101, List.of(id("cookie_id", "c")));
    assertThat(g.identityCount()).isEqualTo(3);
  }

  @Test
  void shouldRejectEventWithoutIdentities() {
    IdentityGraph g = defaultGraph();
    assertThatThrownBy(() -> g.addEvent("e1", 1, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldListAssignmentsSortedByIdentity() {
    IdentityGraph g = defaultGraph();
    g.addEvent("e1", 1, List.of(id("cookie_id", "a"), id("customer_id", "C1")));
    g.addEvent("e2", 2, List.of(id("email", "x")));
    g.addEvent("e3", 3, List.of(id("customer_id", "C2"), id("customer_id", "C1")));

    SortedMap<IdentityKey, String> expected = new TreeMap<>();
    expected.put(id("customer_id", "C1"), P_C1);
    expected.put(id("customer_id", "C2"), P_C2);
    expected.put(id("email", "x"), P_EMAIL_X);
    expected.put(id("cookie_id", "a"), P_C1);
    assertThat(g.assignments()).containsExactlyEntriesOf(expected);
    assertThat(g.assignments().firstKey()).isEqualTo(id("customer_id", "C1"));
  }

  @Test
  void shouldStayConsistentAtScale() {
    Random r = new Random(42);
    IdentityGraph g = defaultGraph();
    String[] ns = {
      "customer_id", "loyalty_id", "email", "phone", "social_id", "device_id", "cookie_id", "crm_id"
    };
    int[] cardinality = {40_000, 20_000, 50_000, 30_000, 10_000, 30_000, 120_000, 5_000};
    int events = 200_000;
    for (int e = 0; e < events; e++) {
      int n = 1 + r.nextInt(3);
      List<IdentityKey> ids = new ArrayList<>(n);
      for (int k = 0; k < n; k++) {
        int t = r.nextInt(ns.length);
        ids.add(id(ns[t], Integer.toString(r.nextInt(cardinality[t]))));
      }
      g.addEvent(String.format("e%07d", e), 1_000L * e, ids);
    }

    SortedMap<IdentityKey, String> a = g.assignments();
    assertThat(a).hasSize(g.identityCount());
    assertThat(g.personCount()).isEqualTo(g.identityCount() - g.acceptedMerges());
    assertThat(new HashSet<>(a.values())).hasSize(g.personCount());
    assertThat(g.acceptedMerges()).isPositive();
    assertThat(g.rejectedLinks()).isNotEmpty();

    Map<String, TreeSet<IdentityKey>> members = new HashMap<>();
    for (Map.Entry<IdentityKey, String> en : a.entrySet()) {
      members.computeIfAbsent(en.getValue(), p -> new TreeSet<>()).add(en.getKey());
    }
    for (Map.Entry<String, TreeSet<IdentityKey>> en : members.entrySet()) {
      IdentityKey min = en.getValue().first();
      assertThat(g.canonicalOf(en.getValue().last())).isEqualTo(min);
      assertThat(en.getKey()).isEqualTo(PersonIds.personId(min));
      Map<String, Integer> perNs = new HashMap<>();
      for (IdentityKey k : en.getValue()) {
        perNs.merge(k.namespace(), 1, Integer::sum);
      }
      perNs.forEach(
          (n, c) ->
              assertThat(c)
                  .isLessThanOrEqualTo(Namespaces.DEFAULT_LIMITS.getOrDefault(n, 1 << 30)));
    }
    // A rejected pair can never be joined later: the counts only grow.
    Set<String> rejectedReasons = new HashSet<>();
    for (RejectedLink l : g.rejectedLinks()) {
      assertThat(g.personOf(l.primary())).isNotEqualTo(g.personOf(l.other()));
      rejectedReasons.add(l.reason());
    }
    assertThat(rejectedReasons).contains("namespace_limit:customer_id");
  }

  @Test
  void shouldReportWhichIdentitiesChangePersonOnAMerge() {
    IdentityGraph g = defaultGraph();
    IdentityKey cookie = id("cookie_id", "a");
    IdentityKey device = id("device_id", "d");
    IdentityKey email = id("email", "x");
    IdentityKey customer = id("customer_id", "c1");
    assertThat(g.addEventWithMerges("e1", 1, List.of(cookie))).isEmpty();
    List<IdentityGraph.Merge> m = g.addEventWithMerges("e2", 2, List.of(cookie, device));
    // device < cookie in priority, so the cookie side changes.
    assertThat(m)
        .containsExactly(
            new IdentityGraph.Merge(
                "e2",
                2,
                device,
                cookie,
                PersonIds.personId(device),
                PersonIds.personId(cookie),
                List.of(cookie)));
    m = g.addEventWithMerges("e3", 3, List.of(email, cookie));
    assertThat(m).hasSize(1);
    assertThat(m.get(0).newPersonId()).isEqualTo(PersonIds.personId(email));
    assertThat(m.get(0).oldPersonId()).isEqualTo(PersonIds.personId(device));
    assertThat(m.get(0).changed()).containsExactly(device, cookie);
    // A link inside one component changes nothing.
    assertThat(g.addEventWithMerges("e4", 4, List.of(email, device))).isEmpty();
    m = g.addEventWithMerges("e5", 5, List.of(customer, id("cookie_id", "z")));
    assertThat(m.get(0).changed()).containsExactly(id("cookie_id", "z"));
    // Joining the customer's component: the email side (three identities) changes.
    m = g.addEventWithMerges("e6", 6, List.of(customer, email));
    assertThat(m.get(0).newPersonId()).isEqualTo(PersonIds.personId(customer));
    assertThat(m.get(0).changed()).containsExactly(email, device, cookie);
    // A second customer id is rejected: no merge.
    assertThat(g.addEventWithMerges("e7", 7, List.of(id("customer_id", "c2"), cookie))).isEmpty();
    assertThat(g.rejectedLinks()).hasSize(1);
  }

  @Test
  void mergesAppliedInOrderShouldReproduceTheFinalAssignments() {
    Random rnd = new Random(42);
    String[] namespaces = {
      "customer_id", "loyalty_id", "email", "phone", "social_id", "device_id", "cookie_id"
    };
    for (int round = 0; round < 20; round++) {
      IdentityGraph g = defaultGraph();
      Map<IdentityKey, String> tracked = new HashMap<>();
      for (int e = 0; e < 400; e++) {
        List<IdentityKey> ids = new ArrayList<>();
        int n = 1 + rnd.nextInt(3);
        for (int k = 0; k < n; k++) {
          String ns = namespaces[rnd.nextInt(namespaces.length)];
          ids.add(id(ns, ns.charAt(0) + "" + rnd.nextInt(60)));
        }
        for (IdentityKey k : ids) {
          tracked.putIfAbsent(k, PersonIds.personId(k));
        }
        for (IdentityGraph.Merge m : g.addEventWithMerges("e" + e, e, ids)) {
          for (IdentityKey k : m.changed()) {
            assertThat(tracked.get(k)).isEqualTo(m.oldPersonId());
            tracked.put(k, m.newPersonId());
          }
        }
      }
      assertThat(new TreeMap<>(tracked)).isEqualTo(g.assignments());
      assertThat(g.acceptedMerges()).isPositive();
    }
  }

  // ---- never_link rules

  private static NeverLinkRules rules(String... pairs) {
    List<NeverLinkRules.Pair> out = new ArrayList<>();
    for (int i = 0; i < pairs.length; i += 2) {
      out.add(NeverLinkRules.Pair.of(pairs[i], pairs[i + 1]));
    }
    return new NeverLinkRules(out);
  }

  /**
   * Two households share a tablet: without a rule the tablet fuses them; with never_link for the
   * two emails, the link that would put both emails into one person is refused, whichever
   * identities it goes through (here the tablet), and every later link that would is refused too.
   */
  @Test
  void neverLinkRefusesEveryLinkThatWouldPutBothIdentitiesInOnePerson() {
    IdentityKey alice = id("email", "alice");
    IdentityKey bob = id("email", "bob");
    IdentityKey tablet = id("device_id", "tablet");
    IdentityKey ca = id("cookie_id", "ca");
    IdentityKey cb = id("cookie_id", "cb");
    List<List<IdentityKey>> events =
        List.of(
            List.of(alice, ca),
            List.of(alice, tablet),
            List.of(bob, cb),
            List.of(bob, tablet),
            List.of(cb, tablet),
            List.of(ca, cb));
    IdentityGraph free = defaultGraph();
    IdentityGraph ruled =
        new IdentityGraph(Namespaces.DEFAULT_LIMITS, rules("email:bob", "email:alice"));
    for (int i = 0; i < events.size(); i++) {
      free.addEvent("e" + (i + 1), i, events.get(i));
      ruled.addEvent("e" + (i + 1), i, events.get(i));
    }
    assertThat(free.personCount()).isEqualTo(1);
    assertThat(free.rejectedLinks()).isEmpty();

    String pAlice = PersonIds.personId(alice);
    String pBob = PersonIds.personId(bob);
    assertThat(ruled.assignments())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(alice, pAlice, ca, pAlice, tablet, pAlice, bob, pBob, cb, pBob));
    NeverLinkRules.Pair rule = new NeverLinkRules.Pair("email:alice", "email:bob");
    assertThat(ruled.rejectedLinks())
        .containsExactly(
            new RejectedLink("e4", 3, bob, tablet, null, rule),
            new RejectedLink("e5", 4, tablet, cb, null, rule),
            new RejectedLink("e6", 5, ca, cb, null, rule));
    assertThat(ruled.rejectedLinks().get(0).reason()).isEqualTo("never_link");
    assertThat(ruled.rejectedLinks().get(0).rowReason())
        .isEqualTo(
            "never_link (email:bob x device_id:tablet) keeps email:alice and email:bob apart");
    // the event carrying both sides belongs to its highest-priority identity's person
    assertThat(ruled.personOfEvent(List.of(bob, tablet))).isEqualTo(pBob);
  }

  @Test
  void neverLinkIsCheckedBeforeTheLimitsAndNamesTheFirstBrokenRule() {
    // c1 and c2 can never join (customer_id limit 1); the rules name other identities
    IdentityKey c1 = id("customer_id", "C1");
    IdentityKey c2 = id("customer_id", "C2");
    IdentityKey d1 = id("device_id", "d1");
    IdentityKey d2 = id("device_id", "d2");
    IdentityKey k1 = id("cookie_id", "k1");
    IdentityGraph g =
        new IdentityGraph(
            Namespaces.DEFAULT_LIMITS,
            rules("cookie_id:k1", "device_id:d2", "device_id:d1", "device_id:d2", "x:1", "x:2"));
    g.addEvent("e1", 1, List.of(c1, d1, k1));
    g.addEvent("e2", 2, List.of(c2, d2));
    g.addEvent("e3", 3, List.of(d2, k1));
    assertThat(g.rejectedLinks())
        .extracting(RejectedLink::rowReason)
        .containsExactly(
            "never_link (device_id:d2 x cookie_id:k1) keeps device_id:d1 and device_id:d2 apart");
    // without the rules the same link is refused by the customer_id limit
    IdentityGraph limited = defaultGraph();
    limited.addEvent("e1", 1, List.of(c1, d1, k1));
    limited.addEvent("e2", 2, List.of(c2, d2));
    limited.addEvent("e3", 3, List.of(d2, k1));
    assertThat(limited.rejectedLinks())
        .extracting(RejectedLink::rowReason)
        .containsExactly("namespace_limit:customer_id (device_id:d2 x cookie_id:k1)");
  }

  @Test
  void twoIdentitiesOfANeverLinkPairOnOneEventStayApart() {
    IdentityGraph g = new IdentityGraph(Namespaces.DEFAULT_LIMITS, rules("email:a", "phone:b"));
    g.addEvent("e1", 1, List.of(id("phone", "b"), id("cookie_id", "k"), id("email", "a")));
    assertThat(g.personOf(id("email", "a"))).isEqualTo(g.personOf(id("cookie_id", "k")));
    assertThat(g.personOf(id("phone", "b"))).isEqualTo(PersonIds.personId(id("phone", "b")));
    assertThat(g.rejectedLinks())
        .containsExactly(
            new RejectedLink(
                "e1",
                1,
                id("email", "a"),
                id("phone", "b"),
                null,
                new NeverLinkRules.Pair("email:a", "phone:b")));
  }

  @Test
  void aNeverLinkPairMustNameTwoDifferentIdentities() {
    assertThatThrownBy(() -> NeverLinkRules.Pair.of("email:a", "email:a"))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> new NeverLinkRules.Pair("email:b", "email:a"))
        .hasMessageContaining("priority order");
    assertThat(NeverLinkRules.Pair.of("cookie_id:z", "customer_id:a"))
        .isEqualTo(new NeverLinkRules.Pair("customer_id:a", "cookie_id:z"));
  }
}
