package dev.omnichannel.monitor.identity;

import dev.omnichannel.monitor.event.Event;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;

/**
 * The identity graph of {@link IdentityGraph} (same union-find, same rules, same results) kept in a
 * {@link Store} of small map entries instead of arrays, so that stream mode can hold it in Flink
 * {@code MapState}: no single value holds the graph, and a checkpoint writes only changed entries
 * (incremental checkpoints on RocksDB).
 *
 * <p>Entries, all keyed by an identity {@code namespace:value}:
 *
 * <ul>
 *   <li><b>parent</b>: for an identity that is not a root, its parent (path compression rewrites
 *       it);
 *   <li><b>next</b>: the next member of its component; the members form a cycle, so the identities
 *       whose person changes in a merge can be listed. Absent for an identity alone;
 *   <li><b>root</b>: for a root of two or more identities, its {@link Root} (size, counts per
 *       limited namespace, canonical identity).
 * </ul>
 *
 * An identity with no entry is a component of its own. Links are applied one at a time with {@link
 * #link}; the caller keeps the global (time, event id, other) order. Not thread-safe.
 *
 * <p>{@link NeverLinkRules} need to know which guarded identities each person holds. That is kept
 * in memory, not in the store: it is rebuilt from the store (one {@link #find} per guarded
 * identity) at the first link after the graph is created, so it always matches the rules in force,
 * also after a restart with a changed rules file.
 */
public final class LiveGraph {
  /** The graph's entries; absent entries read as null. */
  public interface Store {
    String parent(String identity);

    void setParent(String identity, String parent);

    String next(String identity);

    void setNext(String identity, String next);

    Root root(String identity);

    void putRoot(String identity, Root root);

    void removeRoot(String identity);
  }

  /** A root's entry. A Flink POJO. */
  public static class Root {
    /** Number of identities in the component. */
    public int size;

    /** Identities per limited namespace, in {@link NamespaceLimits} order. */
    public int[] counts;

    /** The smallest identity in priority order; the person id is derived from it. */
    public String canonical;

    public Root() {}

    public Root(int size, int[] counts, String canonical) {
      this.size = size;
      this.counts = counts;
      this.canonical = canonical;
    }
  }

  /** What a link did. */
  public enum Kind {
    /** The two identities were in different persons and now are one. */
    JOINED,
    /** The two identities already were one person: nothing changed. */
    SAME,
    /** Joining would break a never_link rule or exceed a namespace limit: nothing changed. */
    REJECTED
  }

  /**
   * The outcome of one link.
   *
   * @param kind what happened
   * @param root for JOINED, the root of the merged component
   * @param absorbed for JOINED, the root that stopped being one
   * @param namespaceIndex for REJECTED by a limit, the index in {@link NamespaceLimits} of the
   *     first exceeded namespace; -1 otherwise
   * @param namespace for REJECTED by a limit, that namespace
   * @param oldPerson for JOINED, the person id that stopped existing
   * @param newPerson for JOINED, the merged component's person id
   * @param changed for JOINED and when asked for, the identities whose person changed (the side
   *     with the larger canonical identity), sorted in priority order; otherwise null
   * @param rule for REJECTED by a never_link rule, the rule; otherwise null
   */
  public record Outcome(
      Kind kind,
      String root,
      String absorbed,
      int namespaceIndex,
      String namespace,
      String oldPerson,
      String newPerson,
      List<String> changed,
      NeverLinkRules.Pair rule) {
    static final Outcome SAME =
        new Outcome(Kind.SAME, null, null, -1, null, null, null, null, null);

    public boolean accepted() {
      return kind != Kind.REJECTED;
    }
  }

  private final NamespaceLimits limits;
  private final NeverLinkRules neverLink;
  private final Store store;

  /** Per root holding guarded identities: those identities; null until first needed. */
  private HashMap<String, List<String>> guarded;

  public LiveGraph(NamespaceLimits limits, Store store) {
    this(limits, NeverLinkRules.NONE, store);
  }

  public LiveGraph(NamespaceLimits limits, NeverLinkRules neverLink, Store store) {
    this.limits = Objects.requireNonNull(limits, "limits");
    this.neverLink = Objects.requireNonNull(neverLink, "neverLink");
    this.store = Objects.requireNonNull(store, "store");
  }

  /** The person id of a component whose canonical identity is {@code canonical}. */
  public static String personId(String canonical) {
    return "p-" + PersonIds.sha256Hex16(canonical);
  }

