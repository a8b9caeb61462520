package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.flow.JourneyPath;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.journey.Journey;
import dev.omnichannel.monitor.journey.JourneyBuilder;
import dev.omnichannel.monitor.journey.JourneyConfig;
import dev.omnichannel.monitor.pipeline.JourneyFunction;
import dev.omnichannel.monitor.pipeline.RowEvent;
import dev.omnichannel.monitor.pipeline.Rows;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The event-time journey operator against the batch rules: random timelines fed in shuffled order
 * with watermarks in random steps must give exactly the journeys {@link JourneyBuilder} gives over
 * the sorted timeline, and leave no state.
 */
class StreamJourneyFunctionTest {
  private static final long T0 = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
  private static final Duration DELAY = Duration.ofMinutes(10);
  private static final EventType[] TYPES = {
    EventType.PAGE_VIEW, EventType.PRODUCT_VIEW, EventType.ADD_TO_CART, EventType.CONTACT_START
  };
  private static final Channel[] CHANNELS = {Channel.WEB, Channel.CHAT, Channel.EMAIL};

  private static List<EventRow> timeline(Random rnd, String person, int n) {
    List<EventRow> out = new ArrayList<>();
    long t = T0;
    for (int i = 0; i < n; i++) {
      int r = rnd.nextInt(100);
      long step =
          r < 50
              ? rnd.nextInt(600_000)
              : r < 80
                  ? rnd.nextInt(86_400_000)
                  : r < 95 ? rnd.nextInt(20) * 86_400_000L : 30L * 86_400_000L + rnd.nextInt(3);
      t += rnd.nextInt(10) == 0 ? 0 : step;
      EventType type = rnd.nextInt(12) == 0 ? EventType.PURCHASE : TYPES[rnd.nextInt(TYPES.length)];
      ChannelEvent e =
          ChannelEvent.newBuilder()
              .setEventId(String.format("%s-e%04d", person, rnd.nextInt(10_000)))
              .setEventTime(Instant.ofEpochMilli(t))
              .setChannel(CHANNELS[rnd.nextInt(CHANNELS.length)])
              .setEventType(type)
              .setValue(type == EventType.PURCHASE ? 10.0 + i : null)
              .setIdentities(List.of(new Identity("cookie_id", person)))
              .build();
      out.add(Rows.eventRow(e, person));
    }
    return out;
  }

