package dev.omnichannel.monitor.cli;

import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * The picocli converters {@link Main} registers for every text and date flag, and the one for
 * {@code NAME=VALUE} flags. Their messages name the value; the parameter error handler in {@link
 * Main} adds the flag.
 */
public final class FlagConverters {
  private FlagConverters() {}

  /** Text flags: any value but an empty (or blank) one. */
  public static final class NonEmpty implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      if (value.isBlank()) {
        throw new TypeConversionException("must not be empty, got " + Numbers.quote(value));
      }
      return value;
    }
  }

  /** Dates: a calendar date written YYYY-MM-DD, years 0000 to 9999. */
  public static final class Date implements ITypeConverter<LocalDate> {
    private static final DateTimeFormatter ISO =
        new DateTimeFormatterBuilder()
            .appendValue(ChronoField.YEAR, 4)
            .appendLiteral('-')
            .appendValue(ChronoField.MONTH_OF_YEAR, 2)
            .appendLiteral('-')
            .appendValue(ChronoField.DAY_OF_MONTH, 2)
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);

    @Override
    public LocalDate convert(String value) {
      try {
        return LocalDate.parse(value.trim(), ISO);
      } catch (DateTimeParseException e) {
        throw new TypeConversionException(
            Numbers.quote(value) + " is not a date (YYYY-MM-DD, e.g. 2026-01-31)");
      }
    }
  }

  /** {@code NAME=VALUE} pairs: a non-empty name, an equals sign, a value (which may be empty). */
  public static final class KeyValue implements ITypeConverter<String> {
    @Override
    public String convert(String value) {
      int eq = value.indexOf('=');
      if (eq < 0 || value.substring(0, eq).isBlank()) {
        throw new TypeConversionException(Numbers.quote(value) + " is not NAME=VALUE");
      }
      return value;
    }
  }
}