  /**
   * Applies one link: joins {@code other}'s person to {@code primary}'s unless they already are one
   * or a namespace limit would be exceeded (the rules of {@link IdentityGraph}).
   *
   * @param listChanged whether to list the identities whose person changes (costs a walk over the
   *     losing side's members)
   */
  public Outcome link(String primary, String other, boolean listChanged) {
    String a = find(primary);
    String b = find(other);
    if (a.equals(b)) {
      return Outcome.SAME;
    }
    if (!neverLink.isEmpty()) {
      HashMap<String, List<String>> g = guarded();
      NeverLinkRules.Pair rule = neverLink.firstBroken(g.get(a), g.get(b));
      if (rule != null) {
        return new Outcome(Kind.REJECTED, null, null, -1, null, null, null, null, rule);
      }
    }
    Root ra = rootOf(a);
    Root rb = rootOf(b);
    int k = limits.firstExceeded(ra.counts, rb.counts);
    if (k >= 0) {
      return new Outcome(Kind.REJECTED, null, null, k, limits.name(k), null, null, null, null);
    }
    // The merged component keeps the smaller canonical identity: exactly one side changes person.
    boolean bLoses = Event.compareKeys(ra.canonical, rb.canonical) < 0;
    String loser = bLoses ? b : a;
    String oldPerson = personId(bLoses ? rb.canonical : ra.canonical);
    List<String> changed = listChanged ? members(loser) : null;
    if (ra.size < rb.size) {
      String t = a;
      a = b;
      b = t;
      Root tr = ra;
      ra = rb;
      rb = tr;
    }
    store.setParent(b, a);
    String na = next(a);
    String nb = next(b);
    store.setNext(a, nb);
    store.setNext(b, na);
    ra.size += rb.size;
    for (int i = 0; i < ra.counts.length; i++) {
      ra.counts[i] += rb.counts[i];
    }
    if (Event.compareKeys(rb.canonical, ra.canonical) < 0) {
      ra.canonical = rb.canonical;
    }
    store.putRoot(a, ra);
    if (rb.size > 1) {
      store.removeRoot(b);
    }
    if (guarded != null) {
      List<String> gb = guarded.remove(b);
      if (gb != null) {
        guarded.computeIfAbsent(a, r -> new ArrayList<>(gb.size())).addAll(gb);
      }
    }
    return new Outcome(
        Kind.JOINED, a, b, -1, null, oldPerson, personId(ra.canonical), changed, null);
  }

  /** The guarded identities per root, built from the store on first use. */
  private HashMap<String, List<String>> guarded() {
    if (guarded == null) {
      guarded = new HashMap<>();
      for (String id : neverLink.guarded()) {
        guarded.computeIfAbsent(find(id), r -> new ArrayList<>(2)).add(id);
      }
    }
    return guarded;
  }

  /** The root of {@code identity}'s component (compressing the path to it). */
  public String find(String identity) {
    String p = store.parent(identity);
    if (p == null) {
      return identity;
    }
    List<String> path = null;
    String x = identity;
    String up;
    while ((up = store.parent(p)) != null) {
      if (path == null) {
        path = new ArrayList<>(4);
      }
      path.add(x);
      x = p;
      p = up;
    }
    if (path != null) {
      for (String node : path) {
        store.setParent(node, p);
      }
    }
    return p;
  }

  /** The canonical identity of {@code identity}'s component. */
  public String canonicalOf(String identity) {
    return rootOf(find(identity)).canonical;
  }

  /** The person id of {@code identity}'s component; an unseen identity is its own person. */
  public String personOf(String identity) {
    return personId(canonicalOf(identity));
  }

  /**
   * The index of the first namespace whose limit joining the components of {@code a} and {@code b}
   * would exceed; -1 when none would be, or when they already are one component.
   */
  public int firstExceeded(String a, String b) {
    String ra = find(a);
    String rb = find(b);
    return ra.equals(rb) ? -1 : limits.firstExceeded(rootOf(ra).counts, rootOf(rb).counts);
  }

  /** The members of the component of root {@code root}, sorted in priority order. */
  public List<String> members(String root) {
    List<String> out = new ArrayList<>();
    String x = root;
    do {
      out.add(x);
      x = next(x);
    } while (!x.equals(root));
    out.sort(Event::compareKeys);
    return out;
  }

  private String next(String identity) {
    String n = store.next(identity);
    return n == null ? identity : n;
  }

  private Root rootOf(String root) {
    Root r = store.root(root);
    return r != null ? r : new Root(1, limits.countsOf(root), root);
  }

  /** A {@link Store} in hash maps: for a replay in one task, and for tests. */
  public static final class MemoryStore implements Store {
    public final HashMap<String, String> parents = new HashMap<>();
    public final HashMap<String, String> nexts = new HashMap<>();
    public final HashMap<String, Root> roots = new HashMap<>();

    @Override
    public String parent(String identity) {
      return parents.get(identity);
    }

    @Override
    public void setParent(String identity, String parent) {
      parents.put(identity, parent);
    }

    @Override
    public String next(String identity) {
      return nexts.get(identity);
    }

    @Override
    public void setNext(String identity, String next) {
      nexts.put(identity, next);
    }

    @Override
    public Root root(String identity) {
      return roots.get(identity);
    }

    @Override
    public void putRoot(String identity, Root root) {
      roots.put(identity, root);
    }

    @Override
    public void removeRoot(String identity) {
      roots.remove(identity);
    }
  }
}
