package dev.omnichannel.monitor.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.generate.GeneratedData.Rec;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Namespaces;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Identity guarantees: every identity of a known person co-occurs with the customer id, counts stay
 * under the limits, and stitching the written events with the design's rules (a small independent
 * union-find here) recovers exactly the true persons and the rejected shared-device links.
 */
class GeneratorIdentityTest {
  static final Map<String, Integer> GENERATOR_LIMITS =
      Map.of(
          "customer_id",
          1,
          "loyalty_id",
          1,
          "email",
          2,
          "phone",
          2,
          "social_id",
          2,
          "device_id",
          3,
          "cookie_id",
          5);

  @TempDir static Path tmp;
  static GeneratedData data;

  @BeforeAll
  static void generate() throws IOException {
    GeneratorConfig cfg =
        GeneratorConfig.defaults().withCustomers(800).withDays(60).withSeed(11).withBadRatio(0.1);
    Generator.generate(cfg, tmp);
    data = GeneratedData.load(tmp);
  }

  @Test
  void shouldLinkEveryIdentityOfAKnownPersonToItsCustomerId() {
    Map<String, List<Rec>> byPerson = data.eventsByPerson();
    int anonymous = 0;
    for (GroundTruth.Person p : data.truth.persons()) {
      List<IdentityKey> ids = keys(p);
      IdentityKey customer =
          ids.stream().filter(k -> k.namespace().equals("customer_id")).findFirst().orElse(null);
      if (customer == null) {
        anonymous++;
        assertThat(p.persona()).isEqualTo("browser");
        assertThat(ids).hasSize(1);
        assertThat(ids.get(0).namespace()).isEqualTo("cookie_id");
        continue;
      }
      Set<IdentityKey> withCustomer = new HashSet<>();
      for (Rec r : byPerson.get(p.person())) {
        List<IdentityKey> usable = r.usable();
        if (usable.contains(customer)) {
          withCustomer.addAll(usable);
        }
      }
      assertThat(withCustomer).as(p.person()).containsAll(ids);
    }
    assertThat(anonymous).isGreaterThan(100);
  }

  @Test
  void shouldStayUnderTheNamespaceLimits() {
    for (GroundTruth.Person p : data.truth.persons()) {
      Map<String, Integer> counts = new HashMap<>();
      for (GroundTruth.IdentityValue id : p.identities()) {
        counts.merge(id.namespace(), 1, Integer::sum);
      }
      counts.forEach(
          (ns, n) ->
              assertThat(n)
                  .as(p.person() + " " + ns)
                  .isLessThanOrEqualTo(GENERATOR_LIMITS.get(ns)));
    }
  }

  @ParameterizedTest
  @MethodSource("dev.omnichannel.monitor.generate.GeneratedData#configurations")
  void shouldRecoverTruePersonsAndRejectedLinksByStitching(GeneratorConfig cfg) throws IOException {
    GeneratedData data = GeneratedData.generate(cfg, tmp);
    List<Rec> events = new ArrayList<>(data.accepted());
    events.sort(Comparator.comparingLong(Rec::time).thenComparing(Rec::eventId));
    Stitcher stitcher = new Stitcher();
    Set<String> rejected = new TreeSet<>();
    for (Rec r : events) {
      List<IdentityKey> usable = r.usable();
      IdentityKey primary = usable.get(0);
      stitcher.add(primary);
      for (IdentityKey other : usable.subList(1, usable.size())) {
        stitcher.add(other);
        if (!stitcher.link(primary, other)) {
          rejected.add(r.eventId());
        }
      }
    }
    Set<IdentityKey> roots = new HashSet<>();
    for (GroundTruth.Person p : data.truth.persons()) {
      List<IdentityKey> ids = keys(p);
      IdentityKey root = stitcher.find(ids.get(0));
      for (IdentityKey id : ids) {
        assertThat(stitcher.find(id)).as(p.person() + " " + id).isEqualTo(root);
      }
      assertThat(roots.add(root)).as(p.person() + " shares a component").isTrue();
      assertThat(stitcher.size(root))
          .as(p.person())
          .isEqualTo(ids.size() + tabletsOwnedBy(data, p.person()));
    }
    Set<String> expected = new TreeSet<>();
    for (GroundTruth.SharedDevice d : data.truth.sharedDevices()) {
      expected.addAll(d.rejectedEventIds());
      IdentityKey tablet = new IdentityKey(d.namespace(), d.value());
      IdentityKey ownerCustomer =
          keys(data.truth.person(d.owner())).stream()
              .filter(k -> k.namespace().equals("customer_id"))
              .findFirst()
              .orElseThrow();
      assertThat(stitcher.find(tablet)).isEqualTo(stitcher.find(ownerCustomer));
      assertThat(d.rejectedEventIds()).isNotEmpty();
    }
    assertThat(data.truth.sharedDevices())
        .hasSize(Math.max(1, (int) Math.round(cfg.customers() * 0.005)));
    assertThat(rejected).isEqualTo(expected);
  }

