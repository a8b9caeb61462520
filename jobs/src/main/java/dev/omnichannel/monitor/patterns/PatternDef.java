package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.event.Event;
import java.io.Serializable;
import java.time.Duration;
import java.util.List;

/**
 * One pattern of the catalogue: a journey pattern or a friction type.
 *
 * @param name unique name, also the {@code pattern} / {@code friction_type} column value
 * @param kind journey or friction
 * @param severity for friction: LOW, MEDIUM or HIGH; null for journeys
 * @param description one line for people
 * @param within the whole match must fit in this duration, from its first to its last event
 *     (inclusive); for a pattern ending in an absence step, the absence window counts too
 * @param steps the ordered steps; the first is never an absence step
 * @param source the catalogue file the definition came from
 */
public record PatternDef(
    String name,
    Kind kind,
    Severity severity,
    String description,
    Duration within,
    List<StepDef> steps,
    String source)
    implements Serializable {

  public enum Kind {
    JOURNEY,
    FRICTION
  }

  public enum Severity {
    LOW,
    MEDIUM,
    HIGH
  }

  public PatternDef {
    steps = List.copyOf(steps);
  }

  /**
   * True when {@code e} could take part in a match: it satisfies some step's condition (an absence
   * step's too). Events for which this is false are skipped by every step anyway, so they can be
   * left out before matching, unless a step needs the very next event ({@link #needsEveryEvent}).
   */
  public boolean relevant(Event e) {
    for (StepDef s : steps) {
      if (s.where().test(e)) {
        return true;
      }
    }
    return false;
  }

  /** True when a step uses strict contiguity, so no event may be left out before matching. */
  public boolean needsEveryEvent() {
    return steps.stream().anyMatch(s -> s.contiguity() == StepDef.Contiguity.NEXT);
  }

  /**
   * For a pattern ending in an absence step, the time by which the absence is confirmed: the first
   * matched event's time plus {@code within}; {@code Long.MIN_VALUE} otherwise.
   */
  public long absenceDeadline(long firstEventTime) {
    return trailingAbsence() == null ? Long.MIN_VALUE : firstEventTime + within.toMillis();
  }

  /** The trailing absence step, when the pattern ends with one. */
  public StepDef trailingAbsence() {
    StepDef last = steps.get(steps.size() - 1);
    return last.absent() ? last : null;
  }
}
