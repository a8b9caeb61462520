package dev.omnichannel.monitor.journey;

import static dev.omnichannel.monitor.journey.TestEvent.campaign;
import static dev.omnichannel.monitor.journey.TestEvent.ev;
import static dev.omnichannel.monitor.journey.TestEvent.purchase;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TouchTest {
  private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
  private static final long MIN = 60_000L;

  private static Journey<TestEvent> journey(JourneyConfig config, List<TestEvent> events) {
    JourneyBuilder<TestEvent> b = new JourneyBuilder<>(config, "p-1");
    List<Journey<TestEvent>> closed = new ArrayList<>();
    for (TestEvent e : events) {
      closed.addAll(b.add(e));
    }
    closed.addAll(b.finish(events.get(events.size() - 1).eventTime()));
    assertThat(closed).hasSize(1);
    return closed.get(0);
  }

  private static Journey<TestEvent> journey(List<TestEvent> events) {
    return journey(JourneyConfig.defaults(), events);
  }

  @Test
  void shouldContinueTouchExactlyAtVisitTimeout() {
    Journey<TestEvent> j =
        journey(
            List.of(ev("e1", T0, "WEB", "PAGE_VIEW"), ev("e2", T0 + 30 * MIN, "WEB", "PAGE_VIEW")));
    assertThat(j.touches()).containsExactly(new Touch("WEB", T0, T0 + 30 * MIN, 2));
    assertThat(j.channelPath()).isEqualTo("WEB");
  }

  @Test
  void shouldStartNewTouchOneMillisecondAfterVisitTimeoutWithoutHandoff() {
    Journey<TestEvent> j =
        journey(
            List.of(
                ev("e1", T0, "WEB", "PAGE_VIEW"), ev("e2", T0 + 30 * MIN + 1, "WEB", "PAGE_VIEW")));
    assertThat(j.touches())
        .containsExactly(
            new Touch("WEB", T0, T0, 1), new Touch("WEB", T0 + 30 * MIN + 1, T0 + 30 * MIN + 1, 1));
    assertThat(j.touchCount()).isEqualTo(2);
    assertThat(j.channelPath()).isEqualTo("WEB > WEB");
    assertThat(j.handoffs()).isZero();
    assertThat(j.channels()).containsExactly("WEB");
  }

  @Test
  void shouldMeasureVisitTimeoutFromPreviousEventNotTouchStart() {
    Journey<TestEvent> j =
        journey(
            List.of(
                ev("e1", T0, "WEB", "PAGE_VIEW"),
                ev("e2", T0 + 25 * MIN, "WEB", "PAGE_VIEW"),
                ev("e3", T0 + 50 * MIN, "WEB", "PAGE_VIEW"),
                ev("e4", T0 + 75 * MIN, "WEB", "PAGE_VIEW")));
    assertThat(j.touches()).containsExactly(new Touch("WEB", T0, T0 + 75 * MIN, 4));
  }

  @Test
  void shouldBuildPathChannelsAndHandoffs() {
    Journey<TestEvent> j =
        journey(
            List.of(
                ev("e1", T0, "PAID_SEARCH", "AD_CLICK"),
                ev("e2", T0 + MIN, "WEB", "PRODUCT_VIEW"),
                ev("e3", T0 + 2 * MIN, "WEB", "ADD_TO_CART"),
                ev("e4", T0 + 3 * MIN, "CHAT", "CONTACT_START"),
                ev("e5", T0 + 4 * MIN, "WEB", "CHECKOUT_START"),
                ev("e6", T0 + 2 * 60 * MIN, "WEB", "PAGE_VIEW"),
                ev("e7", T0 + 2 * 60 * MIN + 1, "EMAIL", "EMAIL_CLICK")));
    assertThat(j.channelPath()).isEqualTo("PAID_SEARCH > WEB > CHAT > WEB > WEB > EMAIL");
    assertThat(j.channels()).containsExactly("CHAT", "EMAIL", "PAID_SEARCH", "WEB");
    assertThat(j.handoffs()).isEqualTo(4);
    assertThat(j.touchCount()).isEqualTo(6);
    assertThat(j.touches().get(1)).isEqualTo(new Touch("WEB", T0 + MIN, T0 + 2 * MIN, 2));
    assertThat(j.status()).isEqualTo(JourneyStatus.OPEN);
  }

  @Test
  void shouldPutConversionInTheTouchItFallsIn() {
    Journey<TestEvent> j =
        journey(
            List.of(
                ev("e1", T0, "WEB", "PRODUCT_VIEW"),
                ev("e2", T0 + 5 * MIN, "CHAT", "CONTACT_START"),
                purchase("e3", T0 + 10 * MIN, "CHAT", 80.0)));
    assertThat(j.status()).isEqualTo(JourneyStatus.CONVERTED);
    assertThat(j.touches())
        .containsExactly(
            new Touch("WEB", T0, T0, 1), new Touch("CHAT", T0 + 5 * MIN, T0 + 10 * MIN, 2));
    assertThat(j.channelPath()).isEqualTo("WEB > CHAT");
    assertThat(j.handoffs()).isEqualTo(1);
  }

  @Test
  void shouldStartNewTouchForConversionAfterTimeout() {
    Journey<TestEvent> j =
        journey(
            List.of(
                ev("e1", T0, "WEB", "PRODUCT_VIEW"), purchase("e2", T0 + 31 * MIN, "WEB", 80.0)));
    assertThat(j.touches())
        .containsExactly(
            new Touch("WEB", T0, T0, 1), new Touch("WEB", T0 + 31 * MIN, T0 + 31 * MIN, 1));
    assertThat(j.channelPath()).isEqualTo("WEB > WEB");
    assertThat(j.handoffs()).isZero();
  }

  @Test
  void shouldGroupByCampaignWithNoneForMissingCampaign() {
    JourneyConfig config = JourneyConfig.defaults().withDimension(AttributionDimension.CAMPAIGN);
    Journey<TestEvent> j =
        journey(
            config,
            List.of(
                campaign("e1", T0, "DISPLAY", "spring"),
                campaign("e2", T0 + MIN, "WEB", "spring"),
                ev("e3", T0 + 2 * MIN, "WEB", "PAGE_VIEW"),
                ev("e4", T0 + 3 * MIN, "EMAIL", "EMAIL_OPEN"),
                campaign("e5", T0 + 4 * MIN, "EMAIL", "spring")));
    assertThat(j.touches())
        .containsExactly(
            new Touch("spring", T0, T0 + MIN, 2),
            new Touch("(none)", T0 + 2 * MIN, T0 + 3 * MIN, 2),
            new Touch("spring", T0 + 4 * MIN, T0 + 4 * MIN, 1));
    assertThat(j.channelPath()).isEqualTo("spring > (none) > spring");
    assertThat(j.handoffs()).isEqualTo(2);
    assertThat(j.channels()).containsExactly("DISPLAY", "EMAIL", "WEB");
  }

  @Test
  void shouldReadDimensionValues() {
    TestEvent withCampaign = campaign("e1", T0, "SOCIAL", "summer");
    TestEvent without = ev("e2", T0, "SMS", "PAGE_VIEW");
    assertThat(AttributionDimension.CHANNEL.of(withCampaign)).isEqualTo("SOCIAL");
    assertThat(AttributionDimension.CAMPAIGN.of(withCampaign)).isEqualTo("summer");
    assertThat(AttributionDimension.CAMPAIGN.of(without)).isEqualTo("(none)");
  }
}
