package dev.omnichannel.monitor.identity;

import dev.omnichannel.monitor.flow.Link;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

/**
 * Random identity events for property tests against {@link IdentityGraph}: persons with identities
 * in every namespace (and two unlimited ones), shared devices, cross-person links, long chains in
 * an unlimited namespace, repeated pairs, and many events at the same time.
 */
public final class RandomIdentityEvents {
  private RandomIdentityEvents() {}

  /** One event: id, time and its identities (any order, may repeat). */
  public record Ev(String eventId, long time, List<IdentityKey> ids) {
    @Override
    public String toString() {
      return eventId + "@" + time + ids;
    }
  }

  /** A generated case: limits, never_link rules and events in (time, event id) order. */
  public record Case(Map<String, Integer> limits, NeverLinkRules neverLink, List<Ev> events) {
    /** A case without never_link rules. */
    public Case(Map<String, Integer> limits, List<Ev> events) {
      this(limits, NeverLinkRules.NONE, events);
    }

    @Override
    public String toString() {
      return limits + (neverLink.isEmpty() ? "" : " never_link " + neverLink) + " " + events;
    }
  }

  /**
   * A case of {@link #generate} with random never_link rules that bite: most pairs are two
   * identities that end up in one person without the rules (so some link must be refused), the
   * others any two identities of the case.
   */
  public static Case generateWithRules(Random r) {
    Case c = generate(r);
    IdentityGraph unguarded = new IdentityGraph(c.limits());
    for (Ev e : c.events()) {
      unguarded.addEvent(e.eventId(), e.time(), e.ids());
    }
    Map<String, List<IdentityKey>> byPerson = new HashMap<>();
    unguarded
        .assignments()
        .forEach((k, p) -> byPerson.computeIfAbsent(p, x -> new ArrayList<>()).add(k));
    List<List<IdentityKey>> merged = new ArrayList<>();
    for (List<IdentityKey> ids : byPerson.values()) {
      if (ids.size() > 1) {
        merged.add(ids);
      }
    }
    merged.sort((a, b) -> a.get(0).compareTo(b.get(0)));
    List<IdentityKey> all = new ArrayList<>(unguarded.assignments().keySet());
    List<NeverLinkRules.Pair> pairs = new ArrayList<>();
    int n = 1 + r.nextInt(6);
    for (int i = 0; i < n && all.size() > 1; i++) {
      List<IdentityKey> from =
          !merged.isEmpty() && r.nextInt(4) != 0 ? merged.get(r.nextInt(merged.size())) : all;
      IdentityKey a = from.get(r.nextInt(from.size()));
      IdentityKey b = from.get(r.nextInt(from.size()));
      if (!a.equals(b)) {
        pairs.add(NeverLinkRules.Pair.of(a.toString(), b.toString()));
      }
    }
    return new Case(c.limits(), new NeverLinkRules(pairs), c.events());
  }

