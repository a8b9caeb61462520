package dev.omnichannel.monitor.profile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.journey.JourneyStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The profile's counts, how deltas merge, and the row built from them. */
class PersonProfileTest {
  private static final long T0 = Instant.parse("2026-03-01T00:00:00Z").toEpochMilli();
  private static final long HOUR = 3_600_000L;
  private static final long DAY = 24 * HOUR;
  private static final List<String> TYPES = List.of("CART_ABANDONED", "REPEAT_CONTACT");

  private static Event event(long t, Channel c, EventType type, String... identities) {
    Event e = new Event();
    e.eventId = "e" + t;
    e.eventTime = t;
    e.channel = (byte) c.ordinal();
    e.eventType = (byte) type.ordinal();
    e.identities = identities;
    return e;
  }

  @Test
  void shouldCountEventsChannelsSentimentAndTheCanonicalNamespace() {
    PersonProfile p = new PersonProfile("p-0000000000000001");
    Event a = event(T0, Channel.WEB, EventType.PAGE_VIEW, "cookie_id:c1");
    Event b = event(T0 + HOUR, Channel.CHAT, EventType.CONTACT_START, "email:ab12", "cookie_id:c1");
    b.sentiment = -0.5;
    Event c = event(T0 + 2 * HOUR, Channel.WEB, EventType.SURVEY_RESPONSE, "device_id:d1");
    c.sentiment = 0.25;
    Event d = event(T0 + 3 * HOUR, Channel.CHAT, EventType.PAGE_VIEW, "zz_ns:1", "aa_ns:2");
    for (Event e : List.of(a, b, c, d)) {
      p.addEvent(e);
    }
    p.journeysStarted(1);
    p.journeyOpen();
    PersonRow r = ProfileRows.row(p, TYPES, T0 + DAY);
    assertThat(r.getEvents()).isEqualTo(4);
    assertThat(r.getFirstSeen()).isEqualTo(Instant.ofEpochMilli(T0));
    assertThat(r.getLastSeen()).isEqualTo(Instant.ofEpochMilli(T0 + 3 * HOUR));
    assertThat(r.getEventsByChannel()).containsExactly(Map.entry("CHAT", 2), Map.entry("WEB", 2));
    assertThat(r.getChannels()).containsExactly("CHAT", "WEB");
    // a tie goes to the channel first in alphabetical order
    assertThat(r.getPreferredChannel()).isEqualTo("CHAT");
    assertThat(r.getSentimentMean()).isEqualTo(-0.125);
    assertThat(r.getSentimentLatest()).isEqualTo(0.25);
    // email ranks above device_id, cookie_id and the other namespaces
    assertThat(r.getCanonicalNamespace()).isEqualTo("email");
    assertThat(r.getIdentities()).containsExactly(Map.entry("email", 1));
    assertThat(r.getJourneys()).isEqualTo(1);
    assertThat(r.getJourneysOpen()).isEqualTo(1);
    assertThat(r.getLastJourneyStatus()).isEqualTo("OPEN");
    assertThat(r.getFriction())
        .containsExactly(Map.entry("CART_ABANDONED", 0), Map.entry("REPEAT_CONTACT", 0));
    assertThat(r.getUpdatedAt()).isEqualTo(Instant.ofEpochMilli(T0 + DAY));

    PersonProfile others = new PersonProfile("p-0000000000000002");
    others.addEvent(event(T0, Channel.WEB, EventType.PAGE_VIEW, "zz_ns:1", "aa_ns:2"));
    assertThat(others.canonicalNamespace).isEqualTo("aa_ns");
    others.journeysStarted(1);
    others.journeyOpen();
    assertThat(ProfileRows.row(others, TYPES, T0).getSentimentMean()).isNull();
  }

  @Test
  void shouldAddTheIdentityStagesCountsToTheCanonicalIdentity() {
    PersonProfile p = new PersonProfile("p-0000000000000001");
    p.addEvent(event(T0, Channel.WEB, EventType.LOGIN, "customer_id:42", "cookie_id:c1"));
    p.journeysStarted(1);
    p.journeyOpen();
    PersonProfile ids = new PersonProfile("p-0000000000000001");
    ids.addIdentities("cookie_id", 2);
    ids.addIdentities("email", 1);
    ids.rejectedLinks(1);
    PersonProfile more = new PersonProfile("p-0000000000000001");
    more.addIdentities("cookie_id", 1);
    more.rejectedLinks(2);
    assertThat(ids.fromIdentityStage()).isTrue();
    p.merge(ids);
    p.merge(more);
    PersonRow r = ProfileRows.row(p, TYPES, T0);
    assertThat(r.getIdentities())
        .containsExactly(
            Map.entry("customer_id", 1), Map.entry("email", 1), Map.entry("cookie_id", 3));
    assertThat(r.getIdentityCount()).isEqualTo(5);
    assertThat(r.getRejectedLinks()).isEqualTo(3);
  }