  private static String describe(JourneyRow j) {
    return j.getJourneyId()
        + " "
        + j.getStatus()
        + " "
        + j.getEventCount()
        + " "
        + j.getStartTime()
        + ".."
        + j.getEndTime()
        + " "
        + j.getChannelPath();
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void shouldGiveTheBatchJourneysWhateverTheArrivalOrderAndWatermarkSteps(long seed)
      throws Exception {
    Random rnd = new Random(seed);
    JourneyConfig cfg = JourneyConfig.defaults();
    List<EventRow> all = new ArrayList<>();
    Map<String, List<EventRow>> byPerson = new HashMap<>();
    for (String person : List.of("p1", "p2", "p3")) {
      List<EventRow> events = timeline(rnd, person, 5 + rnd.nextInt(60));
      byPerson.put(person, events);
      all.addAll(events);
    }
    long maxTime = all.stream().mapToLong(e -> e.getEventTime().toEpochMilli()).max().orElseThrow();

    // Expected: the batch rules over each sorted timeline, closed at the largest event time.
    List<String> expected = new ArrayList<>();
    Map<String, String> expectedJourneyOf = new HashMap<>();
    for (Map.Entry<String, List<EventRow>> p : byPerson.entrySet()) {
      List<RowEvent> sorted = new ArrayList<>();
      for (EventRow e : p.getValue()) {
        sorted.add(new RowEvent(EventRow.newBuilder(e).build()));
      }
      sorted.sort(JourneyBuilder.ORDER);
      JourneyBuilder<RowEvent> b = new JourneyBuilder<>(cfg, p.getKey());
      List<Journey<RowEvent>> journeys = new ArrayList<>();
      for (RowEvent e : sorted) {
        journeys.addAll(b.add(e));
      }
      journeys.addAll(b.finish(maxTime));
      for (Journey<RowEvent> j : journeys) {
        expected.add(describe(JourneyFunction.journeyRow(j)));
        for (RowEvent e : j.events()) {
          expectedJourneyOf.put(e.eventId(), j.journeyId());
        }
      }
    }

    KeyedBroadcastOperatorTestHarness<String, EventRow, Long, JourneyRow> h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new StreamJourneyFunction(cfg, DELAY, true),
            EventRow::getPersonId,
            Types.STRING,
            Tags.END_OF_INPUT);
    // Arrival: roughly in release order, with local shuffles; the watermark trails behind.
    all.sort(
        (a, b) -> Long.compare(a.getEventTime().toEpochMilli(), b.getEventTime().toEpochMilli()));
    long watermark = Long.MIN_VALUE;
    for (int i = 0; i < all.size(); ) {
      int n = Math.min(all.size() - i, 1 + rnd.nextInt(6));
      List<EventRow> chunk = new ArrayList<>(all.subList(i, i + n));
      Collections.shuffle(chunk, rnd);
      for (EventRow e : chunk) {
        long release = e.getEventTime().toEpochMilli() + DELAY.toMillis();
        h.processElement(EventRow.newBuilder(e).build(), release);
      }
      i += n;
      if (i < all.size() && rnd.nextBoolean()) {
        long next = all.get(i).getEventTime().toEpochMilli() + DELAY.toMillis();
        long w = next - 1 - rnd.nextInt(3);
        if (w > watermark) {
          watermark = w;
          h.processBroadcastWatermark(w);
          h.processWatermark(w);
        }
      }
    }
    h.processBroadcastElement(maxTime, 0);
    h.processBroadcastWatermark(Long.MAX_VALUE);
    h.processWatermark(Long.MAX_VALUE);

    List<String> actual = h.extractOutputValues().stream().map(j -> describe(j)).toList();
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    Map<String, String> journeyOf = new HashMap<>();
    for (StreamRecord<EventRow> r : h.getSideOutput(Tags.EVENTS)) {
      journeyOf.put(r.getValue().getEventId(), r.getValue().getJourneyId());
    }
    assertThat(journeyOf).isEqualTo(expectedJourneyOf);
    long paths =
        expected.stream()
            .filter(s -> s.contains(" CONVERTED ") || s.contains(" ABANDONED "))
            .count();
    List<JourneyPath> emitted =
        h.getSideOutput(Tags.JOURNEY_PATHS).stream().map(StreamRecord::getValue).toList();
    assertThat(emitted).hasSize((int) paths);
    HeapKeyedStateBackend<?> backend =
        (HeapKeyedStateBackend<?>) h.getOperator().<String>getKeyedStateBackend();
    assertThat(backend.numKeyValueStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void shouldCloseAbandonedJourneysWhenTheWatermarkPassesTheGapWithoutEndingTheInput()
      throws Exception {
    JourneyConfig cfg = JourneyConfig.defaults();
    KeyedBroadcastOperatorTestHarness<String, EventRow, Long, JourneyRow> h =
        ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
            new StreamJourneyFunction(cfg, DELAY, false),
            EventRow::getPersonId,
            Types.STRING,
            Tags.END_OF_INPUT);
    List<EventRow> events = timeline(new Random(3), "p9", 1);
    EventRow e = events.get(0);
    e.setEventType("PAGE_VIEW");
    long t = e.getEventTime().toEpochMilli();
    h.processElement(e, t + DELAY.toMillis());
    long gapPassed = t + cfg.inactivityGap().toMillis() + DELAY.toMillis();
    h.processBroadcastWatermark(gapPassed - 1);
    h.processWatermark(gapPassed - 1);
    assertThat(h.extractOutputValues()).isEmpty();
    assertThat(h.getSideOutput(Tags.EVENTS)).hasSize(1);
    h.processBroadcastWatermark(gapPassed);
    h.processWatermark(gapPassed);
    assertThat(h.extractOutputValues())
        .extracting(JourneyRow::getStatus)
        .containsExactly("ABANDONED");
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }
}
