package dev.omnichannel.monitor.report;

/** The output directory cannot be reported on: missing, empty, a missing table, unreadable. */
public class ReportInputException extends RuntimeException {
  public ReportInputException(String message) {
    super(message);
  }

  public ReportInputException(String message, Throwable cause) {
    super(message, cause);
  }
}