  @Test
  void shouldCountJourneysByStatusAndTheLifetimeValue() {
    PersonProfile p = new PersonProfile("p-0000000000000001");
    p.addEvent(event(T0, Channel.WEB, EventType.PURCHASE, "cookie_id:c1"));
    p.journeyClosed(JourneyStatus.CONVERTED, 20.5);
    p.journeyClosed(JourneyStatus.CONVERTED, null);
    p.journeyClosed(JourneyStatus.ABANDONED, null);
    p.journeyClosed(JourneyStatus.TRUNCATED, null);
    p.journeyClosed(JourneyStatus.CONVERTED, 4.5);
    p.journeyClosed(JourneyStatus.OPEN, null); // closed by the end of input: still open
    p.journeysStarted(6);
    PersonRow r = ProfileRows.row(p, TYPES, T0);
    assertThat(r.getJourneys()).isEqualTo(6);
    assertThat(r.getJourneysConverted()).isEqualTo(3);
    assertThat(r.getJourneysAbandoned()).isEqualTo(1);
    assertThat(r.getJourneysTruncated()).isEqualTo(1);
    assertThat(r.getJourneysOpen()).isEqualTo(1);
    assertThat(r.getLastJourneyStatus()).isEqualTo("OPEN");
    assertThat(r.getLifetimeValue()).isEqualTo(25.0);
  }

  @Test
  void openFrictionShouldBeTheLastSevenDaysBeforeTheLastEventAfterTheLastPurchase() {
    PersonProfile p = new PersonProfile("p-0000000000000001");
    p.addEvent(event(T0, Channel.WEB, EventType.ADD_TO_CART, "cookie_id:c1"));
    p.addEvent(event(T0 + DAY, Channel.WEB, EventType.PURCHASE, "cookie_id:c1"));
    p.addEvent(event(T0 + 10 * DAY, Channel.CHAT, EventType.CONTACT_START, "cookie_id:c1"));
    p.friction("CART_ABANDONED", T0); // before the purchase
    p.friction("REPEAT_CONTACT", T0 + 3 * DAY); // the 7 days are (last - 7 days, last]
    p.friction("REPEAT_CONTACT", T0 + 3 * DAY + 1);
    p.friction("REPEAT_CONTACT", T0 + 10 * DAY);
    p.journeysStarted(1);
    p.journeyOpen();
    PersonRow r = ProfileRows.row(p, TYPES, T0);
    assertThat(r.getFriction())
        .containsExactly(Map.entry("CART_ABANDONED", 1), Map.entry("REPEAT_CONTACT", 3));
    assertThat(r.getFrictionCount()).isEqualTo(4);
    assertThat(r.getOpenFriction7d()).isEqualTo(2);
    assertThat(p.recentFriction).containsExactly(T0 + 3 * DAY + 1, T0 + 10 * DAY);

    // a later purchase closes it all
    PersonProfile later = new PersonProfile("p-0000000000000001");
    later.addEvent(event(T0 + 11 * DAY, Channel.WEB, EventType.PURCHASE, "cookie_id:c1"));
    p.merge(later);
    assertThat(ProfileRows.row(p, TYPES, T0).getOpenFriction7d()).isZero();
    assertThat(p.recentFriction).isEmpty();
  }

  @Test
  void deltasMergedInOrderShouldEqualOneDeltaOfEverything() {
    Random rnd = new Random(7);
    for (int round = 0; round < 50; round++) {
      PersonProfile whole = new PersonProfile("p-0000000000000009");
      PersonProfile merged = new PersonProfile("p-0000000000000009");
      PersonProfile delta = new PersonProfile("p-0000000000000009");
      long t = T0;
      for (int i = 0; i < 40; i++) {
        t += rnd.nextInt(3) * DAY / 2;
        EventType type = rnd.nextInt(6) == 0 ? EventType.PURCHASE : EventType.PAGE_VIEW;
        Event e =
            event(
                t,
                Channel.values()[rnd.nextInt(4)],
                type,
                rnd.nextBoolean() ? "cookie_id:c" + i : "device_id:d" + i);
        if (rnd.nextInt(3) == 0) {
          e.sentiment = rnd.nextInt(21) / 10.0 - 1;
        }
        long at = t;
        String friction =
            rnd.nextInt(4) > 0 ? null : rnd.nextBoolean() ? "CART_ABANDONED" : "REPEAT_CONTACT";
        for (PersonProfile p : List.of(whole, delta)) {
          p.addEvent(e);
          if (friction != null) {
            p.friction(friction, at);
          }
        }
        if (type == EventType.PURCHASE) {
          for (PersonProfile p : List.of(whole, delta)) {
            p.journeyClosed(JourneyStatus.CONVERTED, 1.0 * i);
            p.journeysStarted(1);
          }
        }
        if (rnd.nextInt(5) == 0) {
          merged.merge(delta);
          delta = new PersonProfile("p-0000000000000009");
        }
      }
      merged.merge(delta);
      whole.journeysStarted(1);
      whole.journeyOpen();
      PersonProfile last = new PersonProfile("p-0000000000000009");
      last.journeysStarted(1);
      last.journeyOpen();
      merged.merge(last);
      PersonRow a = ProfileRows.row(whole, TYPES, T0);
      PersonRow b = ProfileRows.row(merged, TYPES, T0);
      if (a.getSentimentMean() != null) {
        assertThat(b.getSentimentMean())
            .isCloseTo(a.getSentimentMean(), org.assertj.core.data.Offset.offset(1e-12));
        b.setSentimentMean(a.getSentimentMean());
      }
      assertThat(b).isEqualTo(a);
    }
  }

  @Test
  void aProfileWithoutEventsShouldHaveNoRow() {
    PersonProfile ids = new PersonProfile("p-0000000000000001");
    ids.addIdentities("cookie_id", 1);
    assertThatThrownBy(() -> ProfileRows.row(ids, TYPES, T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("p-0000000000000001");
  }
}
