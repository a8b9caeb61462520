package dev.omnichannel.monitor.cli;

/**
 * An error the user can fix: a bad flag, path or configuration value. The CLI prints only its
 * message (which names the offending value) and exits with code 2, never a stack trace.
 */
public class UserException extends RuntimeException {
  public UserException(String message) {
    super(message);
  }

  public UserException(String message, Throwable cause) {
    super(message, cause);
  }
}
