package dev.omnichannel.monitor.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as users write them in flags and catalogues: {@code 30d}, {@code 12h}, {@code 30m},
 * {@code 45s}, {@code 500ms}, {@code 2w}, or ISO-8601 ({@code P30D}, {@code PT30M}); at most {@link
 * #MAX} (100 years).
 */
public final class Durations {
  /**
   * The longest duration accepted: 36500 days, about 100 years. Event times are milliseconds since
   * 1970 before 2100, so an event time plus any duration still fits in a long.
   */
  public static final Duration MAX = Duration.ofDays(36_500);

  /** The accepted forms, as the error messages list them. */
  public static final String FORMS =
      "a number and a unit ms, s, m, h, d or w (30d, 12h, 30m, 45s, 500ms, 2w), or ISO-8601"
          + " (PT30M)";

  private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d|w)");
  private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+(\\.\\d*)?");

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
    if (v.startsWith("-")) {
      throw new IllegalArgumentException("'" + value + "' is a negative duration");
    }
    if (NUMBER.matcher(v).matches()) {
      throw new IllegalArgumentException("'" + value + "' has no unit; give " + FORMS);
    }
    Duration d;
    Matcher m = SIMPLE.matcher(v);
    try {
      if (m.matches()) {
        long n;
        try {
          n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
          throw tooLong(value); // only digits: beyond long
        }
        d =
            switch (m.group(2)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              case "d" -> Duration.ofDays(n);
              default -> Duration.ofDays(Math.multiplyExact(7, n));
            };
      } else {
        try {
          d = Duration.parse(v.toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
          if (e.getCause() instanceof ArithmeticException
              || e.getCause() instanceof NumberFormatException) {
            throw tooLong(value);
          }
          throw new IllegalArgumentException("'" + value + "' is not a duration: give " + FORMS, e);
        }
      }
    } catch (ArithmeticException e) {
      // a number beyond long, or days beyond what a Duration holds
      throw tooLong(value);
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
        "'" + value + "' is too long: at most " + MAX.toDays() + "d (100 years)");
  }
}
