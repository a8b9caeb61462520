package dev.omnichannel.monitor.identity;

import dev.omnichannel.monitor.event.Event;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The {@code never_link} corrections of an identity-rules file: pairs of identities that no person
 * may hold together. Identities are {@code namespace:value} keys, email and phone already
 * pseudonymised, exactly as the identity graph sees them.
 *
 * <p>The rule, in both graphs ({@link IdentityGraph}, {@link LiveGraph}): a link that would join
 * the person holding one identity of a pair with the person holding the other is rejected, whatever
 * identities the link itself goes through. Since persons only grow, a link rejected by a rule stays
 * rejected. A rule is checked before the namespace limits; when a link breaks several rules, the
 * first pair in priority order ({@link Pair#compareTo}) is named. Immutable.
 */
public final class NeverLinkRules implements Serializable {
  /** No rules. */
  public static final NeverLinkRules NONE = new NeverLinkRules(List.of());

  /**
   * One rule: identities {@code a} and {@code b}, {@code a} before {@code b} in priority order.
   *
   * @param a the higher-priority identity ({@code namespace:value})
   * @param b the other identity
   */
  public record Pair(String a, String b) implements Serializable, Comparable<Pair> {
    public Pair {
      Objects.requireNonNull(a, "a");
      Objects.requireNonNull(b, "b");
      if (Event.compareKeys(a, b) >= 0) {
        throw new IllegalArgumentException(
            "a never_link pair must name two identities in priority order: " + a + ", " + b);
      }
    }

    /** The pair of {@code x} and {@code y} in priority order. */
    public static Pair of(String x, String y) {
      if (x.equals(y)) {
        throw new IllegalArgumentException("a never_link pair names " + x + " twice");
      }
      return Event.compareKeys(x, y) < 0 ? new Pair(x, y) : new Pair(y, x);
    }

    @Override
    public int compareTo(Pair o) {
      int c = Event.compareKeys(a, o.a);
      return c != 0 ? c : Event.compareKeys(b, o.b);
    }

    /**
     * The identity_merges reason of a link {@code primary x other} this rule rejected: {@code
     * never_link (<primary> x <other>) keeps <a> and <b> apart}.
     */
    public String reason(String primary, String other) {
      return "never_link (" + primary + " x " + other + ") keeps " + a + " and " + b + " apart";
    }

    @Override
    public String toString() {
      return a + " x " + b;
    }
  }

  /** Each guarded identity with the identities it may never be one person with. */
  private final HashMap<String, HashSet<String>> partners = new HashMap<>();

  private final List<Pair> pairs;
  private final List<String> guarded;

  /**
   * @param pairs the rules; duplicates are dropped
   */
  public NeverLinkRules(Collection<Pair> pairs) {
    TreeSet<Pair> sorted = new TreeSet<>(pairs);
    this.pairs = List.copyOf(sorted);
    for (Pair p : sorted) {
      partners.computeIfAbsent(p.a(), k -> new HashSet<>()).add(p.b());
      partners.computeIfAbsent(p.b(), k -> new HashSet<>()).add(p.a());
    }
    List<String> ids = new ArrayList<>(partners.keySet());
    ids.sort(Event::compareKeys);
    this.guarded = List.copyOf(ids);
  }

  /** True when there are no rules. */
  public boolean isEmpty() {
    return pairs.isEmpty();
  }

  /** The rules, sorted. */
  public List<Pair> pairs() {
    return pairs;
  }

  /** Every identity named by a rule, sorted in priority order. */
  public List<String> guarded() {
    return guarded;
  }

  /** True when {@code identity} is named by some rule. */
  public boolean guards(String identity) {
    return partners.containsKey(identity);
  }

  /** True when a rule keeps {@code x} and {@code y} apart. */
  public boolean forbids(String x, String y) {
    HashSet<String> p = partners.get(x);
    return p != null && p.contains(y);
  }

  /**
   * The rule that joining a person whose guarded identities are {@code xs} with one whose guarded
   * identities are {@code ys} would break: the first in pair order; null when none would be.
   */
  public Pair firstBroken(Collection<String> xs, Collection<String> ys) {
    if (xs == null || ys == null || xs.isEmpty() || ys.isEmpty()) {
      return null;
    }
    Pair best = null;
    for (String x : xs) {
      HashSet<String> p = partners.get(x);
      if (p == null) {
        continue;
      }
      for (String y : ys) {
        if (p.contains(y)) {
          Pair candidate = Pair.of(x, y);
          if (best == null || candidate.compareTo(best) < 0) {
            best = candidate;
          }
        }
      }
    }
    return best;
  }

  /** A new list holding {@code identity} when it is guarded; null otherwise. */
  List<String> guardedList(String identity) {
    if (!guards(identity)) {
      return null;
    }
    List<String> l = new ArrayList<>(2);
    l.add(identity);
    return l;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NeverLinkRules r && r.pairs.equals(pairs);
  }

  @Override
  public int hashCode() {
    return pairs.hashCode();
  }

  @Override
  public String toString() {
    return pairs.toString();
  }
}
