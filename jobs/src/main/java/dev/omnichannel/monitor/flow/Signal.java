package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.identity.SuppressionList;

/**
 * What the person-keyed operators receive on their broadcast side: either a subtask's largest event
 * time (the end of input of a bounded run, see {@link LargestTimeOperator}) or the suppression list
 * as last read ({@link SuppressionPoller}). A Flink POJO.
 */
public class Signal {
  /** A subtask's largest event time; {@link Long#MIN_VALUE} when this is a suppression update. */
  public long largest = Long.MIN_VALUE;

  /**
   * The suppression list's hashes (every one, sorted; see {@link SuppressionList#hashes()}); null
   * when this is a largest time.
   */
  public String[] suppressed;

  public Signal() {}

  /** A subtask's largest event time. */
  public static Signal largest(long time) {
    Signal s = new Signal();
    s.largest = time;
    return s;
  }

  /** The suppression list {@code list}. */
  public static Signal suppressed(SuppressionList list) {
    Signal s = new Signal();
    s.suppressed = list.hashes().toArray(String[]::new);
    return s;
  }

  /** True when this carries the suppression list. */
  public boolean isSuppression() {
    return suppressed != null;
  }
}
