package dev.omnichannel.monitor.explain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;

/**
 * Why a person's identities are one person, built from {@link IdentityEvidence}: every identity
 * with the accepted link that joined it (the event, its time, and the identity it was linked
 * through), the links that guards rejected and why, and the person's latest profile row. Rendered
 * as one screen of text ({@link #toText()}) or as JSON with the same content ({@link #toJson()}).
 * Identity values are as the output holds them: email and phone pseudonymised.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({
  "query",
  "person_id",
  "canonical_identity",
  "identity_count",
  "identities_by_namespace",
  "identities",
  "links",
  "rejected_links",
  "profile"
})
public final class Explanation {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT);

  /** What was asked: {@code person P} or {@code identity namespace:value} (pseudonymised). */
  public String query;

  public String personId;
  public String canonicalIdentity;
  public int identityCount;
  public Map<String, Integer> identitiesByNamespace = new LinkedHashMap<>();
  public List<IdentityEntry> identities = new ArrayList<>();
  public List<LinkEntry> links = new ArrayList<>();
  public List<RejectedEntry> rejectedLinks = new ArrayList<>();
  public Map<String, Object> profile;

  /** One identity and how it joined the person. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({"identity", "canonical", "event_id", "event_time", "linked_through"})
  public static final class IdentityEntry {
    public String identity;
    public boolean canonical;

    /** The first accepted link the identity took part in; null for a person of one identity. */
    public String eventId;

    public String eventTime;
    public String linkedThrough;
  }

  /** An accepted link: {@code old_person_id} joined {@code new_person_id} through it. */
  @JsonPropertyOrder({
    "event_id",
    "event_time",
    "primary_identity",
    "other_identity",
    "old_person_id",
    "new_person_id"
  })
  public static final class LinkEntry {
    public String eventId;
    public String eventTime;
    public String primaryIdentity;
    public String otherIdentity;
    public String oldPersonId;
    public String newPersonId;
  }

  /** A rejected link and the guard that refused it. */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  @JsonPropertyOrder({
    "event_id",
    "event_time",
    "primary_identity",
    "other_identity",
    "guard",
    "limit_namespace",
    "reason",
    "event_person_id",
    "other_person_id"
  })
  public static final class RejectedEntry {
    public String eventId;
    public String eventTime;
    public String primaryIdentity;
    public String otherIdentity;

    /** {@code namespace_limit} or {@code never_link}. */
    public String guard;

    /** For a namespace limit: the namespace whose limit the merge would exceed. */
    public String limitNamespace;

    public String reason;

    /** The person of the event's primary identity (old_person_id). */
    public String eventPersonId;

    /** The person the other identity stays in (new_person_id). */
    public String otherPersonId;
  }

  /**
   * Explains person {@code personId}.
   *
   * @param query what was asked, shown as is
   * @return empty when the output has no such person
   */
  public static Optional<Explanation> of(IdentityEvidence evidence, String personId, String query)
      throws IOException {
    SortedSet<IdentityKey> ids = evidence.identitiesOf(personId);
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    Explanation e = new Explanation();
    e.query = query;
    e.personId = personId;
    IdentityKey canonical = ids.first();
    e.canonicalIdentity = canonical.toString();
    e.identityCount = ids.size();
    for (IdentityKey k : ids) {
      e.identitiesByNamespace.merge(k.namespace(), 1, Integer::sum);
      IdentityEntry entry = new IdentityEntry();
      entry.identity = k.toString();
      entry.canonical = k.equals(canonical) && PersonIds.personId(k).equals(personId);
      Optional<IdentityEvidence.Link> first = evidence.firstLinkOf(k);
      if (first.isPresent()) {
        IdentityEvidence.Link l = first.get();
        entry.eventId = l.eventId();
        entry.eventTime = time(l.eventTime());
        entry.linkedThrough = (l.primary().equals(k) ? l.other() : l.primary()).toString();
      }
      e.identities.add(entry);
    }
    for (IdentityEvidence.Link l : evidence.acceptedLinksOf(personId)) {
      LinkEntry le = new LinkEntry();
      le.eventId = l.eventId();
      le.eventTime = time(l.eventTime());
      le.primaryIdentity = l.primary().toString();
      le.otherIdentity = l.other().toString();
      le.oldPersonId = l.oldPerson();
      le.newPersonId = l.newPerson();
      e.links.add(le);
    }
    for (IdentityEvidence.Link l : evidence.rejectedLinksOf(personId)) {
      RejectedEntry r = new RejectedEntry();
      r.eventId = l.eventId();
      r.eventTime = time(l.eventTime());
      r.primaryIdentity = l.primary().toString();
      r.otherIdentity = l.other().toString();
      String reason = l.reason();
      if (reason.startsWith("namespace_limit:")) {
        r.guard = "namespace_limit";
        int end = reason.indexOf(' ');
        r.limitNamespace =
            reason.substring("namespace_limit:".length(), end < 0 ? reason.length() : end);
      } else {
        r.guard = reason.startsWith("never_link") ? "never_link" : reason;
      }
      r.reason = reason;
      r.eventPersonId = evidence.finalPerson(l.oldPerson());
      r.otherPersonId = evidence.finalPerson(l.newPerson());
      e.rejectedLinks.add(r);
    }
    Optional<PersonRow> row = evidence.profile(personId);
    row.ifPresent(p -> e.profile = profile(p));
    return Optional.of(e);
  }

  private static Map<String, Object> profile(PersonRow p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("first_seen", p.getFirstSeen().toString());
    m.put("last_seen", p.getLastSeen().toString());
    m.put("updated_at", p.getUpdatedAt().toString());
    m.put("events", p.getEvents());
    m.put("events_by_channel", strings(p.getEventsByChannel()));
    m.put("preferred_channel", p.getPreferredChannel().toString());
    m.put("journeys", p.getJourneys());
    m.put("journeys_converted", p.getJourneysConverted());
    m.put("journeys_abandoned", p.getJourneysAbandoned());
    m.put("journeys_truncated", p.getJourneysTruncated());
    m.put("journeys_open", p.getJourneysOpen());
    m.put("last_journey_status", p.getLastJourneyStatus().toString());
    m.put("lifetime_value", p.getLifetimeValue());
    m.put("friction_count", p.getFrictionCount());
    Map<String, Integer> friction = new LinkedHashMap<>();
    strings(p.getFriction())
        .forEach(
            (k, v) -> {
              if (v > 0) {
                friction.put(k, v);
              }
            });
    m.put("friction", friction);
    m.put("open_friction_7d", p.getOpenFriction7d());
    m.put("sentiment_mean", p.getSentimentMean());
    m.put("sentiment_latest", p.getSentimentLatest());
    m.put("rejected_links", p.getRejectedLinks());
    return m;
  }

  private static Map<String, Integer> strings(Map<? extends CharSequence, Integer> in) {
    Map<String, Integer> out = new LinkedHashMap<>();
    in.forEach((k, v) -> out.put(k.toString(), v));
    return out;
  }

  private static String time(long millis) {
    return Instant.ofEpochMilli(millis).toString();
  }

  /** The explanation as indented JSON. */
  public String toJson() {
    try {
      return JSON.writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The explanation as one screen of text. */
  public String toText() {
    StringBuilder b = new StringBuilder();
    b.append("Person ").append(personId).append("  (").append(query).append(")\n");
    b.append(String.format("  %-20s %s%n", "canonical identity", canonicalIdentity));
    StringBuilder byNs = new StringBuilder();
    identitiesByNamespace.forEach(
        (ns, n) -> byNs.append(byNs.length() == 0 ? "" : ", ").append(ns).append(' ').append(n));
    b.append(String.format("  %-20s %d: %s%n", "identities", identityCount, byNs));
    b.append("\nIdentities, each with the first link that joined it\n");
    for (IdentityEntry i : identities) {
      String how =
          i.eventId == null
              ? "the only identity"
              : "event " + i.eventId + " at " + i.eventTime + ", linked to " + i.linkedThrough;
      b.append("  ")
          .append(i.identity)
          .append("  ")
          .append(i.canonical ? "canonical; " : "")
          .append(how)
          .append('\n');
    }
    if (!links.isEmpty()) {
      b.append("\nLinks that merged persons, in order (").append(links.size()).append(")\n");
      for (LinkEntry l : links) {
        b.append(
            String.format(
                "  %s  %s  %s x %s  %s -> %s%n",
                l.eventTime,
                l.eventId,
                l.primaryIdentity,
                l.otherIdentity,
                l.oldPersonId,
                l.newPersonId));
      }
    }
    b.append("\nRejected links (").append(rejectedLinks.size()).append(")\n");
    if (rejectedLinks.isEmpty()) {
      b.append("  none\n");
    }
    for (RejectedEntry r : rejectedLinks) {
      String why =
          r.limitNamespace != null
              ? "the namespace limit of "
                  + r.limitNamespace
                  + " (the merged person would hold more "
                  + r.limitNamespace
                  + " identities than its limit)"
              : r.reason;
      b.append(
          String.format(
              "  %s  %s  %s x %s%n    refused by %s%n    %s stays in %s%n",
              r.eventTime,
              r.eventId,
              r.primaryIdentity,
              r.otherIdentity,
              why,
              r.otherIdentity,
              r.otherPersonId));
    }
    if (profile != null) {
      b.append("\nProfile (persons, as of ").append(profile.get("updated_at")).append(")\n");
      b.append(
          String.format(
              "  %-20s %s .. %s%n", "seen", profile.get("first_seen"), profile.get("last_seen")));
      b.append(
          String.format(
              "  %-20s %s %s, preferred %s%n",
              "events",
              profile.get("events"),
              profile.get("events_by_channel"),
              profile.get("preferred_channel")));
      b.append(
          String.format(
              "  %-20s %s: converted %s, abandoned %s, truncated %s, open %s; last %s%n",
              "journeys",
              profile.get("journeys"),
              profile.get("journeys_converted"),
              profile.get("journeys_abandoned"),
              profile.get("journeys_truncated"),
              profile.get("journeys_open"),
              profile.get("last_journey_status")));
      b.append(
          String.format(
              java.util.Locale.ROOT,
              "  %-20s %.2f%n",
              "lifetime value",
              profile.get("lifetime_value")));
      b.append(
          String.format(
              "  %-20s %s %s, open in the last 7 days %s%n",
              "friction",
              profile.get("friction_count"),
              profile.get("friction"),
              profile.get("open_friction_7d")));
      b.append(
          String.format(
              "  %-20s mean %s, latest %s%n",
              "sentiment",
              sentiment(profile.get("sentiment_mean")),
              sentiment(profile.get("sentiment_latest"))));
      b.append(String.format("  %-20s %s%n", "rejected links", profile.get("rejected_links")));
    } else {
      b.append("\nProfile: no persons row for this person in the output\n");
    }
    return b.toString();
  }

  private static String sentiment(Object v) {
    return v == null
        ? "none"
        : String.format(java.util.Locale.ROOT, "%.2f", ((Number) v).doubleValue());
  }
}
