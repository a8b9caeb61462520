package dev.omnichannel.monitor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DurationsTest {
  @Test
  void theLongestDurationIsAHundredYears() {
    assertThat(Durations.parse("36500d")).isEqualTo(Duration.ofDays(36500));
    assertThat(Durations.parse("5214w")).isEqualTo(Duration.ofDays(5214 * 7));
    assertThatThrownBy(() -> Durations.parse("36501d"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'36501d' is too long: at most 36500d (100 years)");
  }

  /**
   * Numbers whose duration overflowed: ArithmeticException (not the user error) from days and
   * millis, or, for weeks, a silently wrapped value (2635249153387078803w was one day).
   */
  @ParameterizedTest
  @ValueSource(
      strings = {
        "999999999999999d",
        "99999999999999d",
        "9223372036854775807h",
        "2635249153387078803w",
        "99999999999999999999s",
        "P999999999D"
      })
  void anOverflowingDurationIsAUserError(String value) {
    assertThatThrownBy(() -> Durations.parse(value))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + value + "' is too long: at most 36500d (100 years)");
  }
}
