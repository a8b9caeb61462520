package dev.omnichannel.monitor.patterns;

import java.util.Arrays;

/**
 * One match of a catalogue pattern for one person, before it is written as a {@code
 * journey_matches} or {@code friction} row.
 */
public class PatternMatch {
  public String pattern;
  public String kind;
  public String severity;
  public String personId;
  public String journeyId;
  public long firstEventTime;
  public long lastEventTime;

  /** When the pattern ends with an absence step: the time the absence is confirmed; else MIN. */
  public long absenceDeadline;

  public String[] eventIds;
  public String[] channels;

  public PatternMatch() {}

  @Override
  public String toString() {
    return pattern + " " + personId + " " + Arrays.toString(eventIds);
  }
}
