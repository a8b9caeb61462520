package dev.omnichannel.monitor.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them in flags and catalogues: {@code 30d}, {@code 12h}, {@code 30m},
 * {@code 45s}, {@code 500ms}, {@code 2w}, or ISO-8601 ({@code P30D}, {@code PT30M}); at most {@link
 * #MAX}.
 */
public final class Durations {
  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");

  /**
   * The longest duration accepted: 100 years. Event times are milliseconds since 1970 before 2100,
   * so an event time plus any duration still fits in a long.
   */
  public static final Duration MAX = Duration.ofDays(36500);

  private Durations() {}

  /**
   * Parses a positive duration; an {@link IllegalArgumentException} says why {@code value} is not
   * one.
   */
  public static Duration parse(String value) {
    Duration d = parseNonNegative(value);
    if (d.isZero()) {
      throw new IllegalArgumentException("'" + value + "' is not a positive duration");
    }
    return d;
  }

  /**
   * Parses a duration that may be zero ({@code 0s}); an {@link IllegalArgumentException} says why
   * {@code value} is not one.
   */
  public static Duration parseNonNegative(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    Duration d;
    Matcher m = SIMPLE.matcher(v);
    if (m.matches()) {
      try {
        long n = Long.parseLong(m.group(1));
        d =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              case "d" -> Duration.ofDays(n);
              default -> Duration.ofDays(Math.multiplyExact(7, n));
            };
      } catch (NumberFormatException | ArithmeticException e) {
        throw tooLong(value);
      }
    } else {
      try {
        d = Duration.parse(v.toUpperCase(Locale.ROOT));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'" + value + "' is not a duration (examples: 30d, 12h, 30m, 45s, 500ms, PT30M)");
      }
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("'" + value + "' is a negative duration");
    }
    if (d.compareTo(MAX) > 0) {
      throw tooLong(value);
    }
    return d;
  }

  private static IllegalArgumentException tooLong(String value) {
    return new IllegalArgumentException(
        "'" + value + "' is longer than " + MAX.toDays() + "d, the longest duration accepted");
  }
}
