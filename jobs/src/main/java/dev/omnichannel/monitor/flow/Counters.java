package dev.omnichannel.monitor.flow;

/**
 * Names of the job's accumulators: the accounting of every input record. After a run they satisfy
 * {@code input_records = accepted_events + duplicates + late_events + dead_letters + out_of_range}.
 */
public final class Counters {
  public static final String INPUT_RECORDS = "input_records";
  public static final String DEAD_LETTERS = "dead_letters";
  public static final String OUT_OF_RANGE = "out_of_range";
  public static final String DUPLICATES = "duplicates";
  public static final String ACCEPTED_EVENTS = "accepted_events";
  public static final String REJECTED_LINKS = "rejected_links";
  public static final String LATE_EVENTS = "late_events";

  private Counters() {}
}
