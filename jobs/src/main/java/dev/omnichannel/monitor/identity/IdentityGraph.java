package dev.omnichannel.monitor.identity;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The identity graph of the contract's "Identity stitching" section: a union-find over identities
 * (path compression, union by size) that joins the identities carried by one event, subject to the
 * per-person namespace limits.
 *
 * <p>Events are applied in (event time, event id) order. Within one event, its distinct identities
 * are taken in priority order ({@link IdentityKey} natural order); the first is the primary, and
 * each other identity is linked to the primary one at a time, in that order. A link inside one
 * component is a no-op. Otherwise the merged component's count of identities per namespace is the
 * sum of the two; when a limited namespace would exceed its limit the link is rejected (recorded as
 * a {@link RejectedLink} naming the first exceeded namespace in priority order) and the components
 * stay apart. A rejection does not stop the event's later links.
 *
 * <p>{@link NeverLinkRules} are checked first: a link that would put both identities of a rule into
 * one person is rejected (a {@link RejectedLink} naming the rule), whichever identities the link
 * itself goes through.
 *
 * <p>A person is a component; its id is {@link PersonIds#personId} of the component's canonical
 * (minimum) identity. Not thread-safe.
 */
public final class IdentityGraph implements Serializable {
  private static final int INITIAL_CAPACITY = 1024;

  /** Limited namespaces in priority order; index = position in the per-component count block. */
  private final String[] limitedNamespaces;

  private final int[] limitValues;
  private final Map<String, Integer> limitedIndex = new HashMap<>();

  private final Map<IdentityKey, Integer> index = new HashMap<>();
  private final ArrayList<IdentityKey> keys = new ArrayList<>();
  private int[] parent = new int[INITIAL_CAPACITY];
  private int[] size = new int[INITIAL_CAPACITY];

  /** Each component's identities as a cycle: {@code next[i]} is the next member after i. */
  private int[] next = new int[INITIAL_CAPACITY];

  /** Canonical (minimum) identity index of each root. */
  private int[] canonical = new int[INITIAL_CAPACITY];

  /** Per-root counts of identities per limited namespace, {@code limited} ints per identity. */
  private int[] counts;

  /** Person id cache per root; null when not yet computed or invalidated by a merge. */
  private String[] personIdCache = new String[INITIAL_CAPACITY];

  private final NeverLinkRules neverLink;

  /** Per root holding guarded identities ({@link NeverLinkRules}): those identities. */
  private final Map<Integer, List<String>> guarded = new HashMap<>();

  private final List<RejectedLink> rejected = new ArrayList<>();
  private int merges;
  private boolean seenEvent;
  private long lastEventTime;
  private String lastEventId;

  /**
   * Creates an empty graph.
   *
   * @param limits namespace to maximum number of identities of that namespace per person; a
   *     namespace absent from the map is unlimited. {@link Namespaces#DEFAULT_LIMITS} holds the
   *     defaults.
   * @throws IllegalArgumentException when a limit is null or below 1
   */
  public IdentityGraph(Map<String, Integer> limits) {
    this(limits, NeverLinkRules.NONE);
  }

  /**
   * Creates an empty graph with namespace limits and never_link rules.
   *
   * @param limits as for {@link #IdentityGraph(Map)}
   * @param neverLink pairs of identities no person may hold together
   */
  public IdentityGraph(Map<String, Integer> limits, NeverLinkRules neverLink) {
    Objects.requireNonNull(limits, "limits");
    this.neverLink = Objects.requireNonNull(neverLink, "neverLink");
    List<String> names = new ArrayList<>(limits.keySet());
    names.sort(Namespaces::compare);
    limitedNamespaces = names.toArray(new String[0]);
    limitValues = new int[limitedNamespaces.length];
    for (int i = 0; i < limitedNamespaces.length; i++) {
      Integer limit = limits.get(limitedNamespaces[i]);
      if (limit == null || limit < 1) {
        throw new IllegalArgumentException(
            "namespace limit for " + limitedNamespaces[i] + " must be at least 1, got " + limit);
      }
      limitValues[i] = limit;
      limitedIndex.put(limitedNamespaces[i], i);
    }
    counts = new int[INITIAL_CAPACITY * Math.max(1, limitedNamespaces.length)];
  }

  /**
   * Applies one event's links.
   *
   * @param eventId the event id (the tie-breaker of the order and the id recorded in rejections)
   * @param eventTime the event time in epoch milliseconds
   * @param identities the event's usable, pseudonymised identities; may contain duplicates; a
   *     single identity only registers it
   * @throws IllegalArgumentException when the event comes before the previous one in (event time,
   *     event id) order, or when {@code identities} is empty
   */
  public void addEvent(String eventId, long eventTime, Collection<IdentityKey> identities) {
    apply(eventId, eventTime, identities, null, true);
  }

  /**
   * Applies one event's links, like {@link #addEvent}, and reports every accepted link that changed
   * some identity's person id (stream mode needs to tell those identities).
   *
   * @return the merges, in link order; empty when no person id changed
   */
  public List<Merge> addEventWithMerges(
      String eventId, long eventTime, Collection<IdentityKey> identities) {
    List<Merge> merges = new ArrayList<>();
    apply(eventId, eventTime, identities, merges, false);
    return merges;
  }

  /**
   * Applies one event's links, like {@link #addEvent} (in the same enforced order), and adds to
   * {@code out} every accepted link that merged two persons, with {@link Merge#changed()} left
   * empty: the evidence rows of a backfill, at no cost per identity of the merged persons.
   */
  public void addEventRecordingMerges(
      String eventId, long eventTime, Collection<IdentityKey> identities, List<Merge> out) {
    Objects.requireNonNull(out, "out");
    applyChecked(eventId, eventTime, identities, out, true, false);
  }

  private void apply(
      String eventId,
      long eventTime,
      Collection<IdentityKey> identities,
      List<Merge> out,
      boolean checkOrder) {
    applyChecked(eventId, eventTime, identities, out, checkOrder, true);
  }

  private void applyChecked(
      String eventId,
      long eventTime,
      Collection<IdentityKey> identities,
      List<Merge> out,
      boolean checkOrder,
      boolean withChanged) {
    Objects.requireNonNull(eventId, "eventId");
    Objects.requireNonNull(identities, "identities");
    if (identities.isEmpty()) {
      throw new IllegalArgumentException("event " + eventId + " has no identity");
    }
    if (checkOrder
        && seenEvent
        && (eventTime < lastEventTime
            || (eventTime == lastEventTime && eventId.compareTo(lastEventId) < 0))) {
      throw new IllegalArgumentException(
          "event "
              + eventId
              + " at "
              + eventTime
              + " comes before the previous event "
              + lastEventId
              + " at "
              + lastEventTime
              + "; events must be added in (event time, event id) order");
    }
    IdentityKey[] ids = distinctSorted(identities);
    seenEvent = true;
    lastEventTime = eventTime;
    lastEventId = eventId;

    int primary = register(ids[0]);
    for (int i = 1; i < ids.length; i++) {
      int other = register(ids[i]);
      link(eventId, eventTime, primary, other, out, withChanged);
    }
  }

  /**
   * The person of an event whose identities are {@code identities}: the person of its
   * highest-priority identity (which matters when a rejected link left them in different persons).
   */
  public String personOfEvent(Collection<IdentityKey> identities) {
    return personOf(Collections.min(identities));
  }

  /** Final person id of {@code id}'s component; an identity never seen gets its own person id. */
  public String personOf(IdentityKey id) {
    Integer i = index.get(id);
    if (i == null) {
      return PersonIds.personId(id);
    }
    int root = find(i);
    String p = personIdCache[root];
    if (p == null) {
      p = PersonIds.personId(keys.get(canonical[root]));
      personIdCache[root] = p;
    }
    return p;
  }

  /**
   * The canonical (minimum) identity of {@code id}'s component; {@code id} itself if never seen.
   */
  public IdentityKey canonicalOf(IdentityKey id) {
    Integer i = index.get(id);
    return i == null ? id : keys.get(canonical[find(i)]);
  }

  /** Every identity seen, mapped to its final person id. */
  public SortedMap<IdentityKey, String> assignments() {
    SortedMap<IdentityKey, String> out = new TreeMap<>();
    for (IdentityKey k : keys) {
      out.put(k, personOf(k));
    }
    return out;
  }

  /** Rejected links, in the order they happened. */
  public List<RejectedLink> rejectedLinks() {
    return Collections.unmodifiableList(rejected);
  }

  /** Number of distinct identities seen. */
  public int identityCount() {
    return keys.size();
  }

  /** Number of persons (connected components). */
  public int personCount() {
    return keys.size() - merges;
  }

  /** Number of accepted links that joined two components. */
  public int acceptedMerges() {
    return merges;
  }

  private static IdentityKey[] distinctSorted(Collection<IdentityKey> identities) {
    IdentityKey[] ids = identities.toArray(new IdentityKey[0]);
    for (IdentityKey k : ids) {
      Objects.requireNonNull(k, "identity");
    }
    if (ids.length == 1) {
      return ids;
    }
    Arrays.sort(ids);
    int n = 1;
    for (int i = 1; i < ids.length; i++) {
      if (!ids[i].equals(ids[n - 1])) {
        ids[n++] = ids[i];
      }
    }
    return n == ids.length ? ids : Arrays.copyOf(ids, n);
  }

  private int register(IdentityKey key) {
    Integer existing = index.get(key);
    if (existing != null) {
      return existing;
    }
    int i = keys.size();
    ensureCapacity(i + 1);
    keys.add(key);
    index.put(key, i);
    parent[i] = i;
    next[i] = i;
    size[i] = 1;
    canonical[i] = i;
    Integer ns = limitedIndex.get(key.namespace());
    if (ns != null) {
      counts[i * limitedNamespaces.length + ns] = 1;
    }
    if (!neverLink.isEmpty()) {
      List<String> g = neverLink.guardedList(key.toString());
      if (g != null) {
        guarded.put(i, g);
      }
    }
    return i;
  }

  private void link(
      String eventId,
      long eventTime,
      int primary,
      int other,
      List<Merge> out,
      boolean withChanged) {
    int a = find(primary);
    int b = find(other);
    if (a == b) {
      return;
    }
    if (!guarded.isEmpty()) {
      NeverLinkRules.Pair rule = neverLink.firstBroken(guarded.get(a), guarded.get(b));
      if (rule != null) {
        rejected.add(
            new RejectedLink(eventId, eventTime, keys.get(primary), keys.get(other), null, rule));
        return;
      }
    }
    int stride = limitedNamespaces.length;
    for (int k = 0; k < stride; k++) {
      if (counts[a * stride + k] + counts[b * stride + k] > limitValues[k]) {
        rejected.add(
            new RejectedLink(
                eventId, eventTime, keys.get(primary), keys.get(other), limitedNamespaces[k]));
        return;
      }
    }
    // The merged component keeps the smaller canonical identity, so exactly one side's
    // identities change person: collect them before the cycles are spliced.
    List<IdentityKey> changed = null;
    String oldPerson = null;
    if (out != null) {
      int loser = keys.get(canonical[b]).compareTo(keys.get(canonical[a])) < 0 ? a : b;
      oldPerson = personOf(keys.get(loser));
      if (withChanged) {
        changed = new ArrayList<>(size[loser]);
        int i = loser;
        do {
          changed.add(keys.get(i));
          i = next[i];
        } while (i != loser);
        Collections.sort(changed);
      } else {
        changed = List.of();
      }
    }
    if (size[a] < size[b]) {
      int t = a;
      a = b;
      b = t;
    }
    parent[b] = a;
    int na = next[a];
    next[a] = next[b];
    next[b] = na;
    size[a] += size[b];
    List<String> gb = guarded.remove(b);
    if (gb != null) {
      guarded.computeIfAbsent(a, r -> new ArrayList<>(gb.size())).addAll(gb);
    }
    for (int k = 0; k < stride; k++) {
      counts[a * stride + k] += counts[b * stride + k];
    }
    if (keys.get(canonical[b]).compareTo(keys.get(canonical[a])) < 0) {
      canonical[a] = canonical[b];
    }
    personIdCache[a] = null;
    personIdCache[b] = null;
    merges++;
    if (out != null) {
      out.add(
          new Merge(
              eventId,
              eventTime,
              keys.get(primary),
              keys.get(other),
              personOf(keys.get(a)),
              oldPerson,
              changed));
    }
  }

  private int find(int i) {
    int root = i;
    while (parent[root] != root) {
      root = parent[root];
    }
    while (parent[i] != root) {
      int up = parent[i];
      parent[i] = root;
      i = up;
    }
    return root;
  }

  private void ensureCapacity(int needed) {
    if (needed <= parent.length) {
      return;
    }
    int cap = Math.max(needed, parent.length * 2);
    parent = Arrays.copyOf(parent, cap);
    next = Arrays.copyOf(next, cap);
    size = Arrays.copyOf(size, cap);
    canonical = Arrays.copyOf(canonical, cap);
    personIdCache = Arrays.copyOf(personIdCache, cap);
    counts = Arrays.copyOf(counts, cap * Math.max(1, limitedNamespaces.length));
  }

  /**
   * An accepted link that changed person ids.
   *
   * @param eventId the linking event
   * @param eventTime its event time (epoch milliseconds)
   * @param primary the event's primary identity
   * @param other the identity linked to it
   * @param newPersonId the merged component's person id (the side with the smaller canonical
   *     identity keeps its id)
   * @param oldPersonId the other side's person id, which stops existing
   * @param changed the identities of that side, whose person id is now {@code newPersonId}, sorted
   */
  public record Merge(
      String eventId,
      long eventTime,
      IdentityKey primary,
      IdentityKey other,
      String newPersonId,
      String oldPersonId,
      List<IdentityKey> changed)
      implements Serializable {}

  /**
   * A link that was rejected: the merged person would break a never_link rule, or exceed a
   * namespace limit.
   *
   * @param eventId the linking event
   * @param eventTime its event time (epoch milliseconds)
   * @param primary the event's primary (highest-priority) identity
   * @param other the identity that could not be linked to it
   * @param namespace for a namespace limit, the first namespace, in priority order, whose limit
   *     would be exceeded; null for a never_link rule
   * @param rule for a never_link rule, the rule; null for a namespace limit
   */
  public record RejectedLink(
      String eventId,
      long eventTime,
      IdentityKey primary,
      IdentityKey other,
      String namespace,
      NeverLinkRules.Pair rule)
      implements Serializable {
    /** A link rejected by the limit of {@code namespace}. */
    public RejectedLink(
        String eventId, long eventTime, IdentityKey primary, IdentityKey other, String namespace) {
      this(eventId, eventTime, primary, other, namespace, null);
    }

    /** {@code "namespace_limit:" + namespace}, or {@code "never_link"}. */
    public String reason() {
      return rule != null ? "never_link" : "namespace_limit:" + namespace;
    }

    /** The identity_merges reason: {@link RejectionReasons#of}. */
    public String rowReason() {
      return RejectionReasons.of(namespace, rule, primary.toString(), other.toString());
    }
  }
}
