package dev.omnichannel.monitor.cli;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Run ids: the mode, the UTC start time to the millisecond, and the process id. */
public final class RunIds {
  private static final DateTimeFormatter FORMAT =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);

  private RunIds() {}

  public static String next(String mode) {
    return mode + "-" + FORMAT.format(Instant.now()) + "-" + ProcessHandle.current().pid();
  }
}
