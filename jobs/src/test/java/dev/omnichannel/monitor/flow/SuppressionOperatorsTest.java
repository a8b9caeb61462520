package dev.omnichannel.monitor.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.SuppressionList;
import dev.omnichannel.monitor.journey.JourneyConfig;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import dev.omnichannel.monitor.profile.PersonProfile;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.BroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The suppression list inside the dataflow: the filters drop the events of listed identities, and
 * when the list grows in stream mode the person-keyed operators clear the erased person's state, so
 * that nothing of the person comes out afterwards, while the other persons' results are exactly
 * those of a run that never saw the erased person.
 */
class SuppressionOperatorsTest {
  private static final long T0 = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
  private static final long MIN = 60_000;
  private static final Duration DELAY = Duration.ofMinutes(10);

  private static final String X_ID = "customer_id:cx";
  private static final String Y_ID = "customer_id:cy";
  private static final String X = PersonIds.personId(IdentityKey.parse(X_ID));
  private static final String Y = PersonIds.personId(IdentityKey.parse(Y_ID));

  private static Event event(String id, long t, Channel c, EventType type, String person) {
    Event e = new Event();
    e.eventId = id;
    e.eventTime = t;
    e.channel = (byte) c.ordinal();
    e.eventType = (byte) type.ordinal();
    String own = person.equals(X) ? X_ID : Y_ID;
    e.identities = new String[] {own, "cookie_id:k-" + person};
    e.personId = person;
    return e;
  }

