package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.attribution.MarkovModel;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * picocli converters for number flags, each with the range it accepts. Every number flag declares
 * one, so a value that is not a number, or is too large for its type, or is out of range is refused
 * while the command line is parsed, with one line naming the flag and the value (for example {@code
 * --parallelism must be between 1 and 512, got 100000}), before any work or memory is spent on it.
 */
public final class Numbers {
  /** The largest Flink parallelism the commands accept. */
  public static final int MAX_PARALLELISM = 512;

  private static final Pattern INTEGER = Pattern.compile("[+-]?\\d+");

  private Numbers() {}

  /** A converter that knows the closed range it accepts. */
  public interface Bounded {
    /** The smallest accepted value. */
    Number min();

    /** The largest accepted value. */
    Number max();
  }

  /** Whole numbers of type {@code int} from {@code min} to {@code max}, both inclusive. */
  public abstract static class IntRange implements ITypeConverter<Integer>, Bounded {
    private final int min;
    private final int max;

    protected IntRange(int min, int max) {
      this.min = min;
      this.max = max;
    }

    @Override
    public Integer min() {
      return min;
    }

    @Override
    public Integer max() {
      return max;
    }

    @Override
    public Integer convert(String value) {
      BigInteger n = integer(value);
      boolean below = n.compareTo(BigInteger.valueOf(min)) < 0;
      if (below || n.compareTo(BigInteger.valueOf(max)) > 0) {
        throw outOfRange(min, max, Integer.MIN_VALUE, Integer.MAX_VALUE, value, below);
      }
      return n.intValue();
    }
  }

  /** Whole numbers of type {@code long} from {@code min} to {@code max}, both inclusive. */
  public abstract static class LongRange implements ITypeConverter<Long>, Bounded {
    private final long min;
    private final long max;

    protected LongRange(long min, long max) {
      this.min = min;
      this.max = max;
    }

    @Override
    public Long min() {
      return min;
    }

    @Override
    public Long max() {
      return max;
    }

    @Override
    public Long convert(String value) {
      BigInteger n = integer(value);
      boolean below = n.compareTo(BigInteger.valueOf(min)) < 0;
      if (below || n.compareTo(BigInteger.valueOf(max)) > 0) {
        throw outOfRange(min, max, Long.MIN_VALUE, Long.MAX_VALUE, value, below);
      }
      return n.longValue();
    }
  }

  /** Finite decimal numbers from {@code min} to {@code max}, both inclusive. */
  public abstract static class DoubleRange implements ITypeConverter<Double>, Bounded {
    private final double min;
    private final double max;

    protected DoubleRange(double min, double max) {
      this.min = min;
      this.max = max;
    }

    @Override
    public Double min() {
      return min;
    }

    @Override
    public Double max() {
      return max;
    }

    @Override
    public Double convert(String value) {
      String v = value.trim();
      BigDecimal d;
      try {
        // BigDecimal: no NaN, no Infinity, no hexadecimal, no 1e400 turning into Infinity
        d = new BigDecimal(v);
      } catch (NumberFormatException e) {
        throw new TypeConversionException(quote(value) + " is not a number");
      }
      if (d.compareTo(BigDecimal.valueOf(min)) < 0 || d.compareTo(BigDecimal.valueOf(max)) > 0) {
        throw new TypeConversionException(
            "must be between " + plain(min) + " and " + plain(max) + ", got " + value);
      }
      return d.doubleValue();
    }
  }

  /** Flink parallelism: 1 to {@value #MAX_PARALLELISM}. */
  public static final class Parallelism extends IntRange {
    public Parallelism() {
      super(1, MAX_PARALLELISM);
    }
  }

  /** At least 1, no upper bound beyond the type's. */
  public static final class AtLeastOne extends IntRange {
    public AtLeastOne() {
      super(1, Integer.MAX_VALUE);
    }
  }

  /** At least 0, no upper bound beyond the type's. */
  public static final class AtLeastZero extends IntRange {
    public AtLeastZero() {
      super(0, Integer.MAX_VALUE);
    }
  }

  /** A Markov chain order: 1 to {@value MarkovModel#MAX_ORDER}. */
  public static final class MarkovOrder extends IntRange {
    public MarkovOrder() {
      super(1, MarkovModel.MAX_ORDER);
    }
  }

  /** Generated customers: 1 to {@value GeneratorConfig#MAX_CUSTOMERS}. */
  public static final class Customers extends IntRange {
    public Customers() {
      super(1, GeneratorConfig.MAX_CUSTOMERS);
    }
  }

  /** Generated days: 1 to {@value GeneratorConfig#MAX_DAYS}. */
  public static final class Days extends IntRange {
    public Days() {
      super(1, GeneratorConfig.MAX_DAYS);
    }
  }

  /** Days of retention: 1 to 36,500 (100 years). */
  public static final class RetentionDays extends IntRange {
    public RetentionDays() {
      super(1, 36_500);
    }
  }

  /** Timed runs of a benchmark: 1 to 1000. */
  public static final class Repeats extends IntRange {
    public Repeats() {
      super(1, 1000);
    }
  }

  /** A random seed: any {@code long}. */
  public static final class Seed extends LongRange {
    public Seed() {
      super(Long.MIN_VALUE, Long.MAX_VALUE);
    }
  }

  /** Generated events: 1 to {@value GeneratorConfig#MAX_TARGET_EVENTS}. */
  public static final class Events extends LongRange {
    public Events() {
      super(1, GeneratorConfig.MAX_TARGET_EVENTS);
    }
  }

  /** Benchmark events: 1000 to {@value GeneratorConfig#MAX_TARGET_EVENTS}. */
  public static final class BenchEvents extends LongRange {
    public BenchEvents() {
      super(1000, GeneratorConfig.MAX_TARGET_EVENTS);
    }
  }

  /** The share of broken records: 0 to {@value GeneratorConfig#MAX_BAD_RATIO}. */
  public static final class BadRatio extends DoubleRange {
    public BadRatio() {
      super(0, GeneratorConfig.MAX_BAD_RATIO);
    }
  }

  private static BigInteger integer(String value) {
    String v = value.trim();
    if (!INTEGER.matcher(v).matches()) {
      throw new TypeConversionException(quote(value) + " is not a whole number");
    }
    return new BigInteger(v);
  }

  private static TypeConversionException outOfRange(
      long min, long max, long typeMin, long typeMax, String value, boolean below) {
    String range;
    if (below && max == typeMax) {
      range = "at least " + min;
    } else if (!below && min == typeMin) {
      range = "at most " + max;
    } else {
      range = "between " + min + " and " + max;
    }
    return new TypeConversionException("must be " + range + ", got " + value);
  }

  private static String plain(double d) {
    return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
  }

  /** The value in single quotes, so that an empty one shows as {@code ''}. */
  static String quote(String value) {
    return "'" + value + "'";
  }
}
