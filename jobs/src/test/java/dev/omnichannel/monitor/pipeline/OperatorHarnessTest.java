package dev.omnichannel.monitor.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.flow.*;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.journey.JourneyConfig;
import dev.omnichannel.monitor.patterns.ConfirmAbsenceFunction;
import dev.omnichannel.monitor.patterns.PatternMatch;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * Each stateful function of the backfill, alone in a test harness: its output at the end of input,
 * and that its state and timers are empty afterwards.
 */
class OperatorHarnessTest {
  private static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");

  static ChannelEvent event(String id, Instant t, EventType type, Identity... ids) {
    return ChannelEvent.newBuilder()
        .setEventId(id)
        .setEventTime(t)
        .setChannel(Channel.WEB)
        .setEventType(type)
        .setIdentities(List.of(ids))
        .build();
  }

  @Test
  void shouldKeepTheEarliestDuplicateAndClearState() throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, ChannelEvent, ChannelEvent> h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new DeduplicateFunction(), ChannelEvent::getEventId, Types.STRING);
    Identity c = new Identity("cookie_id", "c1");
    h.processElement(event("e1", T0.plusSeconds(5), EventType.PAGE_VIEW, c), 0);
    h.processElement(event("e1", T0, EventType.SEARCH, c), 0);
    h.processElement(event("e1", T0, EventType.SEARCH, c), 0);
    h.processElement(event("e2", T0, EventType.PAGE_VIEW, c), 0);
    assertThat(h.numKeyedStateEntries()).isEqualTo(2);
    h.processWatermark(Long.MAX_VALUE);
    List<ChannelEvent> out = h.extractOutputValues();
    assertThat(out).extracting(ChannelEvent::getEventId).containsExactlyInAnyOrder("e1", "e2");
    ChannelEvent kept = out.stream().filter(e -> e.getEventId().equals("e1")).findFirst().get();
    assertThat(kept.getEventTime()).isEqualTo(T0);
    assertThat(kept.getEventType()).isEqualTo(EventType.SEARCH);
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void shouldBreakEqualTimeTiesBySerializedFormWhateverTheOrder() throws Exception {
    Identity c = new Identity("cookie_id", "c1");
    ChannelEvent a = event("e1", T0, EventType.PAGE_VIEW, c);
    ChannelEvent b = event("e1", T0, EventType.SEARCH, c);
    assertThat(EventOrder.keepFirst(a, b)).isNotEqualTo(EventOrder.keepFirst(b, a));
    ChannelEvent winner = EventOrder.keepFirst(a, b) ? a : b;
    for (List<ChannelEvent> order : List.of(List.of(a, b), List.of(b, a))) {
      KeyedOneInputStreamOperatorTestHarness<String, ChannelEvent, ChannelEvent> h =
          ProcessFunctionTestHarnesses.forKeyedProcessFunction(
              new DeduplicateFunction(), ChannelEvent::getEventId, Types.STRING);
      for (ChannelEvent e : order) {
        h.processElement(e, 0);
      }
      h.processWatermark(Long.MAX_VALUE);
      assertThat(h.extractOutputValues()).containsExactly(winner);
      h.close();
    }
  }

  @Test
  void shouldResolveTheGraphAtTheEndAndReportRejectedLinks() throws Exception {
    KeyedOneInputStreamOperatorTestHarness<Integer, IdentityLinks, Tuple2<String, String>> h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new IdentityResolveFunction(Namespaces.DEFAULT_LIMITS), l -> 0, Types.INT);
    // Given out of order on purpose: the function sorts by (time, id).
    h.processElement(
        new IdentityLinks(2000, "e2", new String[] {"customer_id:B", "device_id:tab"}), 0);
    h.processElement(
        new IdentityLinks(1000, "e1", new String[] {"customer_id:A", "device_id:tab"}), 0);
    h.processElement(
        new IdentityLinks(3000, "e3", new String[] {"cookie_id:c9", "customer_id:A"}), 0);
    h.processWatermark(Long.MAX_VALUE);
    Map<String, String> assigned =
        h.extractOutputValues().stream().collect(Collectors.toMap(t -> t.f0, t -> t.f1));
    String a = PersonIds.personId(new IdentityKey("customer_id", "A"));
    String b = PersonIds.personId(new IdentityKey("customer_id", "B"));
    assertThat(assigned)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("customer_id:A", a, "device_id:tab", a, "cookie_id:c9", a, "customer_id:B", b));
    List<IdentityMergeRow> merges =
        h.getSideOutput(Tags.IDENTITY_MERGES).stream().map(StreamRecord::getValue).toList();
    assertThat(merges).hasSize(1);
    assertThat(merges.get(0).getEventId()).isEqualTo("e2");
    assertThat(merges.get(0).getOldPersonId()).isEqualTo(b);
    assertThat(merges.get(0).getNewPersonId()).isEqualTo(a);
    assertThat(merges.get(0).getAccepted()).isFalse();
    assertThat(merges.get(0).getReason()).startsWith("namespace_limit:customer_id");
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void shouldAssignTheGraphPersonOrTheIdentityItself() throws Exception {
    KeyedTwoInputStreamOperatorTestHarness<String, ChannelEvent, Tuple2<String, String>, EventRow>
        h =
            ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
                new AssignPersonFunction(),
                e -> Rows.primary(e).toString(),
                t -> t.f0,
                Types.STRING);
    Identity known = new Identity("cookie_id", "c1");
    Identity alone = new Identity("cookie_id", "c2");
    h.processElement1(event("e1", T0, EventType.PAGE_VIEW, known), 0);
    h.processElement2(Tuple2.of("cookie_id:c1", "p-fromgraph"), 0);
    h.processElement1(event("e2", T0, EventType.PAGE_VIEW, alone), 0);
    h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
    Map<String, String> person =
        h.extractOutputValues().stream()
            .collect(Collectors.toMap(EventRow::getEventId, EventRow::getPersonId));
    assertThat(person)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "e1", "p-fromgraph", "e2", PersonIds.personId(new IdentityKey("cookie_id", "c2"))));
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void shouldCloseJourneysAtTheBroadcastEndOfInputAndTagEvents() throws Exception {
    JourneyConfig cfg = JourneyConfig.defaults();
    KeyedBroadcastOperatorTestHarness<String, EventRow, Long, JourneyRow> h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new JourneyFunction(cfg, null), EventRow::getPersonId, Types.STRING, Tags.END_OF_INPUT);
    Identity c = new Identity("cookie_id", "c1");
    Instant late = T0.plus(Duration.ofDays(40));
    h.processBroadcastElement(late.toEpochMilli(), 0);
    h.processElement(
        Rows.eventRow(event("e2", T0.plusSeconds(60), EventType.PURCHASE, c), "p1"), 0);
    h.processElement(Rows.eventRow(event("e1", T0, EventType.PRODUCT_VIEW, c), "p1"), 0);
    h.processElement(
        Rows.eventRow(event("e3", T0.plus(Duration.ofDays(1)), EventType.PAGE_VIEW, c), "p1"), 0);
    h.processElement(Rows.eventRow(event("e4", late, EventType.PAGE_VIEW, c), "p2"), 0);
    h.processBroadcastWatermark(Long.MAX_VALUE);
    h.processWatermark(Long.MAX_VALUE);
    List<JourneyRow> journeys = h.extractOutputValues();
    assertThat(journeys)
        .extracting(j -> j.getPersonId() + ":" + j.getStatus() + ":" + j.getEventCount())
        .containsExactlyInAnyOrder("p1:CONVERTED:2", "p1:ABANDONED:1", "p2:OPEN:1");
    List<EventRow> tagged =
        h.getSideOutput(Tags.EVENTS).stream().map(StreamRecord::getValue).toList();
    assertThat(tagged).hasSize(4).allSatisfy(e -> assertThat(e.getJourneyId()).startsWith("j-"));
    HeapKeyedStateBackend<?> backend =
        (HeapKeyedStateBackend<?>) h.getOperator().<String>getKeyedStateBackend();
    assertThat(backend.numKeyValueStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  private static JourneyRow journey(String id) {
    return JourneyRow.newBuilder()
        .setJourneyId(id)
        .setPersonId("p1")
        .setStartTime(T0)
        .setEndTime(T0)
        .setStatus("OPEN")
        .setEventCount(1)
        .setTouchCount(1)
        .setChannelPath("WEB")
        .setChannels(List.of("WEB"))
        .setHandoffs(0)
        .setConverted(false)
        .setFrictionCount(0)
        .build();
  }

  private static FrictionRow friction(String journeyId) {
    return FrictionRow.newBuilder()
        .setFrictionType("CART_ABANDONED")
        .setSeverity("LOW")
        .setPersonId("p1")
        .setJourneyId(journeyId)
        .setDetectedAt(T0)
        .setEvidenceEventIds(List.of("e1"))
        .setChannels(List.of("WEB"))
        .build();
  }

  @Test
  void shouldCountFrictionPerJourneyAndClearState() throws Exception {
    KeyedTwoInputStreamOperatorTestHarness<String, JourneyRow, FrictionRow, JourneyRow> h =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new FrictionCountFunction(),
            JourneyRow::getJourneyId,
            FrictionRow::getJourneyId,
            Types.STRING);
    h.processElement2(friction("j1"), 0);
    h.processElement1(journey("j1"), 0);
    h.processElement2(friction("j1"), 0);
    h.processElement1(journey("j2"), 0);
    h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
    Map<String, Integer> counts =
        h.extractOutputValues().stream()
            .collect(Collectors.toMap(JourneyRow::getJourneyId, JourneyRow::getFrictionCount));
    assertThat(counts).containsExactlyInAnyOrderEntriesOf(Map.of("j1", 2, "j2", 0));
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void shouldConfirmAbsencesOnlyOnceTheirWindowHasPassed() throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forBroadcastProcessFunction(
            new ConfirmAbsenceFunction(null), Tags.END_OF_INPUT);
    h.processBroadcastElement(1000L, 0);
    PatternMatch due = new PatternMatch();
    due.absenceDeadline = 1000;
    PatternMatch open = new PatternMatch();
    open.absenceDeadline = 1001;
    PatternMatch plain = new PatternMatch();
    plain.absenceDeadline = Long.MIN_VALUE;
    h.processElement(due, 0);
    h.processElement(open, 0);
    h.processElement(plain, 0);
    assertThat(h.extractOutputValues())
        .extracting(m -> m.absenceDeadline)
        .containsExactly(1000L, Long.MIN_VALUE);
    h.close();
  }
}