  @Test
  void theBackfillFilterShouldDropEveryEventCarryingAListedIdentity() throws Exception {
    OneInputStreamOperatorTestHarness<Event, Event> h =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new SuppressFunction(SuppressionList.of(List.of("cookie_id:k-" + X))));
    h.processElement(event("x1", T0, Channel.WEB, EventType.PAGE_VIEW, X), T0);
    h.processElement(event("y1", T0, Channel.WEB, EventType.PAGE_VIEW, Y), T0);
    Event onlyCustomer = event("x2", T0, Channel.WEB, EventType.PAGE_VIEW, X);
    onlyCustomer.identities = new String[] {X_ID};
    h.processElement(onlyCustomer, T0);
    // an event is suppressed when any of its identities is listed; x2 carries none of them
    assertThat(h.extractOutputValues()).extracting(e -> e.eventId).containsExactly("y1", "x2");
    h.close();
  }

  @Test
  void theLiveFilterShouldDropEventsOfListedIdentitiesFromTheListsArrivalOn() throws Exception {
    BroadcastOperatorTestHarness<Event, Signal, Event> h =
        ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
            new LiveSuppressFunction(SuppressionList.of(List.of("email:started-with"))),
            LiveSuppressFunction.HASHES);
    Event early = event("x0", T0, Channel.WEB, EventType.PAGE_VIEW, X);
    Event started = event("z0", T0, Channel.WEB, EventType.PAGE_VIEW, Y);
    started.identities = new String[] {"email:started-with"};
    h.processElement(early, T0);
    h.processElement(started, T0);
    h.processBroadcastElement(Signal.suppressed(SuppressionList.of(List.of(X_ID))), T0);
    h.processElement(event("x1", T0 + MIN, Channel.WEB, EventType.PAGE_VIEW, X), T0 + MIN);
    h.processElement(event("y1", T0 + MIN, Channel.WEB, EventType.PAGE_VIEW, Y), T0 + MIN);
    assertThat(h.extractOutputValues()).extracting(e -> e.eventId).containsExactly("x0", "y1");
    assertThat(h.getSideOutput(SuppressFunction.SUPPRESSED))
        .extracting(r -> r.getValue().eventId)
        .containsExactly("z0", "x1");
    // the list is kept in broadcast state (checkpointed)
    assertThat(
            LiveSuppressFunction.fromState(
                    h.getOperator()
                        .getOperatorStateBackend()
                        .getBroadcastState(LiveSuppressFunction.HASHES))
                .hashes())
        .containsExactly(SuppressionList.hash(X_ID));
    h.close();
  }

  private static KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> personHarness()
      throws Exception {
    KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new PersonFunction(
                JourneyConfig.defaults(),
                PatternCatalogue.builtin(),
                AttributionSettings.DEFAULTS,
                true,
                Timing.eventTime(DELAY, Duration.ofDays(1)),
                Duration.ofDays(1)),
            e -> Event.personKey(e.personId),
            Types.LONG,
            Tags.END_OF_INPUT,
            LiveSuppressFunction.HASHES);
    h.processBroadcastWatermark(Long.MAX_VALUE);
    return h;
  }

  /**
   * Before the erasure: a view, a cart and two unresolved contacts (an open journey, a cart waiting
   * for its 72 h absence, contacts waiting for more, a profile delta waiting for its hour).
   */
  private static List<Event> before(String p) {
    String s = p.substring(2, 6);
    List<Event> out = new ArrayList<>();
    out.add(event(s + "-1", T0, Channel.WEB, EventType.PRODUCT_VIEW, p));
    out.add(event(s + "-2", T0 + MIN, Channel.WEB, EventType.ADD_TO_CART, p));
    Event c1 = event(s + "-3", T0 + 2 * MIN, Channel.CHAT, EventType.CONTACT_START, p);
    c1.outcome = "UNRESOLVED";
    out.add(c1);
    return out;
  }

  /** After the erasure: more contacts (an alert for a person not erased) and a purchase. */
  private static List<Event> after(String p) {
    String s = p.substring(2, 6);
    List<Event> out = new ArrayList<>();
    out.add(event(s + "-4", T0 + 30 * MIN, Channel.VOICE, EventType.CONTACT_START, p));
    out.add(event(s + "-5", T0 + 31 * MIN, Channel.EMAIL, EventType.CONTACT_START, p));
    Event buy = event(s + "-6", T0 + 40 * MIN, Channel.WEB, EventType.PURCHASE, p);
    buy.value = 20.0;
    out.add(buy);
    return out;
  }

  private static void feed(
      KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h, List<Event> events)
      throws Exception {
    for (Event e : events) {
      h.processElement(e.copy(), e.eventTime + DELAY.toMillis());
    }
  }

  @Test
  void anErasedPersonsStateShouldBeClearedAndNothingOfThemComeOutAfterwards() throws Exception {
    KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h = personHarness();
    KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> control = personHarness();
    feed(h, before(X));
    feed(h, before(Y));
    feed(control, before(Y));
    long w = T0 + 20 * MIN;
    h.processWatermark(w);
    control.processWatermark(w);
    int xEvents = h.extractOutputValues().size() - control.extractOutputValues().size();
    assertThat(xEvents).as("X's events taken before the erasure").isEqualTo(3);
    HeapKeyedStateBackend<?> backend =
        (HeapKeyedStateBackend<?>) h.getOperator().<Long>getKeyedStateBackend();
    HeapKeyedStateBackend<?> controlBackend =
        (HeapKeyedStateBackend<?>) control.getOperator().<Long>getKeyedStateBackend();
    assertThat(backend.numKeyValueStateEntries())
        .as("X holds state before the erasure")
        .isGreaterThan(controlBackend.numKeyValueStateEntries());
    int outputsBefore = h.getOutput().size();

    h.processBroadcastElement(Signal.suppressed(SuppressionList.of(List.of(X_ID))), w);

    // every state entry of X is gone at once: what is left is exactly Y's
    assertThat(backend.numKeyValueStateEntries())
        .isEqualTo(controlBackend.numKeyValueStateEntries());
    assertThat(h.getOutput()).hasSize(outputsBefore);

    // X's events still in flight when the list changed are dropped, and said so
    feed(h, after(X));
    feed(h, after(Y));
    feed(control, after(Y));
    h.processWatermark(Long.MAX_VALUE);
    control.processWatermark(Long.MAX_VALUE);
    assertThat(h.getSideOutput(PersonFunction.SUPPRESSED))
        .extracting(r -> r.getValue().eventId)
        .containsExactlyInAnyOrderElementsOf(after(X).stream().map(e -> e.eventId).toList());
    // from the erasure on, only Y comes out, exactly as in a run that never saw X
    List<Object> afterwards =
        new ArrayList<>(h.getOutput()).subList(outputsBefore, h.getOutput().size());
    assertThat(describe(afterwards)).isEqualTo(describe(tail(control, outputsBefore - xEvents)));
    assertThat(afterwards).isNotEmpty();
    for (Object o : afterwards) {
      assertThat(String.valueOf(o)).doesNotContain(X.substring(2));
    }
    assertThat(h.getSideOutput(PersonFunction.ALERTS))
        .extracting(StreamRecord::getValue)
        .isNotEmpty()
        .allSatisfy(a -> assertThat(a).contains(Y).doesNotContain(X));
    assertThat(h.getSideOutput(PersonFunction.JOURNEYS))
        .extracting(r -> ((JourneyRow) r.getValue()).getPersonId())
        .containsOnly(Y);
    assertThat(h.getSideOutput(PersonFunction.PROFILES))
        .extracting(r -> r.getValue().personId)
        .containsOnly(Y);
    assertThat(backend.numKeyValueStateEntries())
        .isEqualTo(controlBackend.numKeyValueStateEntries());
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
    control.close();
  }

  /**
   * Events of the erased person that have reached the person stage but wait there for the watermark
   * (released upstream, not yet taken) when the list arrives: they were counted accepted and are
   * never written, so they must go to {@link PersonFunction#SUPPRESSED} (counted suppressed
   * instead) rather than vanish with the person's state.
   */
  @Test
  void anErasedPersonsEventsWaitingForTheWatermarkShouldBeCountedSuppressed() throws Exception {
    KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h = personHarness();
    feed(h, before(X));
    long w = T0 + 20 * MIN;
    h.processWatermark(w);
    assertThat(h.extractOutputValues()).extracting(e -> e.eventId).hasSize(3);
    // released for the person stage, which has not seen the watermark that released them yet
    feed(h, after(X));
    feed(h, after(Y));

    h.processBroadcastElement(Signal.suppressed(SuppressionList.of(List.of(X_ID))), w);
    h.processWatermark(Long.MAX_VALUE);

    assertThat(h.getSideOutput(PersonFunction.SUPPRESSED))
        .extracting(r -> r.getValue().eventId)
        .containsExactlyInAnyOrderElementsOf(after(X).stream().map(e -> e.eventId).toList());
    assertThat(h.extractOutputValues())
        .extracting(e -> e.eventId)
        .containsExactlyElementsOf(
            java.util.stream.Stream.concat(before(X).stream(), after(Y).stream())
                .map(e -> e.eventId)
                .toList());
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  private static List<Object> tail(
      KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h, int from) {
    List<Object> all = new ArrayList<>(h.getOutput());
    return all.subList(from, all.size());
  }

  /** Records and watermarks, as text, for comparing two runs' outputs. */
  private static List<String> describe(List<Object> output) {
    List<String> out = new ArrayList<>();
    for (Object o : output) {
      out.add(
          o instanceof StreamRecord<?> r
              ? r.getTimestamp() + " " + ((Event) r.getValue()).eventId
              : String.valueOf(o));
    }
    return out;
  }

  private static KeyedBroadcastOperatorTestHarness<Long, PersonProfile, Signal, PersonRow>
      profileHarness() throws Exception {
    KeyedBroadcastOperatorTestHarness<Long, PersonProfile, Signal, PersonRow> h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new ProfileFunction(Timing.eventTime(DELAY, Duration.ofDays(1)), List.of()),
            p -> Event.personKey(p.personId),
            Types.LONG,
            LiveSuppressFunction.HASHES);
    h.processBroadcastWatermark(Long.MAX_VALUE);
    return h;
  }

  private static PersonProfile delta(String person, long t) {
    PersonProfile d = new PersonProfile(person);
    d.addEvent(event(person + t, t, Channel.WEB, EventType.PAGE_VIEW, person));
    d.journeysStarted(1);
    d.journeyOpen();
    d.asOf = t;
    return d;
  }

  @Test
  void anErasedPersonsProfileShouldBeClearedAndNoRowWrittenAfterwards() throws Exception {
    KeyedBroadcastOperatorTestHarness<Long, PersonProfile, Signal, PersonRow> h = profileHarness();
    long hour = PersonFunction.PROFILE_INTERVAL_MS;
    h.processElement(delta(X, T0), T0 + hour);
    h.processElement(delta(Y, T0), T0 + hour);
    h.processWatermark(T0 + hour);
    assertThat(h.extractOutputValues()).extracting(r -> r.getPersonId()).containsOnly(X, Y);
    // deltas waiting for their hour when the list arrives
    h.processElement(delta(X, T0 + hour), T0 + 2 * hour);
    h.processElement(delta(Y, T0 + hour), T0 + 2 * hour);
    HeapKeyedStateBackend<?> backend =
        (HeapKeyedStateBackend<?>) h.getOperator().<Long>getKeyedStateBackend();
    assertThat(backend.numKeyValueStateEntries()).isEqualTo(4);

    h.processBroadcastElement(Signal.suppressed(SuppressionList.of(List.of(X_ID))), T0);

    assertThat(backend.numKeyValueStateEntries()).as("only Y's profile and delta").isEqualTo(2);
    // a delta of X that was on its way
    h.processElement(delta(X, T0 + 2 * hour), T0 + 3 * hour);
    h.processWatermark(Long.MAX_VALUE);
    ConcurrentLinkedQueue<Object> out = h.getOutput();
    assertThat(h.extractOutputValues())
        .extracting(r -> r.getPersonId() + " " + r.getEvents())
        .containsExactly(X + " 1", Y + " 1", Y + " 2");
    assertThat(out).isNotEmpty();
    assertThat(backend.numKeyValueStateEntries()).isEqualTo(1);
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }
}
