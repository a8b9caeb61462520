package dev.omnichannel.monitor.journey;

import static dev.omnichannel.monitor.journey.TestEvent.ev;
import static dev.omnichannel.monitor.journey.TestEvent.purchase;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class JourneyBuilderTest {
  private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
  private static final long MIN = 60_000L;
  private static final long DAY = 86_400_000L;
  private static final String PERSON = "p-1";

  // printf 'p-1:e1' | sha256sum | cut -c1-16 (and likewise for e2, e3, e4)
  private static final String J_E1 = "j-1534d3bf04f1fec3";
  private static final String J_E2 = "j-ff978e7bd001cb7e";
  private static final String J_E3 = "j-703eedcacc8884ea";
  private static final String J_E4 = "j-1721abc989f02c6d";

  private static JourneyBuilder<TestEvent> builder() {
    return new JourneyBuilder<>(JourneyConfig.defaults(), PERSON);
  }

  private static JourneyBuilder<TestEvent> builder(int maxEvents) {
    JourneyConfig d = JourneyConfig.defaults();
    return new JourneyBuilder<>(
        new JourneyConfig(
            d.inactivityGap(), maxEvents, d.maxDuration(), d.visitTimeout(), d.dimension()),
        PERSON);
  }

  private static List<String> ids(Journey<TestEvent> j) {
    return j.events().stream().map(TestEvent::eventId).toList();
  }

  @Test
  void shouldCloseConvertedAtPurchaseInclusive() {
    JourneyBuilder<TestEvent> b = builder();
    assertThat(b.add(ev("e1", T0, "WEB", "PRODUCT_VIEW"))).isEmpty();
    assertThat(b.add(ev("e2", T0 + MIN, "WEB", "ADD_TO_CART"))).isEmpty();
    assertThat(b.add(ev("e3", T0 + 10 * MIN, "CHAT", "CONTACT_START"))).isEmpty();
    assertThat(b.openEventCount()).isEqualTo(3);
    List<Journey<TestEvent>> closed = b.add(purchase("e4", T0 + 15 * MIN, "WEB", 99.5));

    assertThat(closed).hasSize(1);
    Journey<TestEvent> j = closed.get(0);
    assertThat(j.journeyId()).isEqualTo(J_E1);
    assertThat(j.personId()).isEqualTo(PERSON);
    assertThat(j.status()).isEqualTo(JourneyStatus.CONVERTED);
    assertThat(ids(j)).containsExactly("e1", "e2", "e3", "e4");
    assertThat(j.startTime()).isEqualTo(T0);
    assertThat(j.endTime()).isEqualTo(T0 + 15 * MIN);
    assertThat(j.eventCount()).isEqualTo(4);
    assertThat(j.converted()).isTrue();
    assertThat(j.conversionValue()).isEqualTo(99.5);
    assertThat(j.conversionEventId()).isEqualTo("e4");
    assertThat(j.channelPath()).isEqualTo("WEB > CHAT > WEB");
    assertThat(j.channels()).containsExactly("CHAT", "WEB");
    assertThat(j.handoffs()).isEqualTo(2);
    assertThat(j.touchCount()).isEqualTo(3);
    assertThat(b.hasOpenJourney()).isFalse();
    assertThat(b.openEventCount()).isZero();
    assertThat(b.lastEventTime()).isEqualTo(T0 + 15 * MIN);
    assertThat(b.finish(T0 + 100 * DAY)).isEmpty();
  }

  @Test
  void shouldConvertSinglePurchaseJourney() {
    JourneyBuilder<TestEvent> b = builder();
    List<Journey<TestEvent>> closed = b.add(purchase("e1", T0, "STORE", 10.0));
    assertThat(closed).extracting(Journey::status).containsExactly(JourneyStatus.CONVERTED);
    assertThat(closed.get(0).journeyId()).isEqualTo(J_E1);
    assertThat(closed.get(0).channelPath()).isEqualTo("STORE");
    assertThat(closed.get(0).handoffs()).isZero();
  }

  @Test
  void shouldAbandonWhenNextEventComesExactlyAtGap() {
    JourneyBuilder<TestEvent> b = builder();
    b.add(ev("e1", T0, "WEB", "PAGE_VIEW"));
    List<Journey<TestEvent>> closed = b.add(ev("e2", T0 + 30 * DAY, "EMAIL", "EMAIL_OPEN"));

    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).status()).isEqualTo(JourneyStatus.ABANDONED);
    assertThat(ids(closed.get(0))).containsExactly("e1");
    assertThat(closed.get(0).journeyId()).isEqualTo(J_E1);
    assertThat(closed.get(0).converted()).isFalse();
    assertThat(closed.get(0).conversionValue()).isNull();
    assertThat(closed.get(0).conversionEventId()).isNull();
    assertThat(b.openEventCount()).isEqualTo(1);

    List<Journey<TestEvent>> rest = b.finish(T0 + 30 * DAY);
    assertThat(rest).extracting(Journey::journeyId).containsExactly(J_E2);
    assertThat(rest.get(0).status()).isEqualTo(JourneyStatus.OPEN);
  }

  @Test
  void shouldNotAbandonOneMillisecondBeforeGap() {
    JourneyBuilder<TestEvent> b = builder();
    b.add(ev("e1", T0, "WEB", "PAGE_VIEW"));
    assertThat(b.add(ev("e2", T0 + 30 * DAY - 1, "WEB", "PAGE_VIEW"))).isEmpty();
    // The gap counts from the previous event, not from the journey's start.
    assertThat(b.add(ev("e3", T0 + 60 * DAY - 2, "WEB", "PAGE_VIEW"))).isEmpty();
    assertThat(b.openEventCount()).isEqualTo(3);
  }

  @Test
  void shouldTruncateAtMaxEventsFromConfig() {
    JourneyBuilder<TestEvent> b = builder(3);
    assertThat(b.add(ev("e1", T0, "WEB", "PAGE_VIEW"))).isEmpty();
    assertThat(b.add(ev("e2", T0 + 1, "WEB", "PAGE_VIEW"))).isEmpty();
    assertThat(b.add(ev("e3", T0 + 2, "WEB", "PAGE_VIEW"))).isEmpty();
    List<Journey<TestEvent>> closed = b.add(ev("e4", T0 + 3, "WEB", "PAGE_VIEW"));

    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).status()).isEqualTo(JourneyStatus.TRUNCATED);
    assertThat(ids(closed.get(0))).containsExactly("e1", "e2", "e3");
    assertThat(b.openEventCount()).isEqualTo(1);
    assertThat(b.finish(T0 + 3)).extracting(Journey::journeyId).containsExactly(J_E4);
  }

  @Test
  void shouldTruncateAtEvent5001WithDefaults() {
    JourneyBuilder<TestEvent> b = builder();
    for (int i = 1; i <= 5000; i++) {
      assertThat(b.add(ev(String.format("e%05d", i), T0 + i * 1000L, "WEB", "PAGE_VIEW")))
          .isEmpty();
    }
    assertThat(b.openEventCount()).isEqualTo(5000);
    List<Journey<TestEvent>> closed = b.add(ev("e05001", T0 + 5001_000L, "WEB", "PAGE_VIEW"));

    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).status()).isEqualTo(JourneyStatus.TRUNCATED);
    assertThat(closed.get(0).eventCount()).isEqualTo(5000);
    assertThat(closed.get(0).events().get(4999).eventId()).isEqualTo("e05000");
    assertThat(closed.get(0).touchCount()).isEqualTo(1);
    assertThat(b.openEventCount()).isEqualTo(1);
  }

  @Test
  void shouldNotTruncateExactlyAtMaxDuration() {
    JourneyBuilder<TestEvent> b = builder();
    for (int d = 0; d <= 90; d += 15) {
      assertThat(b.add(ev("e" + (100 + d), T0 + d * DAY, "WEB", "PAGE_VIEW"))).isEmpty();
    }
    assertThat(b.openEventCount()).isEqualTo(7);
    List<Journey<TestEvent>> end = b.finish(T0 + 90 * DAY);
    assertThat(end.get(0).status()).isEqualTo(JourneyStatus.OPEN);
    assertThat(end.get(0).endTime() - end.get(0).startTime()).isEqualTo(90 * DAY);
  }

  @Test
  void shouldTruncateOneMillisecondPastMaxDuration() {
    JourneyBuilder<TestEvent> b = builder();
    for (int d = 0; d <= 75; d += 15) {
      b.add(ev("e" + (100 + d), T0 + d * DAY, "WEB", "PAGE_VIEW"));
    }
    List<Journey<TestEvent>> closed = b.add(ev("e190", T0 + 90 * DAY + 1, "WEB", "PAGE_VIEW"));

    assertThat(closed).hasSize(1);
    assertThat(closed.get(0).status()).isEqualTo(JourneyStatus.TRUNCATED);
    assertThat(closed.get(0).eventCount()).isEqualTo(6);
    assertThat(closed.get(0).endTime()).isEqualTo(T0 + 75 * DAY);
    assertThat(b.openEventCount()).isEqualTo(1);
  }

  @Test
  void shouldPreferAbandonedOverTruncated() {
    JourneyBuilder<TestEvent> b = builder(1);
    b.add(ev("e1", T0, "WEB", "PAGE_VIEW"));
    assertThat(b.add(ev("e2", T0 + 31 * DAY, "WEB", "PAGE_VIEW")))
        .extracting(Journey::status)
        .containsExactly(JourneyStatus.ABANDONED);
  }

  @Test
  void shouldCloseAbandonedAndConvertedWithOneEvent() {
    JourneyBuilder<TestEvent> b = builder();
    b.add(ev("e1", T0, "WEB", "PRODUCT_VIEW"));
    List<Journey<TestEvent>> closed = b.add(purchase("e2", T0 + 30 * DAY, "STORE", 42.0));

    assertThat(closed).extracting(Journey::journeyId).containsExactly(J_E1, J_E2);
    assertThat(closed)
        .extracting(Journey::status)
        .containsExactly(JourneyStatus.ABANDONED, JourneyStatus.CONVERTED);
    assertThat(closed.get(1).conversionValue()).isEqualTo(42.0);
    assertThat(closed.get(1).conversionEventId()).isEqualTo("e2");
    assertThat(b.hasOpenJourney()).isFalse();
  }

  @Test
  void shouldCloseTruncatedAndConvertedWithOneEvent() {
    JourneyBuilder<TestEvent> b = builder(2);
    b.add(ev("e1", T0, "WEB", "PRODUCT_VIEW"));
    b.add(ev("e2", T0 + MIN, "WEB", "ADD_TO_CART"));
    List<Journey<TestEvent>> closed = b.add(purchase("e3", T0 + 2 * MIN, "WEB", 5.0));

    assertThat(closed).extracting(Journey::journeyId).containsExactly(J_E1, J_E3);
    assertThat(closed)
        .extracting(Journey::status)
        .containsExactly(JourneyStatus.TRUNCATED, JourneyStatus.CONVERTED);
    assertThat(ids(closed.get(1))).containsExactly("e3");
  }

  @Test
  void shouldStartNewJourneyAfterConversion() {
    JourneyBuilder<TestEvent> b = builder();
    b.add(ev("e1", T0, "WEB", "PRODUCT_VIEW"));
    b.add(purchase("e2", T0 + MIN, "WEB", 1.0));
    assertThat(b.add(ev("e3", T0 + 2 * MIN, "WEB", "PAGE_VIEW"))).isEmpty();
    List<Journey<TestEvent>> end = b.finish(T0 + 2 * MIN);
    assertThat(end).extracting(Journey::journeyId).containsExactly(J_E3);
    assertThat(ids(end.get(0))).containsExactly("e3");
  }

  @Test
  void shouldFinishOpenBeforeGap() {
    JourneyBuilder<TestEvent> b = builder();
    b.add(ev("e1", T0, "WEB", "PAGE_VIEW"));
    b.add(ev("e2", T0 + DAY, "WEB", "PAGE_VIEW"));
    List<Journey<TestEvent>> end = b.finish(T0 + DAY + 30 * DAY - 1);

    assertThat(end).hasSize(1);
    assertThat(end.get(0).status()).isEqualTo(JourneyStatus.OPEN);
    assertThat(end.get(0).journeyId()).isEqualTo(J_E1);
    assertThat(end.get(0).eventCount()).isEqualTo(2);
    assertThat(b.hasOpenJourney()).isFalse();
    assertThat(b.finish(T0 + 100 * DAY)).isEmpty();
  }

  @Test
  void shouldFinishAbandonedExactlyAtGap() {
    JourneyBuilder<TestEvent> b = builder();
    b.add(ev("e1", T0, "WEB", "PAGE_VIEW"));
    b.add(ev("e2", T0 + DAY, "WEB", "PAGE_VIEW"));
    List<Journey<TestEvent>> end = b.finish(T0 + DAY + 30 * DAY);

    assertThat(end).extracting(Journey::status).containsExactly(JourneyStatus.ABANDONED);
    assertThat(end.get(0).endTime()).isEqualTo(T0 + DAY);
  }

  @Test
  void shouldReturnNothingWhenFinishingWithoutEvents() {
    JourneyBuilder<TestEvent> b = builder();
    assertThat(b.finish(T0)).isEmpty();
    assertThat(b.hasOpenJourney()).isFalse();
    assertThat(b.lastEventTime()).isEqualTo(Long.MIN_VALUE);
  }

  @Test
  void shouldRejectOutOfOrderEvents() {
    JourneyBuilder<TestEvent> b = builder();
    b.add(ev("e2", T0, "WEB", "PAGE_VIEW"));
    b.add(purchase("e3", T0, "WEB", 1.0));
    assertThatThrownBy(() -> b.add(ev("e1", T0, "WEB", "PAGE_VIEW")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("e1");
    assertThatThrownBy(() -> b.add(ev("e9", T0 - 1, "WEB", "PAGE_VIEW")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("e9");
    assertThat(b.hasOpenJourney()).isFalse();
  }

  @Test
  void shouldOrderByTimeThenEventId() {
    List<TestEvent> events = new ArrayList<>();
    events.add(ev("b", 2, "WEB", "PAGE_VIEW"));
    events.add(ev("z", 1, "WEB", "PAGE_VIEW"));
    events.add(ev("a", 2, "WEB", "PAGE_VIEW"));
    events.sort(JourneyBuilder.ORDER);
    assertThat(events).extracting(TestEvent::eventId).containsExactly("z", "a", "b");
  }

  @Test
  void shouldHaveContractDefaults() {
    JourneyConfig d = JourneyConfig.defaults();
    assertThat(d.inactivityGap()).isEqualTo(Duration.ofDays(30));
    assertThat(d.maxEvents()).isEqualTo(5000);
    assertThat(d.maxDuration()).isEqualTo(Duration.ofDays(90));
    assertThat(d.visitTimeout()).isEqualTo(Duration.ofMinutes(30));
    assertThat(d.dimension()).isEqualTo(AttributionDimension.CHANNEL);
  }

  @Test
  void shouldRejectInvalidConfigNamingFieldAndValue() {
    Duration ok = Duration.ofDays(1);
    AttributionDimension c = AttributionDimension.CHANNEL;
    assertThatThrownBy(() -> new JourneyConfig(Duration.ZERO, 10, ok, ok, c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("inactivityGap")
        .hasMessageContaining("PT0S");
    assertThatThrownBy(() -> new JourneyConfig(ok, 0, ok, ok, c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxEvents")
        .hasMessageContaining("0");
    assertThatThrownBy(() -> new JourneyConfig(ok, 10, Duration.ofHours(-1), ok, c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxDuration")
        .hasMessageContaining("PT-1H");
    assertThatThrownBy(() -> new JourneyConfig(ok, 10, ok, null, c))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("visitTimeout")
        .hasMessageContaining("null");
    assertThatThrownBy(() -> new JourneyConfig(ok, 10, ok, ok, null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("dimension");
  }
}
