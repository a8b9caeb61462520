package dev.omnichannel.monitor.flow;

/**
 * Names of the job's accumulators: the accounting of every input record. After a run they satisfy
 * {@code input_records = accepted_events + duplicates + late_events + dead_letters + out_of_range +
 * suppressed}.
 */
public final class Counters {
  public static final String INPUT_RECORDS = "input_records";
  public static final String DEAD_LETTERS = "dead_letters";
  public static final String OUT_OF_RANGE = "out_of_range";

  /** Valid records of an identity on the suppression list (an erased person), dropped. */
  public static final String SUPPRESSED = "suppressed";

  public static final String DUPLICATES = "duplicates";
  public static final String ACCEPTED_EVENTS = "accepted_events";
  public static final String REJECTED_LINKS = "rejected_links";
  public static final String LATE_EVENTS = "late_events";

  /** Stream mode: links that reached the one identity coordinator (first occurrences of pairs). */
  public static final String COORDINATOR_LINKS = "identity_coordinator_links";

  /** Stream mode: distinct events whose links reached the identity coordinator. */
  public static final String COORDINATOR_EVENTS = "identity_coordinator_events";

  private Counters() {}
}