  public static Case generate(Random r) {
    Map<String, Integer> limits =
        r.nextBoolean()
            ? Namespaces.DEFAULT_LIMITS
            : Map.of(
                "customer_id", 1,
                "loyalty_id", 1,
                "email", 1 + r.nextInt(2),
                "phone", 1 + r.nextInt(2),
                "device_id", 1 + r.nextInt(3),
                "cookie_id", 2 + r.nextInt(4),
                "acme_id", 2);
    int persons = 1 + r.nextInt(r.nextInt(4) == 0 ? 40 : 8);
    List<List<IdentityKey>> owned = new ArrayList<>();
    for (int p = 0; p < persons; p++) {
      List<IdentityKey> ids = new ArrayList<>();
      if (r.nextInt(10) < 6) {
        ids.add(new IdentityKey("customer_id", "C" + p));
      }
      if (r.nextInt(10) < 3) {
        ids.add(new IdentityKey("loyalty_id", "L" + p));
      }
      add(ids, r, "email", "e" + p + "_", 2);
      add(ids, r, "phone", "p" + p + "_", 2);
      add(ids, r, "social_id", "s" + p + "_", 2);
      add(ids, r, "device_id", "d" + p + "_", 4);
      add(ids, r, "cookie_id", "k" + p + "_", 8);
      add(ids, r, "acme_id", "a" + p + "_", 2);
      add(ids, r, "zz_other", "z" + p + "_", 2);
      if (ids.isEmpty()) {
        ids.add(new IdentityKey("cookie_id", "k" + p + "_only"));
      }
      owned.add(ids);
    }
    List<IdentityKey> shared = new ArrayList<>();
    for (int i = 0; i < 1 + r.nextInt(3); i++) {
      shared.add(new IdentityKey("device_id", "tablet" + i));
    }
    int chainLength = r.nextInt(5) == 0 ? 20 + r.nextInt(300) : 0;
    int n = 1 + r.nextInt(r.nextInt(4) == 0 ? 400 : 60);
    int timeRange = 1 + r.nextInt(r.nextBoolean() ? 5 : 500);
    List<Ev> events = new ArrayList<>();
    List<Ev> history = new ArrayList<>();
    for (int i = 0; i < n + chainLength; i++) {
      List<IdentityKey> ids = new ArrayList<>();
      if (i >= n) {
        // a placeholder-free long chain: z_k with z_{k+1}, in an unlimited namespace
        int k = r.nextInt(chainLength);
        ids.add(new IdentityKey("chain_id", "c" + k));
        ids.add(new IdentityKey("chain_id", "c" + (k + 1)));
        if (r.nextInt(20) == 0) {
          ids.add(owned.get(r.nextInt(persons)).get(0));
        }
      } else if (!history.isEmpty() && r.nextInt(6) == 0) {
        ids.addAll(history.get(r.nextInt(history.size())).ids()); // a repeated pair
      } else {
        List<IdentityKey> mine = owned.get(r.nextInt(persons));
        int k = 1 + r.nextInt(Math.min(4, mine.size()));
        for (int j = 0; j < k; j++) {
          ids.add(mine.get(r.nextInt(mine.size())));
        }
        if (r.nextInt(8) == 0) {
          ids.add(shared.get(r.nextInt(shared.size())));
        }
        if (r.nextInt(10) == 0) {
          List<IdentityKey> theirs = owned.get(r.nextInt(persons));
          ids.add(theirs.get(r.nextInt(theirs.size())));
        }
      }
      Ev e = new Ev(String.format("e%05d", r.nextInt(100_000)), r.nextInt(timeRange), ids);
      events.add(e);
      history.add(e);
    }
    // unique event ids, (time, event id) order
    Map<String, Ev> byId = new HashMap<>();
    for (Ev e : events) {
      byId.putIfAbsent(e.eventId(), e);
    }
    List<Ev> out = new ArrayList<>(byId.values());
    out.sort(
        (a, b) ->
            a.time() != b.time()
                ? Long.compare(a.time(), b.time())
                : a.eventId().compareTo(b.eventId()));
    return new Case(limits, out);
  }

  private static void add(List<IdentityKey> ids, Random r, String ns, String prefix, int max) {
    int k = r.nextInt(max + 1);
    for (int i = 0; i < k; i++) {
      ids.add(new IdentityKey(ns, prefix + i));
    }
  }

  /** An event's links, in order: its primary with each other distinct identity. */
  public static List<Link> links(Ev e) {
    TreeSet<IdentityKey> sorted = new TreeSet<>(e.ids());
    List<Link> out = new ArrayList<>();
    IdentityKey primary = sorted.first();
    for (IdentityKey other : sorted) {
      if (!other.equals(primary)) {
        out.add(new Link(e.time(), e.eventId(), primary.toString(), other.toString()));
      }
    }
    return out;
  }

  /** Every link occurrence of the events, in link order. */
  public static List<Link> allLinks(List<Ev> events) {
    List<Link> out = new ArrayList<>();
    for (Ev e : events) {
      out.addAll(links(e));
    }
    out.sort(Link::compare);
    return out;
  }

  /** The first occurrence of every pair. */
  public static List<Link> firstLinks(List<Link> all) {
    Map<String, Link> first = new HashMap<>();
    for (Link l : all) {
      first.merge(l.pairKey(), l, (a, b) -> Link.compare(a, b) <= 0 ? a : b);
    }
    List<Link> out = new ArrayList<>(first.values());
    out.sort(Link::compare);
    return out;
  }

  /** The case's events shrunk: the usual list shrinks. */
  public static List<Case> shrink(Case c) {
    List<Case> out = new ArrayList<>();
    for (List<Ev> l : dev.omnichannel.monitor.testing.PropertyCheck.shrinkList(c.events(), 1)) {
      out.add(new Case(c.limits(), c.neverLink(), l));
    }
    return out;
  }

  static String[] keys(List<IdentityKey> ids) {
    return Arrays.stream(ids.toArray(new IdentityKey[0]))
        .map(IdentityKey::toString)
        .toArray(String[]::new);
  }
}
