package dev.omnichannel.monitor.io;

/**
 * A run refused to write because another writer holds days it would replace: a backfill over an
 * overlapping range, or a running stream job that may still write those days (see {@link
 * OutputClaims}). The CLI prints the message, which names the other writer, and exits 4.
 */
public class OutputBusyException extends RuntimeException {
  /** The exit code of a run refused this way. */
  public static final int EXIT_CODE = 4;

  public OutputBusyException(String message) {
    super(message);
  }
}
