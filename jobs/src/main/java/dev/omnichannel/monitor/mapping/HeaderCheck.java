package dev.omnichannel.monitor.mapping;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Checks, before any work, that each input file of a mapping with {@code header: true} starts with
 * the header the mapping names. A file that cannot be read here is left to the run, which makes it
 * a dead letter as any unreadable file.
 */
public final class HeaderCheck {
  private HeaderCheck() {}

  /** Null when {@code file}'s header fits (or there is nothing to check), else the problem. */
  public static String problem(Mapping mapping, Path file) {
    if (!mapping.header()) {
      return null;
    }
    String first;
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file));
        InputStream in =
            file.getFileName().toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      first = r.readLine();
    } catch (IOException e) {
      return null;
    }
    if (first == null) {
      return null; // an empty file: no rows
    }
    return new RowMapper(mapping).headerProblem(first);
  }
}
