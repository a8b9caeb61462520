package dev.omnichannel.monitor.profile;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.journey.JourneyStatus;
import java.util.Arrays;

/**
 * A person's unified profile as counts, the {@code persons} row before it is built ({@link
 * ProfileRows}). One type serves two uses:
 *
 * <ul>
 *   <li>a <b>delta</b>: what one stage learned about the person. The person stage adds events,
 *       journeys and friction ({@link #addEvent}, {@link #journeyClosed}, {@link #friction}); the
 *       identity stage adds the person's identities per namespace and its rejected links ({@link
 *       #addIdentities}, {@link #rejectedLinks}).
 *   <li>the <b>aggregate</b>: every delta of the person merged ({@link #merge}) in the order the
 *       person stage made them. Sums add up; first and last seen take the minimum and maximum; the
 *       latest sentiment and the last journey's status are the later delta's.
 * </ul>
 *
 * Merging is exact for every count, so the aggregate of a stream run's deltas equals the one delta
 * a backfill makes from the same events (sums of doubles may differ in the last bits with the order
 * of additions). Identity values are never held, only namespaces and counts. A Flink POJO (public
 * fields, arrays of primitives and strings), so it is small in keyed state. Plain Java.
 */
public class PersonProfile {
  /** How far back from the last event open friction is counted: 7 days. */
  public static final long OPEN_FRICTION_WINDOW_MS = 7L * 24 * 60 * 60 * 1000;

  private static final int CHANNELS = Channel.values().length;
  private static final String[] NO_NAMES = new String[0];
  private static final int[] NO_COUNTS = new int[0];
  private static final long[] NO_TIMES = new long[0];

  public String personId;

  /** Accepted events. */
  public int events;

  /** The first and last event times; MAX and MIN without events. */
  public long firstSeen = Long.MAX_VALUE;

  public long lastSeen = Long.MIN_VALUE;

  /** Events per {@link Channel} ordinal; null without events. */
  public int[] channelEvents;

  /**
   * The highest-priority namespace among the identities of the events: that of the person's
   * canonical identity (every identity of an event ranks at or below the event's primary identity,
   * which is the person's, and the canonical identity is the primary of the events that joined it).
   */
  public String canonicalNamespace;

  /** Journeys started, open ones included. */
  public int journeys;

  public int converted;
  public int abandoned;
  public int truncated;

  /** The sum of the CONVERTED journeys' conversion values. */
  public double lifetimeValue;

  /** The status of the latest journey (OPEN while open); null when this delta did not change it. */
  public String lastJourneyStatus;

  /** Friction types and their counts, aligned; only types with friction. */
  public String[] frictionTypes = NO_NAMES;

  public int[] frictionCounts = NO_COUNTS;

  /**
   * The detection times of friction that may still count as open (see {@link #openFriction()}):
   * times that can no longer count are dropped, so this stays small.
   */
  public long[] recentFriction = NO_TIMES;

  /** The time of the latest PURCHASE; MIN without one. */
  public long lastPurchase = Long.MIN_VALUE;

  public double sentimentSum;
  public int sentimentCount;

  /** The sentiment of the latest event with one; NaN when none. */
  public double latestSentiment = Double.NaN;

  /**
   * The event time this delta is as of (the person stage's); MIN for an identity-stage delta. In an
   * aggregate, the largest of its deltas'.
   */
  public long asOf = Long.MIN_VALUE;

  /** The person's identities per namespace, aligned; canonical identity not included. */
  public String[] identityNamespaces = NO_NAMES;

  public int[] identityCounts = NO_COUNTS;

  /** Rejected identity pairs with one identity in this person. */
  public int rejectedLinks;

  /** Aggregate only: the updated_at of the latest row written; MIN before any. */
  public long updatedAt = Long.MIN_VALUE;

  public PersonProfile() {}

  public PersonProfile(String personId) {
    this.personId = personId;
  }

  /** True when a person-stage delta (or an aggregate) holds at least one event. */
  public boolean hasEvents() {
    return events > 0;
  }

  /** True for a delta from the identity stage (no as-of time). */
  public boolean fromIdentityStage() {
    return asOf == Long.MIN_VALUE;
  }

