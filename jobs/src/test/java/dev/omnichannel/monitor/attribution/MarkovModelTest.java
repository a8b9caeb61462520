package dev.omnichannel.monitor.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MarkovModelTest {
  private static final double EXACT = 1e-12;

  private static PathStat path(String path, double conversions, double value, double nulls) {
    return new PathStat(Arrays.asList(path.split(" > ")), conversions, value, nulls);
  }

  private static Map<String, ChannelCredit> byChannel(List<ChannelCredit> credits) {
    return credits.stream()
        .collect(
            Collectors.toMap(
                ChannelCredit::channel, Function.identity(), (a, b) -> a, LinkedHashMap::new));
  }

  private static void assertSums(List<ChannelCredit> credits, double conversions, double value) {
    assertThat(credits.stream().mapToDouble(ChannelCredit::conversions).sum())
        .isCloseTo(conversions, within(1e-6 * Math.max(1, conversions)));
    assertThat(credits.stream().mapToDouble(ChannelCredit::value).sum())
        .isCloseTo(value, within(1e-6 * Math.max(1, value)));
    assertThat(credits.stream().mapToDouble(ChannelCredit::removalEffect).sum()).isNotNaN();
    for (ChannelCredit c : credits) {
      assertThat(c.removalEffect()).isNotNull().isBetween(0.0, 1.0);
      assertThat(c.conversions()).isNotNaN();
      assertThat(c.value()).isNotNaN();
    }
  }

  @Test
  void toyTwoChannelExampleIsExact() {
    JsonNode toy = ReferenceData.json("channelattribution-paths/toy_two_channel_example.json");
    String sep = toy.at("/input/separator").asText();
    List<PathStat> paths =
        java.util.stream.StreamSupport.stream(toy.at("/input/paths").spliterator(), false)
            .map(
                p ->
                    new PathStat(
                        List.of(p.get("path").asText().split(java.util.regex.Pattern.quote(sep))),
                        p.get("conversions").asDouble(),
                        p.get("revenue").asDouble(),
                        0))
            .toList();

    Map<String, ChannelCredit> credits = byChannel(MarkovModel.attribute(paths, 1));

    JsonNode expected = toy.get("expected_exact_first_order_markov");
    assertThat(credits.keySet()).containsExactly("A", "B");
    for (String c : List.of("A", "B")) {
      assertThat(credits.get(c).removalEffect())
          .isCloseTo(expected.at("/removal_effect/" + c).asDouble(), within(EXACT));
      assertThat(credits.get(c).conversions())
          .isCloseTo(expected.at("/attributed_conversions/" + c).asDouble(), within(EXACT));
      assertThat(credits.get(c).value())
          .isCloseTo(expected.at("/attributed_conversions/" + c).asDouble(), within(EXACT));
    }
    assertThat(credits.get("A").removalEffect()).isCloseTo(1.0, within(EXACT));
    assertThat(credits.get("B").removalEffect()).isCloseTo(0.5, within(EXACT));
    assertThat(credits.get("A").conversions()).isCloseTo(2.0, within(EXACT));
    assertThat(credits.get("B").conversions()).isCloseTo(1.0, within(EXACT));
  }

  @Test
  void kaggleTransitionCountsGiveThePublishedRemovalEffects() {
    Map<String, Map<String, Double>> counts = new LinkedHashMap<>();
    List<String> lines =
        ReferenceData.lines("kaggle-attribution/transition_counts_first_order_unique_channels.csv");
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      counts
          .computeIfAbsent(f[0], k -> new LinkedHashMap<>())
          .merge(f[1], Double.parseDouble(f[2]), Double::sum);
    }

    List<ChannelCredit> result =
        MarkovModel.attributeTransitions(counts, "Start", "Converted", "Null", 0.0);
    Map<String, ChannelCredit> credits = byChannel(result);

    List<String> expected =
        ReferenceData.lines(
            "kaggle-attribution/expected_markov_removal_effects_and_attributions.csv");
    assertThat(expected.get(0))
        .startsWith("channel,removal_effect_exact_probs,markov_conversions_exact_probs");
    assertThat(credits).hasSize(expected.size() - 1);
    for (String line : expected.subList(1, expected.size())) {
      String[] f = line.split(",");
      ChannelCredit c = credits.get(f[0]);
      assertThat(c.removalEffect())
          .as(f[0])
          .isCloseTo(Double.parseDouble(f[1]), withinPercentage(1e-4));
      assertThat(c.conversions())
          .as(f[0])
          .isCloseTo(Double.parseDouble(f[2]), withinPercentage(1e-4));
    }
    // The numbers of the brief, as published (rounded), to the same 1e-6 relative.
    assertThat(credits.get("Facebook").removalEffect()).isCloseTo(0.3547598, within(1e-6));
    assertThat(credits.get("Facebook").conversions()).isCloseTo(4948.89, within(5e-3));
    assertThat(credits.get("Paid Search").removalEffect()).isCloseTo(0.3311038, within(1e-6));
    assertThat(credits.get("Paid Search").conversions()).isCloseTo(4618.89, within(5e-3));
    assertThat(credits.get("Instagram").removalEffect()).isCloseTo(0.2173137, within(1e-6));
    assertThat(credits.get("Instagram").conversions()).isCloseTo(3031.52, within(5e-3));
    assertThat(credits.get("Online Video").removalEffect()).isCloseTo(0.2069141, within(1e-6));
    assertThat(credits.get("Online Video").conversions()).isCloseTo(2886.45, within(5e-3));
    assertThat(credits.get("Online Display").removalEffect()).isCloseTo(0.1543548, within(1e-6));
    assertThat(credits.get("Online Display").conversions()).isCloseTo(2153.25, within(5e-3));
    assertSums(result, 17_639, 0);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  void channelAttributionDataCreditsSumToTotals(int order) {
    List<PathStat> paths = ReferenceData.channelAttributionData();
    assertThat(paths).hasSize(10_000);
    assertThat(paths.stream().mapToDouble(PathStat::conversions).sum())
        .isCloseTo(19_785, within(1e-9));

    List<ChannelCredit> credits = MarkovModel.attribute(paths, order);

    assertThat(credits).hasSize(12);
    assertThat(credits.stream().map(ChannelCredit::channel).toList()).isSorted();
    // Data.csv sums to 74,802.971587 (the README's 74,802.97 is rounded to cents).
    double value = paths.stream().mapToDouble(PathStat::value).sum();
    assertThat(value).isCloseTo(74_802.97, within(5e-3));
    assertSums(credits, 19_785, value);
    assertSums(credits, 19_785, 74_802.97);
    assertThat(credits).allSatisfy(c -> assertThat(c.removalEffect()).isPositive());
  }

  @Test
  void orderOneEqualsTheStandardFirstOrderModelOnData() {
    // The same paths as first-order transition counts (collapsed repeats) give the same credits.
    List<PathStat> paths = ReferenceData.channelAttributionData();
    Map<String, Map<String, Double>> counts = new LinkedHashMap<>();
    double value = 0;
    for (PathStat p : paths) {
      List<String> c = MarkovModel.collapse(p.path());
      double walks = p.conversions() + p.nulls();
      String from = "(start)";
      for (String ch : c) {
        counts.computeIfAbsent(from, k -> new LinkedHashMap<>()).merge(ch, walks, Double::sum);
        from = ch;
      }
      Map<String, Double> last = counts.computeIfAbsent(from, k -> new LinkedHashMap<>());
      last.merge("(conversion)", p.conversions(), Double::sum);
      last.merge("(null)", p.nulls(), Double::sum);
      value += p.value();
    }
    List<ChannelCredit> fromCounts =
        MarkovModel.attributeTransitions(counts, "(start)", "(conversion)", "(null)", value);
    List<ChannelCredit> fromPaths = MarkovModel.attribute(paths, 1);
    assertThat(fromPaths).hasSameSizeAs(fromCounts);
    for (int i = 0; i < fromPaths.size(); i++) {
      assertThat(fromPaths.get(i).channel()).isEqualTo(fromCounts.get(i).channel());
      assertThat(fromPaths.get(i).removalEffect())
          .isCloseTo(fromCounts.get(i).removalEffect(), within(1e-12));
      assertThat(fromPaths.get(i).conversions())
          .isCloseTo(fromCounts.get(i).conversions(), within(1e-8));
    }
  }

  @Test
  void higherOrderDistinguishesHistory() {
    // Order 2: B converts only after A; C > B never converts. First order blends the two.
    List<PathStat> paths =
        List.of(path("A > B", 10, 10, 0), path("C > B", 0, 0, 10), path("C", 0, 0, 10));
    Map<String, ChannelCredit> second = byChannel(MarkovModel.attribute(paths, 2));
    assertThat(second.get("C").removalEffect()).isCloseTo(0.0, within(EXACT));
    assertThat(second.get("A").removalEffect()).isCloseTo(1.0, within(EXACT));
    assertThat(second.get("B").removalEffect()).isCloseTo(1.0, within(EXACT));
    assertThat(second.get("A").conversions()).isCloseTo(5.0, within(EXACT));
    assertSums(List.copyOf(second.values()), 10, 10);

    // First order: h(B) = h(A) = 1/2, h(C) = 1/4, P(conv) = 1/3 * 1/2 + 2/3 * 1/4 = 1/3;
    // without A (or without C) P(conv) = 1/6.
    Map<String, ChannelCredit> first = byChannel(MarkovModel.attribute(paths, 1));
    assertThat(first.get("A").removalEffect()).isCloseTo(0.5, within(EXACT));
    assertThat(first.get("C").removalEffect()).isCloseTo(0.5, within(EXACT));
    assertThat(first.get("B").removalEffect()).isCloseTo(1.0, within(EXACT));
  }

  @Test
  void valueIsCreditedByItsOwnRemovalEffectOnAHandComputedChain() {
    // Order 1, two channels, three paths of different values:
    //   A       1 conversion worth 10, 1 null
    //   B       1 conversion worth 40
    //   A > B   1 conversion worth 100
    // Transitions: start→A 3, start→B 1; A→conv 1, A→null 1, A→B 1; B→conv 2.
    // Conversions: h(B) = 1, h(A) = 1/3 + 1/3·1 = 2/3, P = 3/4·2/3 + 1/4·1 = 3/4.
    //   Without A: 1/4, RE(A) = 2/3. Without B: h(A) = 1/3, P = 1/4, RE(B) = 2/3.
    //   Credits: 3 conversions split 1/2 : 1/2, so 1.5 each.
    // Value: a conversion leaving A is worth m(A) = 10/1 = 10; leaving B, m(B) = (40+100)/2 = 70.
    //   v(B) = 70, v(A) = 1/3·10 + 1/3·70 = 80/3, V = 3/4·80/3 + 1/4·70 = 37.5.
    //   Without A: V = 1/4·70 = 17.5, value_RE(A) = 1 - 17.5/37.5 = 8/15.
    //   Without B: v(A) = 10/3, V = 3/4·10/3 = 2.5, value_RE(B) = 1 - 2.5/37.5 = 14/15.
    //   Value credits: 150 × 8/22 = 54.5454… to A, 150 × 14/22 = 95.4545… to B (the old split by
    //   conversion shares gave 75 each: B, which leads to the big orders, now earns more).
    Map<String, ChannelCredit> m =
        byChannel(
            MarkovModel.attribute(
                List.of(path("A", 1, 10, 1), path("B", 1, 40, 0), path("A > B", 1, 100, 0)), 1));
    assertThat(m.get("A").removalEffect()).isCloseTo(2.0 / 3, within(EXACT));
    assertThat(m.get("B").removalEffect()).isCloseTo(2.0 / 3, within(EXACT));
    assertThat(m.get("A").conversions()).isCloseTo(1.5, within(EXACT));
    assertThat(m.get("B").conversions()).isCloseTo(1.5, within(EXACT));
    assertThat(m.get("A").valueRemovalEffect()).isCloseTo(8.0 / 15, within(EXACT));
    assertThat(m.get("B").valueRemovalEffect()).isCloseTo(14.0 / 15, within(EXACT));
    assertThat(m.get("A").value()).isCloseTo(150.0 * 8 / 22, within(1e-9));
    assertThat(m.get("B").value()).isCloseTo(150.0 * 14 / 22, within(1e-9));
  }

  @Test
  void aNegativeExpectedValueFollowsTheConversionCreditsSoItIsStillAllCredited() {
    // refunds outweigh sales: V < 0, no value removal effect to split by
    List<ChannelCredit> credits =
        MarkovModel.attribute(List.of(path("A", 1, -50, 1), path("A > B", 1, 10, 0)), 1);
    assertSums(credits, 2, -40);
    for (ChannelCredit c : credits) {
      assertThat(c.value()).isCloseTo(-40 * c.conversions() / 2, within(1e-9));
    }
  }

  @Test
  void publishedTransitionCountsSplitTheValueAsTheConversions() {
    // without per-state values, every conversion is worth the mean: value_RE = RE
    Map<String, Map<String, Double>> counts =
        Map.of(
            "(start)", Map.of("A", 3.0, "B", 1.0),
            "A", Map.of("(conversion)", 1.0, "(null)", 1.0, "B", 1.0),
            "B", Map.of("(conversion)", 2.0));
    for (ChannelCredit c :
        MarkovModel.attributeTransitions(counts, "(start)", "(conversion)", "(null)", 150)) {
      assertThat(c.valueRemovalEffect()).isCloseTo(c.removalEffect(), within(EXACT));
      assertThat(c.value()).isCloseTo(c.conversions() * 50, within(1e-9));
    }
  }

  @Test
  void singleChannelGetsEverything() {
    List<ChannelCredit> credits =
        MarkovModel.attribute(List.of(path("A > A > A", 3, 30, 7), path("A", 1, 5, 0)), 2);
    assertThat(credits).containsExactly(new ChannelCredit("A", 1.0, 1.0, 4.0, 35.0));
  }

  @Test
  void channelNeverOnAConvertingPathGetsZero() {
    List<ChannelCredit> credits =
        MarkovModel.attribute(List.of(path("A > B", 2, 4, 1), path("C", 0, 0, 5)), 1);
    Map<String, ChannelCredit> m = byChannel(credits);
    assertThat(m.get("C")).isEqualTo(new ChannelCredit("C", 0.0, 0.0, 0.0, 0.0));
    assertThat(m.get("A").removalEffect()).isCloseTo(1.0, within(EXACT));
    assertThat(m.get("A").conversions()).isCloseTo(1.0, within(EXACT));
    assertSums(credits, 2, 4);
  }

  @Test
  void aChannelOnlyOnNonConvertingPathsCanStillLeadToConversionsInTheChain() {
    // C > A never converts, but the first-order chain is memoryless: from A it converts a third
    // of the time whatever came before. Counts: start→A 2, start→C 1, C→A 1, A→conv 1, A→null 2.
    // P(conv) = 2/3·1/3 + 1/3·1·1/3 = 1/3. Without C: 2/3·1/3 = 2/9, so RE(C) = 1/3.
    // Without A: 0, so RE(A) = 1. Credits: A = 1·1/(4/3) = 3/4, C = 1/4.
    List<ChannelCredit> credits =
        MarkovModel.attribute(List.of(path("A", 1, 0, 1), path("C > A", 0, 0, 1)), 1);
    Map<String, ChannelCredit> m = byChannel(credits);
    // start→A 2/3... no: start→A 2 walks, start→C 1 walk; A→conv 1, A→null 2; C→A 1.
    // P(conv) = 2/3·1/3 + 1/3·1·1/3 = 1/3. Without C: 2/3·1/3 = 2/9, RE(C) = 1/3.
    // Without A: 0, RE(A) = 1. Credits: A = 1 · 1/(4/3) = 3/4, C = 1/4.
    assertThat(m.get("C").removalEffect()).isCloseTo(1.0 / 3, within(EXACT));
    assertThat(m.get("A").removalEffect()).isCloseTo(1.0, within(EXACT));
    assertThat(m.get("C").conversions()).isCloseTo(0.25, within(EXACT));
    assertThat(m.get("A").conversions()).isCloseTo(0.75, within(EXACT));
  }

  @Test
  void zeroConversionsGiveZeroCreditsAndRemovalEffects() {
    List<ChannelCredit> credits =
        MarkovModel.attribute(List.of(path("A > B", 0, 0, 3), path("B > A > B", 0, 0, 1)), 3);
    assertThat(credits)
        .containsExactly(
            new ChannelCredit("A", 0.0, 0.0, 0, 0), new ChannelCredit("B", 0.0, 0.0, 0, 0));
    assertThat(MarkovModel.attribute(List.of(), 1)).isEmpty();
  }

  @Test
  void loopsAreSolvedExactly() {
    // A <-> B loops: from A, 1/3 to conversion, 1/3 to null, 1/3 to B; B back to A or null.
    List<PathStat> paths =
        List.of(
            path("A", 1, 1, 1),
            path("A > B > A", 1, 1, 0),
            path("A > B", 0, 0, 1),
            path("B > A > B > A > B > A", 1, 1, 1));
    List<ChannelCredit> credits = MarkovModel.attribute(paths, 1);
    assertSums(credits, 3, 3);
    Map<String, ChannelCredit> m = byChannel(credits);
    assertThat(m.get("A").removalEffect()).isCloseTo(1.0, within(EXACT));
    assertThat(m.get("B").removalEffect()).isStrictlyBetween(0.0, 1.0);
  }

  @Test
  void rejectsUnsupportedOrders() {
    assertThatThrownBy(() -> MarkovModel.attribute(List.of(), 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> MarkovModel.attribute(List.of(), 5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
