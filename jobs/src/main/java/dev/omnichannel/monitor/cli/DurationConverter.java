package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.config.Durations;
import java.time.Duration;
import picocli.CommandLine;

/** picocli converter for duration flags; see {@link Durations} for the accepted forms. */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
  @Override
  public Duration convert(String value) {
    return parse(value);
  }

  /** Converter for durations that may be zero ({@code 0s}), such as lateness and delays. */
  public static final class NonNegative implements CommandLine.ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      try {
        return Durations.parseNonNegative(value);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.TypeConversionException(e.getMessage());
      }
    }
  }

  /** Parses a duration, or throws a {@link CommandLine.TypeConversionException} naming it. */
  public static Duration parse(String value) {
    try {
      return Durations.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