  // ---------------------------------------------------------------------------------------------
  // The person stage

  /** Counts one event of the person; events come in (event time, event id) order. */
  public void addEvent(Event e) {
    events++;
    long t = e.eventTime;
    if (t < firstSeen) {
      firstSeen = t;
    }
    if (t > lastSeen) {
      lastSeen = t;
    }
    if (channelEvents == null) {
      channelEvents = new int[CHANNELS];
    }
    channelEvents[e.channel]++;
    if (!Double.isNaN(e.sentiment)) {
      sentimentSum += e.sentiment;
      sentimentCount++;
      latestSentiment = e.sentiment;
    }
    if (e.isPurchase() && t > lastPurchase) {
      lastPurchase = t;
    }
    seeNamespaces(e.identities);
  }

  private void seeNamespaces(String[] identities) {
    int best = canonicalNamespace == null ? Integer.MAX_VALUE : Namespaces.rank(canonicalNamespace);
    if (best == 0) {
      return; // customer_id: nothing ranks higher
    }
    for (String id : identities) {
      int r = Namespaces.rankOfKey(id);
      if (r < best) {
        best = r;
        canonicalNamespace = Namespaces.namespaceOfKey(id);
      } else if (r == best && r == Namespaces.PRIORITY.size()) {
        String ns = Namespaces.namespaceOfKey(id);
        if (ns.compareTo(canonicalNamespace) < 0) {
          canonicalNamespace = ns;
        }
      }
    }
  }

  /** Counts {@code n} journeys started. */
  public void journeysStarted(int n) {
    journeys += n;
  }

  /**
   * Counts a journey that closed with {@code status} (an OPEN one, closed by the end of input, is
   * still open: it only sets the last status) and its conversion value (null without one).
   */
  public void journeyClosed(JourneyStatus status, Double conversionValue) {
    switch (status) {
      case CONVERTED -> {
        converted++;
        if (conversionValue != null) {
          lifetimeValue += conversionValue;
        }
      }
      case ABANDONED -> abandoned++;
      case TRUNCATED -> truncated++;
      case OPEN -> {}
    }
    lastJourneyStatus = status.name();
  }

  /** Marks the latest journey as open. */
  public void journeyOpen() {
    lastJourneyStatus = JourneyStatus.OPEN.name();
  }

  /** Counts one friction of {@code type} detected at {@code detectedAt} (its last evidence). */
  public void friction(String type, long detectedAt) {
    int i = indexOf(frictionTypes, type);
    if (i < 0) {
      frictionTypes = append(frictionTypes, type);
      frictionCounts = Arrays.copyOf(frictionCounts, frictionCounts.length + 1);
      i = frictionCounts.length - 1;
    }
    frictionCounts[i]++;
    recentFriction = Arrays.copyOf(recentFriction, recentFriction.length + 1);
    recentFriction[recentFriction.length - 1] = detectedAt;
    dropClosedFriction();
  }

  // ---------------------------------------------------------------------------------------------
  // The identity stage

  /** Counts {@code n} identities of the person in {@code namespace}. */
  public void addIdentities(String namespace, int n) {
    int i = indexOf(identityNamespaces, namespace);
    if (i < 0) {
      identityNamespaces = append(identityNamespaces, namespace);
      identityCounts = Arrays.copyOf(identityCounts, identityCounts.length + 1);
      i = identityCounts.length - 1;
    }
    identityCounts[i] += n;
  }

  /** Counts {@code n} rejected identity pairs. */
  public void rejectedLinks(int n) {
    rejectedLinks += n;
  }

  // ---------------------------------------------------------------------------------------------
  // Merging and reading

