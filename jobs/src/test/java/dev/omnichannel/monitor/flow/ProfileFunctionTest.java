package dev.omnichannel.monitor.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.journey.JourneyStatus;
import dev.omnichannel.monitor.profile.PersonProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The persons table's operator: profile deltas from the person and identity stages merged into one
 * row per person (bounded), or into a row per hour in which the profile changed, in event-time
 * order (event time).
 */
class ProfileFunctionTest {
  private static final long T0 = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
  private static final long HOUR = PersonFunction.PROFILE_INTERVAL_MS;
  private static final Duration DELAY = Duration.ofMinutes(10);
  private static final String A = "p-000000000000000a";
  private static final String B = "p-000000000000000b";
  private static final List<String> TYPES = List.of("CART_ABANDONED");

  private static KeyedBroadcastOperatorTestHarness<Long, PersonProfile, Signal, PersonRow> harness(
      Timing timing) throws Exception {
    KeyedBroadcastOperatorTestHarness<Long, PersonProfile, Signal, PersonRow> h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new ProfileFunction(timing, TYPES),
            p -> Event.personKey(p.personId),
            Types.LONG,
            LiveSuppressFunction.HASHES);
    // the broadcast side (suppression lists) holds no watermark back
    h.processBroadcastWatermark(Long.MAX_VALUE);
    return h;
  }

  /**
   * A person-stage delta: one WEB page view (customer_id) at {@code t} that starts a journey, as of
   * {@code asOf}.
   */
  private static PersonProfile activity(String person, long t, long asOf) {
    Event e = new Event();
    e.eventId = "e" + t;
    e.eventTime = t;
    e.channel = (byte) Channel.WEB.ordinal();
    e.eventType = (byte) EventType.PAGE_VIEW.ordinal();
    e.identities = new String[] {"customer_id:c-" + person, "cookie_id:k-" + t};
    PersonProfile d = new PersonProfile(person);
    d.addEvent(e);
    d.journeysStarted(1);
    d.journeyOpen();
    d.asOf = asOf;
    return d;
  }

  private static PersonProfile identities(String person, String namespace, int n, int rejected) {
    PersonProfile d = new PersonProfile(person);
    d.addIdentities(namespace, n);
    d.rejectedLinks(rejected);
    return d;
  }

  /** The row, its identities in priority order (the harness copies rows into hash maps). */
  private static String describe(PersonRow r) {
    Map<String, Integer> identities = new TreeMap<>(Namespaces::compare);
    identities.putAll(r.getIdentities());
    return r.getPersonId()
        + " events="
        + r.getEvents()
        + " identities="
        + identities
        + " rejected="
        + r.getRejectedLinks()
        + " journeys="
        + r.getJourneys()
        + "/"
        + r.getLastJourneyStatus()
        + " updated="
        + r.getUpdatedAt();
  }

  @Test
  void shouldWriteOneRowPerPersonWithEventsWhenItsInputEnds() throws Exception {
    KeyedBroadcastOperatorTestHarness<Long, PersonProfile, Signal, PersonRow> h =
        harness(Timing.bounded(null));
    long end = T0 + 5 * HOUR;
    PersonProfile a = activity(A, T0, end);
    a.addEvent(secondEvent(T0 + HOUR));
    a.journeyClosed(JourneyStatus.OPEN, null);
    h.processElement(identities(A, "cookie_id", 2, 1), Long.MIN_VALUE);
    h.processElement(a, Long.MIN_VALUE);
    h.processElement(identities(A, "email", 1, 0), Long.MIN_VALUE);
    // an identity-stage delta alone: a person without events has no row
    h.processElement(identities(B, "cookie_id", 1, 3), Long.MIN_VALUE);
    h.processWatermark(Long.MAX_VALUE);
    assertThat(h.extractOutputValues())
        .extracting(ProfileFunctionTest::describe)
        .containsExactly(
            A
                + " events=2 identities={customer_id=1, email=1, cookie_id=2} rejected=1"
                + " journeys=1/OPEN updated="
                + Instant.ofEpochMilli(end));
    HeapKeyedStateBackend<?> backend =
        (HeapKeyedStateBackend<?>) h.getOperator().<Long>getKeyedStateBackend();
    assertThat(backend.numKeyValueStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  private static Event secondEvent(long t) {
    Event e = new Event();
    e.eventId = "e" + t;
    e.eventTime = t;
    e.channel = (byte) Channel.CHAT.ordinal();
    e.eventType = (byte) EventType.PAGE_VIEW.ordinal();
    e.identities = new String[] {"cookie_id:k-" + t};
    return e;
  }

  @Test
  void shouldMergeDeltasInEventTimeOrderAndWriteARowPerChangedHour() throws Exception {
    Timing timing = Timing.eventTime(DELAY, Duration.ofDays(1));
    KeyedBroadcastOperatorTestHarness<Long, PersonProfile, Signal, PersonRow> h = harness(timing);
    long d = DELAY.toMillis();
    // The identity stage runs ahead: a link at T0 + 5 min concerns events released at
    // T0 + 15 min, so its delta is merged at the end of that hour, with the person stage's.
    h.processElement(identities(A, "cookie_id", 1, 0), T0 + 5 * 60_000);
    h.processWatermark(T0 + 20 * 60_000);
    assertThat(h.extractOutputValues()).isEmpty();
    h.processElement(activity(A, T0 + 5 * 60_000, T0 + HOUR - d), T0 + HOUR);
    h.processWatermark(T0 + HOUR);
    // Only the identity stage's: merged at the end of the hour its events are released in.
    h.processElement(identities(A, "email", 1, 2), T0 + 2 * HOUR + 30 * 60_000);
    h.processWatermark(T0 + 4 * HOUR);
    // A person-stage delta and an identity-stage delta of the same hour: one row.
    h.processElement(identities(A, "device_id", 1, 0), T0 + 4 * HOUR + 5 * 60_000);
    PersonProfile closed = new PersonProfile(A);
    closed.journeyClosed(JourneyStatus.ABANDONED, null);
    closed.asOf = T0 + 5 * HOUR - d;
    h.processElement(closed, T0 + 5 * HOUR);
    // B: nothing but identities, never a row
    h.processElement(identities(B, "cookie_id", 4, 1), T0 + 4 * HOUR);
    h.processWatermark(T0 + 6 * HOUR);
    assertThat(h.extractOutputValues())
        .extracting(ProfileFunctionTest::describe)
        .containsExactly(
            A
                + " events=1 identities={customer_id=1, cookie_id=1} rejected=0 journeys=1/OPEN"
                + " updated="
                + Instant.ofEpochMilli(T0 + HOUR - d),
            A
                + " events=1 identities={customer_id=1, email=1, cookie_id=1} rejected=2"
                + " journeys=1/OPEN updated="
                + Instant.ofEpochMilli(T0 + 3 * HOUR - d),
            A
                + " events=1 identities={customer_id=1, email=1, device_id=1, cookie_id=1}"
                + " rejected=2 journeys=1/ABANDONED updated="
                + Instant.ofEpochMilli(T0 + 5 * HOUR - d));
    assertThat(h.numEventTimeTimers()).isZero();
    // What is kept: the two merged profiles, nothing waiting.
    HeapKeyedStateBackend<?> backend =
        (HeapKeyedStateBackend<?>) h.getOperator().<Long>getKeyedStateBackend();
    assertThat(backend.numKeyValueStateEntries()).isEqualTo(2);
    assertThat(
            backend
                .getKeys("profile", org.apache.flink.runtime.state.VoidNamespace.INSTANCE)
                .count())
        .isEqualTo(2);
    h.close();
  }

  @Test
  void updatedAtShouldStrictlyIncreaseBetweenAPersonsRows() throws Exception {
    Timing timing = Timing.eventTime(DELAY, Duration.ofDays(1));
    KeyedBroadcastOperatorTestHarness<Long, PersonProfile, Signal, PersonRow> h = harness(timing);
    long end = T0 + 3 * HOUR;
    // At the end of input each person-stage call sends its delta as of the end of input; an
    // identity-only hour after them (as of 00:50) still comes after them.
    h.processElement(activity(A, T0, end), T0 + 20 * 60_000);
    h.processElement(activity(A, T0 + 1, end), T0 + 30 * 60_000);
    h.processElement(identities(A, "email", 1, 0), T0 + 5 * 60_000);
    h.processWatermark(Long.MAX_VALUE);
    List<PersonRow> rows = h.extractOutputValues();
    assertThat(rows)
        .extracting(r -> r.getUpdatedAt().toEpochMilli())
        .containsExactly(end, end + 1, end + 2);
    assertThat(rows.get(2).getIdentities()).isEqualTo(Map.of("customer_id", 1, "email", 1));
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }
}