  @Test
  void shouldWriteEmailsAndPhonesInSeveralSpellingsAndPlantPlaceholders() {
    Set<String> rawEmails = new HashSet<>();
    Set<String> rawPhones = new HashSet<>();
    long placeholders = 0;
    for (Rec r : data.accepted()) {
      boolean blocked = false;
      for (String[] id : r.ids()) {
        if (id[0].equals(Namespaces.EMAIL) && !GeneratedData.BLOCKED.isBlocked(id[1])) {
          rawEmails.add(id[1]);
        }
        if (id[0].equals(Namespaces.PHONE) && !GeneratedData.BLOCKED.isBlocked(id[1])) {
          rawPhones.add(id[1]);
        }
        blocked |= GeneratedData.BLOCKED.isBlocked(id[1]);
      }
      if (blocked) {
        placeholders++;
      }
    }
    assertThat(rawEmails).anyMatch(e -> !e.equals(GeneratedData.normalise("email", e)));
    assertThat(rawEmails).anyMatch(e -> e.equals(GeneratedData.normalise("email", e)));
    assertThat(rawPhones).anyMatch(p -> p.contains("(")).anyMatch(p -> p.matches("\\+\\d{11}"));
    assertThat(placeholders).isEqualTo(data.truth.counts().placeholderIdentityEvents());
    double share = (double) placeholders / data.truth.counts().acceptedEvents();
    assertThat(share).isBetween(0.012, 0.03);
  }

  private static int tabletsOwnedBy(GeneratedData data, String person) {
    return (int) data.truth.sharedDevices().stream().filter(d -> d.owner().equals(person)).count();
  }

  private static List<IdentityKey> keys(GroundTruth.Person p) {
    List<IdentityKey> keys = new ArrayList<>();
    for (GroundTruth.IdentityValue id : p.identities()) {
      keys.add(new IdentityKey(id.namespace(), id.value()));
    }
    return keys;
  }

  /** Union-find over identities with the design's default namespace limits. */
  static final class Stitcher {
    private final Map<IdentityKey, IdentityKey> parent = new HashMap<>();
    private final Map<IdentityKey, Map<String, Integer>> counts = new HashMap<>();

    void add(IdentityKey k) {
      if (!parent.containsKey(k)) {
        parent.put(k, k);
        Map<String, Integer> c = new HashMap<>();
        c.put(k.namespace(), 1);
        counts.put(k, c);
      }
    }

    IdentityKey find(IdentityKey k) {
      IdentityKey p = parent.get(k);
      if (p == null) {
        return null;
      }
      while (!p.equals(parent.get(p))) {
        p = parent.get(p);
      }
      return p;
    }

    int size(IdentityKey root) {
      return counts.get(root).values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Merges the components of a and b unless that exceeds a limit; false when rejected. */
    boolean link(IdentityKey a, IdentityKey b) {
      IdentityKey ra = find(a);
      IdentityKey rb = find(b);
      if (ra.equals(rb)) {
        return true;
      }
      Map<String, Integer> merged = new HashMap<>(counts.get(ra));
      counts.get(rb).forEach((ns, n) -> merged.merge(ns, n, Integer::sum));
      for (Map.Entry<String, Integer> e : merged.entrySet()) {
        Integer limit = Namespaces.DEFAULT_LIMITS.get(e.getKey());
        if (limit != null && e.getValue() > limit) {
          return false;
        }
      }
      parent.put(rb, ra);
      counts.put(ra, merged);
      counts.remove(rb);
      return true;
    }
  }
}
