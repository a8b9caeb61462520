package dev.omnichannel.monitor.backfill;

import java.util.Optional;
import org.apache.flink.util.SerializedThrowable;

/**
 * The backfill's identity components did not converge in the configured number of rounds: the link
 * graph has a component whose chains need more {@link
 * dev.omnichannel.monitor.identity.ComponentSteps} rounds. Nothing wrong was written: the job fails
 * before any person is assigned. The fix is to run again with more rounds.
 */
public class ComponentsNotConvergedException extends RuntimeException {
  private final int rounds;

  public ComponentsNotConvergedException(int rounds, long node) {
    super(
        "identity components did not converge in "
            + rounds
            + " rounds (node "
            + Long.toHexString(node)
            + " is neither a component centre nor a leaf): the identity graph has longer chains"
            + " than "
            + rounds
            + " rounds resolve; run the backfill again with more identity rounds (for example "
            + Math.max(2, 2 * rounds)
            + ")");
    this.rounds = rounds;
  }

  /** The rounds the failed run had. */
  public int rounds() {
    return rounds;
  }

  /**
   * Finds this failure in the cause chain of a job failure (where Flink may carry it as a {@link
   * SerializedThrowable}); returns its message.
   */
  public static Optional<String> find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ComponentsNotConvergedException) {
        return Optional.of(t.getMessage());
      }
      if (t instanceof SerializedThrowable s
          && ComponentsNotConvergedException.class
              .getName()
              .equals(s.getOriginalErrorClassName())) {
        return Optional.of(s.getMessage());
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return Optional.empty();
  }
}
