package dev.omnichannel.monitor.patterns;

import java.io.Serializable;
import java.time.Duration;

/**
 * One step of a pattern: a condition on events, how it follows the previous step, and how many
 * events it takes. An absence step ({@code absent = true}) matches no event: it holds when no event
 * satisfying {@code where} comes within {@code absentWithin} after the previous step.
 *
 * @param name the step's name, unique in its pattern
 * @param where the condition
 * @param contiguity how this step follows the previous one
 * @param minTimes fewest events the step takes (0 when optional)
 * @param maxTimes most events the step takes; null for unbounded
 * @param absent true for an absence step
 * @param absentWithin for an absence step, how long after the previous step the absence must hold
 */
public record StepDef(
    String name,
    Condition where,
    Contiguity contiguity,
    int minTimes,
    Integer maxTimes,
    boolean absent,
    Duration absentWithin)
    implements Serializable {

  /** How a step follows the previous one (Flink CEP's contiguity). */
  public enum Contiguity {
    /** The very next event ({@code next}). */
    NEXT,
    /** The first later matching event; others in between are skipped ({@code followedBy}). */
    FOLLOWED_BY,
    /** Every later matching event, non-deterministically ({@code followedByAny}). */
    FOLLOWED_BY_ANY
  }

  public boolean optional() {
    return minTimes == 0;
  }
}
