package dev.omnichannel.monitor.profile;

import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import dev.omnichannel.monitor.patterns.PatternDef;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the {@code persons} row of a person's {@link PersonProfile}. Plain Java. */
public final class ProfileRows {
  private ProfileRows() {}

  /**
   * The row of {@code p}, which must hold at least one event.
   *
   * @param frictionTypes every friction type of the catalogue: each gets a count, 0 when none
   * @param updatedAt the row's updated_at
   */
  public static PersonRow row(PersonProfile p, List<String> frictionTypes, long updatedAt) {
    if (!p.hasEvents()) {
      throw new IllegalArgumentException("a profile without events has no row: " + p.personId);
    }
    // identities: those the identity stage counted, plus the canonical identity itself
    Map<String, Integer> byNamespace = new TreeMap<>(Namespaces::compare);
    for (int i = 0; i < p.identityNamespaces.length; i++) {
      byNamespace.merge(p.identityNamespaces[i], p.identityCounts[i], Integer::sum);
    }
    byNamespace.merge(p.canonicalNamespace, 1, Integer::sum);
    int identityCount = 0;
    for (int n : byNamespace.values()) {
      identityCount += n;
    }

    Map<String, Integer> byChannel = new TreeMap<>();
    for (int c = 0; c < p.channelEvents.length; c++) {
      if (p.channelEvents[c] > 0) {
        byChannel.put(Event.channelName(c), p.channelEvents[c]);
      }
    }
    String preferred = null;
    int most = 0;
    for (Map.Entry<String, Integer> e : byChannel.entrySet()) {
      if (e.getValue() > most) {
        most = e.getValue();
        preferred = e.getKey();
      }
    }

    Map<String, Integer> friction = new TreeMap<>();
    for (String t : frictionTypes) {
      friction.put(t, 0);
    }
    for (int i = 0; i < p.frictionTypes.length; i++) {
      friction.merge(p.frictionTypes[i], p.frictionCounts[i], Integer::sum);
    }

    int closed = p.converted + p.abandoned + p.truncated;
    return PersonRow.newBuilder()
        .setPersonId(p.personId)
        .setCanonicalNamespace(p.canonicalNamespace)
        .setIdentities(new LinkedHashMap<>(byNamespace))
        .setIdentityCount(identityCount)
        .setFirstSeen(Instant.ofEpochMilli(p.firstSeen))
        .setLastSeen(Instant.ofEpochMilli(p.lastSeen))
        .setEvents(p.events)
        .setEventsByChannel(new LinkedHashMap<>(byChannel))
        .setChannels(new ArrayList<>(byChannel.keySet()))
        .setPreferredChannel(preferred)
        .setJourneys(p.journeys)
        .setJourneysConverted(p.converted)
        .setJourneysAbandoned(p.abandoned)
        .setJourneysTruncated(p.truncated)
        .setJourneysOpen(p.journeys - closed)
        .setLastJourneyStatus(p.lastJourneyStatus)
        .setLifetimeValue(p.lifetimeValue)
        .setFriction(new LinkedHashMap<>(friction))
        .setFrictionCount(p.frictionTotal())
        .setOpenFriction7d(p.openFriction())
        .setSentimentMean(p.sentimentCount == 0 ? null : p.sentimentSum / p.sentimentCount)
        .setSentimentLatest(p.sentimentCount == 0 ? null : p.latestSentiment)
        .setRejectedLinks(p.rejectedLinks)
        .setUpdatedAt(Instant.ofEpochMilli(updatedAt))
        .build();
  }

  /** The friction types of a catalogue's patterns, sorted. */
  public static List<String> frictionTypes(PatternCatalogue catalogue) {
    List<String> types = new ArrayList<>();
    for (PatternDef d : catalogue.patterns()) {
      if (d.kind() == PatternDef.Kind.FRICTION) {
        types.add(d.name());
      }
    }
    types.sort(Comparator.naturalOrder());
    return types;
  }
}
