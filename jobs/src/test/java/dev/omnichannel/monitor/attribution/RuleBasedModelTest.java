package dev.omnichannel.monitor.attribution;

import static dev.omnichannel.monitor.attribution.RuleBasedModel.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.omnichannel.monitor.journey.Touch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RuleBasedModelTest {
  private static final long DAY = 86_400_000L;
  private static final Duration WEEK = Duration.ofDays(7);

  /** Touches on the given channels, one day apart; the conversion comes at the last touch. */
  private static List<Touch> touches(String... channels) {
    List<Touch> t = new ArrayList<>();
    for (int i = 0; i < channels.length; i++) {
      t.add(new Touch(channels[i], i * DAY, i * DAY, 1));
    }
    return t;
  }

  private static long conversionAt(List<Touch> t) {
    return t.get(t.size() - 1).startTime();
  }

  private static Map<String, Double> credit(RuleBasedModel m, String... channels) {
    List<Touch> t = touches(channels);
    return m.credit(t, conversionAt(t), WEEK);
  }

  @Test
  void shouldCreditFirstAndLastTouch() {
    assertThat(credit(FIRST_TOUCH, "EMAIL", "WEB", "CHAT"))
        .containsExactlyEntriesOf(Map.of("EMAIL", 1.0));
    assertThat(credit(LAST_TOUCH, "EMAIL", "WEB", "CHAT"))
        .containsExactlyEntriesOf(Map.of("CHAT", 1.0));
  }

  @Test
  void shouldSplitLinearlyPerTouchAndAddUpRepeatedChannels() {
    assertThat(credit(LINEAR, "WEB", "EMAIL", "WEB", "CHAT"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("WEB", 0.5, "EMAIL", 0.25, "CHAT", 0.25));
  }

  @Test
  void shouldGiveEveryDistinctChannelOneForParticipation() {
    assertThat(credit(PARTICIPATION, "WEB", "EMAIL", "WEB"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("WEB", 1.0, "EMAIL", 1.0));
  }

  @Test
  void shouldDecayWithTheHalfLife() {
    // touches 14, 7 and 0 days before the conversion, half-life 7 days: weights 1/4, 1/2, 1
    List<Touch> t =
        List.of(
            new Touch("EMAIL", 0, 0, 1),
            new Touch("WEB", 7 * DAY, 7 * DAY, 1),
            new Touch("CHAT", 14 * DAY, 14 * DAY, 1));
    Map<String, Double> c = TIME_DECAY.credit(t, 14 * DAY, WEEK);
    assertThat(c.get("EMAIL")).isCloseTo(0.25 / 1.75, within(1e-12));
    assertThat(c.get("WEB")).isCloseTo(0.5 / 1.75, within(1e-12));
    assertThat(c.get("CHAT")).isCloseTo(1.0 / 1.75, within(1e-12));
    Map<String, Double> halfDay = TIME_DECAY.credit(t, 14 * DAY, Duration.ofDays(14));
    assertThat(halfDay.get("EMAIL") / halfDay.get("CHAT")).isCloseTo(0.5, within(1e-12));
  }

  /**
   * Regression (found by AttributionPropertiesTest): with every touch more than ~1,074 half-lives
   * before the conversion, each weight 2^(−Δt/h) underflowed to 0 and the credits were 0/0 = NaN.
   */
  @Test
  void shouldStayFiniteWhenEveryTouchIsManyHalfLivesBeforeTheConversion() {
    // shrunk example: one touch 46.6 hours before the conversion, half-life 111.531 s (~1,505 h)
    assertThat(
            TIME_DECAY.credit(
                List.of(new Touch("WEB", 0, 0, 1)), 167_888_588L, Duration.ofMillis(111_531)))
        .containsExactlyEntriesOf(Map.of("WEB", 1.0));
    // shrunk example: touches one half-life (4 ms) apart, the conversion 65,312,007 ms later
    Map<String, Double> c =
        TIME_DECAY.credit(
            List.of(new Touch("EMAIL", 0, 0, 1), new Touch("WEB", 4, 4, 1)),
            4 + 65_312_007L,
            Duration.ofMillis(4));
    assertThat(c.get("EMAIL")).isCloseTo(1.0 / 3, within(1e-12));
    assertThat(c.get("WEB")).isCloseTo(2.0 / 3, within(1e-12));
  }

  /** Regression: a sub-millisecond half-life was truncated to 0 ms (0/0 = NaN at Δt = 0). */
  @Test
  void shouldAcceptASubMillisecondHalfLife() {
    Map<String, Double> c =
        TIME_DECAY.credit(
            List.of(new Touch("EMAIL", 0, 0, 1), new Touch("WEB", 1, 1, 1)),
            1,
            Duration.ofNanos(500_000));
    assertThat(c.get("WEB")).isCloseTo(0.8, within(1e-12)); // weights 2^-2 : 1
    assertThat(c.get("EMAIL")).isCloseTo(0.2, within(1e-12));
  }

  @Test
  void shouldApplyThePositionalShares() {
    assertThat(credit(POSITION_BASED, "A")).containsExactlyEntriesOf(Map.of("A", 1.0));
    assertThat(credit(POSITION_BASED, "A", "B"))
        .containsExactlyInAnyOrderEntriesOf(Map.of("A", 0.5, "B", 0.5));
    Map<String, Double> pb = credit(POSITION_BASED, "A", "B", "C", "D");
    assertThat(pb.get("A")).isCloseTo(0.4, within(1e-12));
    assertThat(pb.get("B")).isCloseTo(0.1, within(1e-12));
    assertThat(pb.get("C")).isCloseTo(0.1, within(1e-12));
    assertThat(pb.get("D")).isCloseTo(0.4, within(1e-12));
    Map<String, Double> j = credit(J_CURVE, "A", "B", "C");
    assertThat(j.get("A")).isCloseTo(0.2, within(1e-12));
    assertThat(j.get("B")).isCloseTo(0.2, within(1e-12));
    assertThat(j.get("C")).isCloseTo(0.6, within(1e-12));
    Map<String, Double> ij = credit(INVERSE_J, "A", "B", "C");
    assertThat(ij.get("A")).isCloseTo(0.6, within(1e-12));
    assertThat(ij.get("C")).isCloseTo(0.2, within(1e-12));
    assertThat(credit(J_CURVE, "A", "B").get("B")).isCloseTo(0.75, within(1e-12));
    assertThat(credit(INVERSE_J, "A", "B").get("A")).isCloseTo(0.75, within(1e-12));
  }

  @ParameterizedTest
  @EnumSource(value = RuleBasedModel.class, names = "PARTICIPATION", mode = EnumSource.Mode.EXCLUDE)
  void shouldSumToOneForAnyPath(RuleBasedModel m) {
    for (String[] path :
        new String[][] {{"A"}, {"A", "B"}, {"A", "B", "A"}, {"A", "B", "C", "D", "E", "A"}}) {
      double sum = credit(m, path).values().stream().mapToDouble(Double::doubleValue).sum();
      assertThat(sum).as("%s over %s", m, String.join(">", path)).isCloseTo(1.0, within(1e-12));
    }
  }
}