  /** Merges {@code d}, a later delta of the same person, into this aggregate. */
  public void merge(PersonProfile d) {
    if (personId == null) {
      personId = d.personId;
    }
    events += d.events;
    firstSeen = Math.min(firstSeen, d.firstSeen);
    lastSeen = Math.max(lastSeen, d.lastSeen);
    if (d.channelEvents != null) {
      if (channelEvents == null) {
        channelEvents = new int[CHANNELS];
      }
      for (int i = 0; i < d.channelEvents.length; i++) {
        channelEvents[i] += d.channelEvents[i];
      }
    }
    if (d.canonicalNamespace != null
        && (canonicalNamespace == null
            || Namespaces.compare(d.canonicalNamespace, canonicalNamespace) < 0)) {
      canonicalNamespace = d.canonicalNamespace;
    }
    journeys += d.journeys;
    converted += d.converted;
    abandoned += d.abandoned;
    truncated += d.truncated;
    lifetimeValue += d.lifetimeValue;
    if (d.lastJourneyStatus != null) {
      lastJourneyStatus = d.lastJourneyStatus;
    }
    for (int i = 0; i < d.frictionTypes.length; i++) {
      int j = indexOf(frictionTypes, d.frictionTypes[i]);
      if (j < 0) {
        frictionTypes = append(frictionTypes, d.frictionTypes[i]);
        frictionCounts = Arrays.copyOf(frictionCounts, frictionCounts.length + 1);
        j = frictionCounts.length - 1;
      }
      frictionCounts[j] += d.frictionCounts[i];
    }
    lastPurchase = Math.max(lastPurchase, d.lastPurchase);
    if (d.recentFriction.length > 0) {
      long[] all = Arrays.copyOf(recentFriction, recentFriction.length + d.recentFriction.length);
      System.arraycopy(d.recentFriction, 0, all, recentFriction.length, d.recentFriction.length);
      recentFriction = all;
    }
    dropClosedFriction();
    sentimentSum += d.sentimentSum;
    sentimentCount += d.sentimentCount;
    if (d.sentimentCount > 0) {
      latestSentiment = d.latestSentiment;
    }
    asOf = Math.max(asOf, d.asOf);
    for (int i = 0; i < d.identityNamespaces.length; i++) {
      addIdentities(d.identityNamespaces[i], d.identityCounts[i]);
    }
    rejectedLinks += d.rejectedLinks;
  }

  /**
   * Open friction: friction detected in the {@link #OPEN_FRICTION_WINDOW_MS} up to the last event
   * ({@code detected_at > last_seen - 7 days}) and after the last PURCHASE.
   */
  public int openFriction() {
    long floor = openFloor();
    int n = 0;
    for (long t : recentFriction) {
      if (t > floor) {
        n++;
      }
    }
    return n;
  }

  /** Open friction must be detected after this time. */
  private long openFloor() {
    long window = lastSeen == Long.MIN_VALUE ? Long.MIN_VALUE : lastSeen - OPEN_FRICTION_WINDOW_MS;
    return Math.max(window, lastPurchase);
  }

  /**
   * Drops friction times that can no longer be open: the floor only rises (the last event and the
   * last purchase only move later), so a time at or below it never counts again.
   */
  private void dropClosedFriction() {
    long floor = openFloor();
    int kept = 0;
    for (long t : recentFriction) {
      if (t > floor) {
        kept++;
      }
    }
    if (kept == recentFriction.length) {
      return;
    }
    long[] out = new long[kept];
    int i = 0;
    for (long t : recentFriction) {
      if (t > floor) {
        out[i++] = t;
      }
    }
    recentFriction = out;
  }

  /** The friction count of all types. */
  public int frictionTotal() {
    int n = 0;
    for (int c : frictionCounts) {
      n += c;
    }
    return n;
  }

  private static int indexOf(String[] names, String name) {
    for (int i = 0; i < names.length; i++) {
      if (names[i].equals(name)) {
        return i;
      }
    }
    return -1;
  }

  private static String[] append(String[] names, String name) {
    String[] out = Arrays.copyOf(names, names.length + 1);
    out[names.length] = name;
    return out;
  }

  @Override
  public String toString() {
    return personId
        + " events="
        + events
        + " journeys="
        + journeys
        + " converted="
        + converted
        + " value="
        + lifetimeValue
        + " identities="
        + Arrays.toString(identityNamespaces)
        + Arrays.toString(identityCounts)
        + " rejected="
        + rejectedLinks
        + " asOf="
        + asOf;
  }
}
