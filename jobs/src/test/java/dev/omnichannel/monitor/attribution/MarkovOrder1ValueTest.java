package dev.omnichannel.monitor.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Pins the first-order MARKOV credits of ChannelAttribution's Data.csv, conversions and value, to
 * the numbers recorded in reference-data/channelattribution-paths/markov-order1-value.csv (computed
 * by the dense oracle of {@link MarkovDenseOracleTest}; see the file's header).
 */
class MarkovOrder1ValueTest {
  private static final String RESOURCE = "channelattribution-paths/markov-order1-value.csv";

  /** The recorded credits, in the file's order (sorted by channel). */
  private static List<ChannelCredit> recorded() {
    List<ChannelCredit> out = new ArrayList<>();
    boolean header = true;
    for (String line : ReferenceData.lines(RESOURCE)) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      if (header) {
        assertThat(line).isEqualTo("channel,removal_effect,conversions,value_removal_effect,value");
        header = false;
        continue;
      }
      String[] f = line.split(",");
      out.add(
          new ChannelCredit(
              f[0],
              Double.parseDouble(f[1]),
              Double.parseDouble(f[3]),
              Double.parseDouble(f[2]),
              Double.parseDouble(f[4])));
    }
    return out;
  }

  private static void assertSame(List<ChannelCredit> got, List<ChannelCredit> want) {
    assertThat(got)
        .extracting(ChannelCredit::channel)
        .containsExactlyElementsOf(want.stream().map(ChannelCredit::channel).toList());
    for (int c = 0; c < got.size(); c++) {
      ChannelCredit g = got.get(c);
      ChannelCredit w = want.get(c);
      assertThat(g.removalEffect())
          .as("removal effect of %s", g.channel())
          .isCloseTo(w.removalEffect(), within(1e-9));
      assertThat(g.valueRemovalEffect())
          .as("value removal effect of %s", g.channel())
          .isCloseTo(w.valueRemovalEffect(), within(1e-9));
      assertThat(g.conversions())
          .as("conversions of %s", g.channel())
          .isCloseTo(w.conversions(), within(1e-9 * w.conversions()));
      assertThat(g.value())
          .as("value of %s", g.channel())
          .isCloseTo(w.value(), within(1e-9 * w.value()));
    }
  }

  @Test
  void markovOrderOneMatchesRecordedCredits() {
    assertSame(MarkovModel.attribute(ReferenceData.channelAttributionData(), 1), recorded());
  }

  @Test
  void recordedCreditsAreTheDenseOracles() {
    assertSame(
        MarkovDenseOracleTest.denseCredits(ReferenceData.channelAttributionData(), 1), recorded());
  }

  @Test
  void recordedCreditsSumToTheTotalsAndValueIsNotSplitByConversionShares() {
    List<PathStat> paths = ReferenceData.channelAttributionData();
    double conversions = paths.stream().mapToDouble(PathStat::conversions).sum();
    double value = paths.stream().mapToDouble(PathStat::value).sum();
    List<ChannelCredit> credits = recorded();
    assertThat(credits).hasSize(12);
    assertThat(credits.stream().mapToDouble(ChannelCredit::conversions).sum())
        .isCloseTo(19_785, within(1e-9 * conversions));
    assertThat(credits.stream().mapToDouble(ChannelCredit::value).sum())
        .isCloseTo(value, within(1e-9 * value));
    // Before issue 16 value followed the conversion shares: alpha got 20,208.14 of 74,802.97.
    ChannelCredit alpha = credits.get(0);
    assertThat(alpha.channel()).isEqualTo("alpha");
    assertThat(value * alpha.conversions() / conversions).isCloseTo(20_208.14, within(0.005));
    assertThat(alpha.value()).isCloseTo(18_799.17, within(0.005));
  }
}
