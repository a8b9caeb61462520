package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.JourneyMatchRow;
import java.time.Instant;
import java.util.List;

/** Output rows of pattern matches. */
public final class MatchRows {
  private MatchRows() {}

  /** A {@code journey_matches} row. */
  public static JourneyMatchRow journeyMatch(PatternMatch m) {
    return JourneyMatchRow.newBuilder()
        .setPattern(m.pattern)
        .setPersonId(m.personId)
        .setJourneyId(m.journeyId)
        .setFirstEventTime(Instant.ofEpochMilli(m.firstEventTime))
        .setLastEventTime(Instant.ofEpochMilli(m.lastEventTime))
        .setEventIds(List.of(m.eventIds))
        .setChannels(List.of(m.channels))
        .build();
  }

  /**
   * A {@code friction} row. {@code detected_at} is the time of the last evidence event, which also
   * decides the partition; for a friction ending in an absence ("no purchase within 72 h") the
   * evidence is the events before the absence.
   */
  public static FrictionRow friction(PatternMatch m) {
    return FrictionRow.newBuilder()
        .setFrictionType(m.pattern)
        .setSeverity(m.severity)
        .setPersonId(m.personId)
        .setJourneyId(m.journeyId)
        .setDetectedAt(Instant.ofEpochMilli(m.lastEventTime))
        .setEvidenceEventIds(List.of(m.eventIds))
        .setChannels(List.of(m.channels))
        .build();
  }
}
