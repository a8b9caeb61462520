package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.junit.jupiter.api.Test;

/** The stream job's restarts: exponential back-off, a limit on restarts in a row, or none. */
class RestartStrategyTest {
  private static Configuration restarts(Integer maxRestarts) {
    Configuration conf = new Configuration();
    StreamRunner.restarts(conf, maxRestarts);
    return conf;
  }

  @Test
  void byDefaultTheJobShouldRestartWithoutLimitAndBackOffFromOneSecondToOneMinute() {
    Configuration c = restarts(null);
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
        .isEqualTo(Integer.MAX_VALUE);
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
        .isEqualTo(Duration.ofSeconds(1));
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER))
        .isEqualTo(1.5);
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF))
        .isEqualTo(Duration.ofMinutes(1));
    assertThat(
            c.get(
                RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD))
        .isEqualTo(Duration.ofHours(1));
  }

  @Test
  void maxRestartsShouldLimitTheRestartsInARowWithTheSameBackOff() {
    Configuration c = restarts(5);
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("exponential-delay");
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS))
        .isEqualTo(5);
    assertThat(c.get(RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF))
        .isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void zeroMaxRestartsShouldFailTheJobAtTheFirstError() {
    assertThat(restarts(0).get(RestartStrategyOptions.RESTART_STRATEGY)).isEqualTo("none");
  }
}
