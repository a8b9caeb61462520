package dev.omnichannel.monitor.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventRows;
import dev.omnichannel.monitor.event.Keys;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.journey.JourneyConfig;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The shared dataflow's stateful functions, each alone in a test harness, in both timings: their
 * output, and that their state and timers are empty afterwards.
 */
class FlowOperatorsTest {
  private static final long T0 = Instant.parse("2026-01-05T10:00:00Z").toEpochMilli();
  private static final Timing BOUNDED = Timing.bounded(null);
  private static final Timing LIVE = Timing.eventTime(Duration.ofMinutes(10), Duration.ofDays(1));

  static Event event(String id, long t, EventType type, String... identities) {
    Event e = new Event();
    e.eventId = id;
    e.eventTime = t;
    e.channel = (byte) Channel.WEB.ordinal();
    e.eventType = (byte) type.ordinal();
    e.identities = identities;
    return e;
  }

  private static KeyedOneInputStreamOperatorTestHarness<Long, Event, Event> dedup(Timing timing)
      throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        new DedupFunction(timing), e -> Keys.of(e.eventId), Types.LONG);
  }

  @Test
  void shouldKeepTheEarliestDuplicateAndClearState() throws Exception {
    KeyedOneInputStreamOperatorTestHarness<Long, Event, Event> h = dedup(BOUNDED);
    h.processElement(event("e1", T0 + 5000, EventType.PAGE_VIEW, "cookie_id:c1"), 0);
    h.processElement(event("e1", T0, EventType.SEARCH, "cookie_id:c1"), 0);
    h.processElement(event("e1", T0, EventType.SEARCH, "cookie_id:c1"), 0);
    h.processElement(event("e2", T0, EventType.PAGE_VIEW, "cookie_id:c1"), 0);
    h.processWatermark(Long.MAX_VALUE);
    List<Event> out = h.extractOutputValues();
    assertThat(out).extracting(e -> e.eventId).containsExactlyInAnyOrder("e1", "e2");
    Event kept = out.stream().filter(e -> e.eventId.equals("e1")).findFirst().orElseThrow();
    assertThat(kept.eventTime).isEqualTo(T0);
    assertThat(kept.eventType()).isEqualTo("SEARCH");
    assertThat(h.getSideOutput(DedupFunction.DUPLICATES)).hasSize(2);
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void shouldBreakEqualTimeTiesBySerializedFormWhateverTheOrder() throws Exception {
    Event a = event("e1", T0, EventType.PAGE_VIEW, "cookie_id:c1");
    Event b = event("e1", T0, EventType.SEARCH, "cookie_id:c1");
    assertThat(EventRows.keepFirst(a, b)).isNotEqualTo(EventRows.keepFirst(b, a));
    Event winner = EventRows.keepFirst(a, b) ? a : b;
    for (List<Event> order : List.of(List.of(a, b), List.of(b, a))) {
      KeyedOneInputStreamOperatorTestHarness<Long, Event, Event> h = dedup(BOUNDED);
      for (Event e : order) {
        h.processElement(e.copy(), 0);
      }
      h.processWatermark(Long.MAX_VALUE);
      assertThat(h.extractOutputValues()).containsExactly(winner);
      h.close();
    }
  }

  @Test
  void shouldPassTheFirstRecordOfAnEventIdAtOnceInEventTime() throws Exception {
    KeyedOneInputStreamOperatorTestHarness<Long, Event, Event> h = dedup(LIVE);
    h.processElement(event("e1", T0 + 5000, EventType.PAGE_VIEW, "cookie_id:c1"), T0 + 5000);
    assertThat(h.extractOutputValues()).extracting(e -> e.eventTime).containsExactly(T0 + 5000);
    h.processElement(event("e1", T0, EventType.SEARCH, "cookie_id:c1"), T0);
    assertThat(h.extractOutputValues()).hasSize(1);
    assertThat(h.getSideOutput(DedupFunction.DUPLICATES)).hasSize(1);
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  private static KeyedTwoInputStreamOperatorTestHarness<Long, Event, PersonUpdate, Event> assign(
      Timing timing) throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
        new AssignPersonFunction(timing),
        e -> Keys.of(e.primaryIdentity()),
        u -> Keys.of(u.identity),
        Types.LONG);
  }

  @Test
  void shouldAssignTheGraphPersonOrTheIdentityItself() throws Exception {
    KeyedTwoInputStreamOperatorTestHarness<Long, Event, PersonUpdate, Event> h = assign(BOUNDED);
    h.processElement1(event("e1", T0, EventType.PAGE_VIEW, "cookie_id:c1"), 0);
    h.processElement2(new PersonUpdate("cookie_id:c1", "p-fromgraph", Long.MIN_VALUE, ""), 0);
    h.processElement1(event("e2", T0, EventType.PAGE_VIEW, "cookie_id:c2"), 0);
    h.processElement1(event("e3", T0, EventType.PAGE_VIEW, "cookie_id:c2", "customer_id:C"), 0);
    h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
    Map<String, String> person =
        h.extractOutputValues().stream().collect(Collectors.toMap(e -> e.eventId, e -> e.personId));
    assertThat(person)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "e1",
                "p-fromgraph",
                "e2",
                PersonIds.personId(new IdentityKey("cookie_id", "c2")),
                "e3",
                PersonIds.personId(new IdentityKey("customer_id", "C"))));
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void shouldApplyUpdatesByTimeAndReleaseEventsAfterTheDelay() throws Exception {
    KeyedTwoInputStreamOperatorTestHarness<Long, Event, PersonUpdate, Event> h = assign(LIVE);
    long delay = LIVE.releaseDelayMs();
    h.processElement1(event("e1", T0, EventType.PAGE_VIEW, "cookie_id:c1"), T0);
    h.processElement1(event("e2", T0 + 2 * delay, EventType.PAGE_VIEW, "cookie_id:c1"), T0);
    // The graph's update at T0 + delay arrives before the events it must not apply to.
    h.processElement2(new PersonUpdate("cookie_id:c1", "p-merged", T0 + delay + 1, "x"), T0);
    h.processBothWatermarks(new Watermark(T0 + delay));
    assertThat(h.extractOutputValues())
        .extracting(e -> e.eventId + " " + e.personId)
        .containsExactly("e1 " + PersonIds.personId(new IdentityKey("cookie_id", "c1")));
    h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
    assertThat(h.extractOutputValues())
        .extracting(e -> e.eventId + " " + e.personId)
        .endsWith("e2 p-merged");
    assertThat(h.numEventTimeTimers()).isZero();
    HeapKeyedStateBackend<?> backend =
        (HeapKeyedStateBackend<?>) h.getOperator().<Long>getKeyedStateBackend();
    assertThat((long) backend.numKeyValueStateEntries())
        .isEqualTo(
            backend
                .getKeys("persons", org.apache.flink.runtime.state.VoidNamespace.INSTANCE)
                .count());
    h.close();
  }

  @Test
  void shouldCloseJourneysAtTheBroadcastEndOfInputAndTagEvents() throws Exception {
    KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new PersonFunction(
                JourneyConfig.defaults(),
                dev.omnichannel.monitor.patterns.PatternCatalogue.builtin(),
                dev.omnichannel.monitor.attribution.AttributionSettings.DEFAULTS,
                true,
                BOUNDED,
                Duration.ofDays(1)),
            e -> Event.personKey(e.personId),
            Types.LONG,
            Tags.END_OF_INPUT,
            LiveSuppressFunction.HASHES);
    String p1 = "p-0000000000000001";
    String p2 = "p-0000000000000002";
    long late = T0 + Duration.ofDays(40).toMillis();
    h.processBroadcastElement(Signal.largest(late), 0);
    Event purchase = event("e2", T0 + 60_000, EventType.PURCHASE, "cookie_id:c1");
    purchase.value = 25.0;
    for (Event e :
        List.of(
            purchase,
            event("e1", T0, EventType.PRODUCT_VIEW, "cookie_id:c1"),
            event("e3", T0 + Duration.ofDays(1).toMillis(), EventType.PAGE_VIEW, "cookie_id:c1"))) {
      e.personId = p1;
      h.processElement(e, 0);
    }
    Event other = event("e4", late, EventType.PAGE_VIEW, "cookie_id:c2");
    other.personId = p2;
    h.processElement(other, 0);
    h.processBroadcastWatermark(Long.MAX_VALUE);
    h.processWatermark(Long.MAX_VALUE);
    List<JourneyRow> journeys =
        h.getSideOutput(PersonFunction.JOURNEYS).stream().map(StreamRecord::getValue).toList();
    assertThat(journeys)
        .extracting(j -> j.getPersonId() + ":" + j.getStatus() + ":" + j.getEventCount())
        .containsExactlyInAnyOrder(p1 + ":CONVERTED:2", p1 + ":ABANDONED:1", p2 + ":OPEN:1");
    assertThat(h.extractOutputValues())
        .hasSize(4)
        .allSatisfy(e -> assertThat(e.journeyId).startsWith("j-"));
    // Rule-based credit for the conversion (one channel, WEB): every enabled model gives it 1.
    assertThat(h.getSideOutput(PersonFunction.ATTRIBUTION))
        .isNotEmpty()
        .allSatisfy(r -> assertThat(r.getValue().getCredit()).isEqualTo(1.0));
    assertThat(h.getSideOutput(PersonFunction.PATHS)).hasSize(2);
    HeapKeyedStateBackend<?> backend =
        (HeapKeyedStateBackend<?>) h.getOperator().<Long>getKeyedStateBackend();
    assertThat(backend.numKeyValueStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }
}
