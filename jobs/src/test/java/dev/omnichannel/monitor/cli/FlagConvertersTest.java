package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.config.Durations;
import java.time.Duration;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

/**
 * The other side of {@link BadFlagsTest}: the edges of every range are accepted, so that refusing
 * bad values has not cost any good one.
 */
class FlagConvertersTest {
  @Test
  void numbersAcceptTheirBoundsAndRefuseOneBeyond() {
    Numbers.Parallelism p = new Numbers.Parallelism();
    assertThat(p.convert("1")).isEqualTo(1);
    assertThat(p.convert(" 512 ")).isEqualTo(512);
    assertThatThrownBy(() -> p.convert("513"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("must be between 1 and 512, got 513");
    assertThatThrownBy(() -> p.convert("0")).hasMessage("must be between 1 and 512, got 0");

    Numbers.AtLeastOne one = new Numbers.AtLeastOne();
    assertThat(one.convert("2147483647")).isEqualTo(Integer.MAX_VALUE);
    assertThatThrownBy(() -> one.convert("0")).hasMessage("must be at least 1, got 0");
    assertThatThrownBy(() -> one.convert("2147483648"))
        .hasMessage("must be between 1 and 2147483647, got 2147483648");
    assertThat(new Numbers.AtLeastZero().convert("0")).isZero();

    Numbers.Seed seed = new Numbers.Seed();
    assertThat(seed.convert("-9223372036854775808")).isEqualTo(Long.MIN_VALUE);
    assertThat(seed.convert("+9223372036854775807")).isEqualTo(Long.MAX_VALUE);
    assertThatThrownBy(() -> seed.convert("9223372036854775808"))
        .hasMessage("must be at most 9223372036854775807, got 9223372036854775808");

    assertThat(new Numbers.Events().convert("1000000000")).isEqualTo(1_000_000_000L);
    assertThat(new Numbers.BenchEvents().convert("1000")).isEqualTo(1000L);
    assertThat(new Numbers.Customers().convert("10000000")).isEqualTo(10_000_000);
    assertThat(new Numbers.Days().convert("3650")).isEqualTo(3650);
    assertThat(new Numbers.MarkovOrder().convert("4")).isEqualTo(4);
    assertThat(new Numbers.Repeats().convert("1000")).isEqualTo(1000);

    Numbers.BadRatio r = new Numbers.BadRatio();
    assertThat(r.convert("0")).isZero();
    assertThat(r.convert("0.5")).isEqualTo(0.5);
    assertThat(r.convert("5e-1")).isEqualTo(0.5);
    assertThatThrownBy(() -> r.convert("0.50001"))
        .hasMessage("must be between 0 and 0.5, got 0.50001");
    assertThatThrownBy(() -> r.convert("NaN")).hasMessage("'NaN' is not a number");
  }

  @Test
  void durationsAcceptEveryFormUpToTheirLimit() {
    assertThat(Durations.parse("36500d")).isEqualTo(Duration.ofDays(36_500));
    assertThat(Durations.parse("5214w")).isEqualTo(Duration.ofDays(5214 * 7));
    assertThat(Durations.parse("P36500D")).isEqualTo(Duration.ofDays(36_500));
    assertThat(Durations.parse("500 ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("PT30M")).isEqualTo(Duration.ofMinutes(30));
    assertThat(Durations.parseNonNegative("0s")).isZero();
    assertThatThrownBy(() -> Durations.parse("36501d"))
        .hasMessage("'36501d' is too long: at most 36500d (100 years)");
    assertThatThrownBy(() -> Durations.parse("5215w")).hasMessageContaining("too long");
    assertThatThrownBy(() -> Durations.parse("0s")).hasMessage("'0s' is not a positive duration");
    assertThatThrownBy(() -> new DurationConverter.NonNegative().convert("-1s"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessage("'-1s' is a negative duration");
  }

  @Test
  void datesAreRealCalendarDaysWithFourDigitYears() {
    FlagConverters.Date d = new FlagConverters.Date();
    assertThat(d.convert("2024-02-29")).isEqualTo(LocalDate.of(2024, 2, 29));
    assertThat(d.convert("9999-12-31")).isEqualTo(LocalDate.of(9999, 12, 31));
    assertThatThrownBy(() -> d.convert("2026-02-29"))
        .hasMessage("'2026-02-29' is not a date (YYYY-MM-DD, e.g. 2026-01-31)");
    assertThatThrownBy(() -> d.convert("+10000-01-01")).hasMessageContaining("is not a date");
    assertThatThrownBy(() -> d.convert("2026-1-5")).hasMessageContaining("is not a date");
  }

  @Test
  void textAndPairsAndPaths() {
    assertThat(new FlagConverters.NonEmpty().convert(" x ")).isEqualTo(" x ");
    assertThatThrownBy(() -> new FlagConverters.NonEmpty().convert(" "))
        .hasMessage("must not be empty, got ' '");
    FlagConverters.KeyValue kv = new FlagConverters.KeyValue();
    assertThat(kv.convert("acks=")).isEqualTo("acks=");
    assertThat(kv.convert("a=b=c")).isEqualTo("a=b=c");
    assertThatThrownBy(() -> kv.convert(" =1")).hasMessage("' =1' is not NAME=VALUE");
    assertThatThrownBy(() -> new LocalPathConverter().convert(""))
        .hasMessage("must not be empty, got ''");
  }
}
