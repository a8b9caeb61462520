package dev.omnichannel.monitor.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.journey.Journey;
import dev.omnichannel.monitor.journey.JourneyBuilder;
import dev.omnichannel.monitor.journey.JourneyConfig;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import dev.omnichannel.monitor.profile.PersonProfile;
import dev.omnichannel.monitor.profile.ProfileRows;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.heap.HeapKeyedStateBackend;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The person stage against the batch rules: random timelines fed in shuffled order with watermarks
 * in random steps must give exactly the journeys {@link JourneyBuilder} gives over the sorted
 * timeline, in both timings, the same profiles (the stream's hourly deltas merged equal the
 * backfill's one delta), and leave no state but the alerts' channel context.
 */
class PersonFunctionTest {
  private static final long T0 = Instant.parse("2026-02-01T00:00:00Z").toEpochMilli();
  private static final Duration DELAY = Duration.ofMinutes(10);
  private static final EventType[] TYPES = {
    EventType.PAGE_VIEW, EventType.PRODUCT_VIEW, EventType.ADD_TO_CART, EventType.CONTACT_START
  };
  private static final Channel[] CHANNELS = {Channel.WEB, Channel.CHAT, Channel.EMAIL};

  static String person(int i) {
    return String.format("p-%016x", 0x1000L + i);
  }

  static Event event(String id, long t, Channel c, EventType type, String person) {
    Event e = new Event();
    e.eventId = id;
    e.eventTime = t;
    e.channel = (byte) c.ordinal();
    e.eventType = (byte) type.ordinal();
    e.identities = new String[] {"cookie_id:" + person};
    e.value = type == EventType.PURCHASE ? 10.0 : Double.NaN;
    e.personId = person;
    return e;
  }

  private static List<Event> timeline(Random rnd, String person, int n) {
    List<Event> out = new ArrayList<>();
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
      Event e =
          event(
              String.format("%s-e%04d", person, rnd.nextInt(10_000)),
              t,
              CHANNELS[rnd.nextInt(CHANNELS.length)],
              type,
              person);
      if (i % 4 == 1) {
        e.sentiment = ((i * 37) % 21 - 10) / 10.0;
      }
      out.add(e);
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

  private static PersonFunction function(Timing timing) {
    return new PersonFunction(
        JourneyConfig.defaults(),
        PatternCatalogue.builtin(),
        AttributionSettings.DEFAULTS,
        true,
        timing,
        Duration.ofDays(1));
  }

  private static KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> harness(
      Timing timing) throws Exception {
    return ProcessFunctionTestHarnesses.forKeyedBroadcastProcessFunction(
        function(timing),
        e -> Event.personKey(e.personId),
        Types.LONG,
        Tags.END_OF_INPUT,
        LiveSuppressFunction.HASHES);
  }

  /** Journeys by the batch rules over each sorted timeline, closed at {@code end}. */
  private static List<String> expectedJourneys(
      Map<String, List<Event>> byPerson, long end, Map<String, String> journeyOf) {
    List<String> expected = new ArrayList<>();
    for (Map.Entry<String, List<Event>> p : byPerson.entrySet()) {
      List<Event> sorted = new ArrayList<>();
      for (Event e : p.getValue()) {
        sorted.add(e.copy());
      }
      sorted.sort(JourneyBuilder.ORDER);
      JourneyBuilder<Event> b = new JourneyBuilder<>(JourneyConfig.defaults(), p.getKey());
      List<Journey<Event>> journeys = new ArrayList<>();
      for (Event e : sorted) {
        journeys.addAll(b.add(e));
      }
      journeys.addAll(b.finish(end));
      for (Journey<Event> j : journeys) {
        expected.add(describe(JourneyRows.journeyRow(j)));
        for (Event e : j.events()) {
          journeyOf.put(e.eventId, j.journeyId());
        }
      }
    }
    return expected;
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10})
  void shouldGiveTheBatchJourneysWhateverTheArrivalOrderAndWatermarkSteps(long seed)
      throws Exception {
    Random rnd = new Random(seed);
    List<Event> all = new ArrayList<>();
    Map<String, List<Event>> byPerson = new HashMap<>();
    for (int i = 0; i < 3; i++) {
      List<Event> events = timeline(rnd, person(i), 5 + rnd.nextInt(60));
      byPerson.put(person(i), events);
      all.addAll(events);
    }
    long maxTime = all.stream().mapToLong(e -> e.eventTime).max().orElseThrow();
    Map<String, String> expectedJourneyOf = new HashMap<>();
    List<String> expected = expectedJourneys(byPerson, maxTime, expectedJourneyOf);

    KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h =
        harness(Timing.eventTime(DELAY, Duration.ofDays(1)));
    // Arrival: roughly in release order, with local shuffles; the watermark trails behind.
    all.sort((a, b) -> Long.compare(a.eventTime, b.eventTime));
    long watermark = Long.MIN_VALUE;
    for (int i = 0; i < all.size(); ) {
      int n = Math.min(all.size() - i, 1 + rnd.nextInt(6));
      List<Event> chunk = new ArrayList<>(all.subList(i, i + n));
      Collections.shuffle(chunk, rnd);
      for (Event e : chunk) {
        h.processElement(e.copy(), e.eventTime + DELAY.toMillis());
      }
      i += n;
      if (i < all.size() && rnd.nextBoolean()) {
        long next = all.get(i).eventTime + DELAY.toMillis();
        long w = next - 1 - rnd.nextInt(3);
        if (w > watermark) {
          watermark = w;
          h.processBroadcastWatermark(w);
          h.processWatermark(w);
        }
      }
    }
    h.processBroadcastElement(Signal.largest(maxTime), 0);
    int beforeEnd =
        h.getSideOutput(PersonFunction.PROFILES) == null
            ? 0
            : h.getSideOutput(PersonFunction.PROFILES).size();
    h.processBroadcastWatermark(Long.MAX_VALUE);
    h.processWatermark(Long.MAX_VALUE);

    List<String> actual =
        h.getSideOutput(PersonFunction.JOURNEYS).stream().map(r -> describe(r.getValue())).toList();
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    Map<String, String> journeyOf = new HashMap<>();
    for (Event e : h.extractOutputValues()) {
      journeyOf.put(e.eventId, e.journeyId);
    }
    assertThat(journeyOf).isEqualTo(expectedJourneyOf);
    long paths =
        expected.stream()
            .filter(s -> s.contains(" CONVERTED ") || s.contains(" ABANDONED "))
            .count();
    assertThat(h.getSideOutput(PersonFunction.PATHS)).hasSize((int) paths);
    assertOnlyAlertContextLeft(h);
    assertThat(h.numEventTimeTimers()).isZero();
    List<StreamRecord<PersonProfile>> deltas =
        new ArrayList<>(h.getSideOutput(PersonFunction.PROFILES));
    h.close();
    // Before the end of input, a person's deltas go out at whole hours, at most one per hour.
    Map<String, List<Long>> hours = new TreeMap<>();
    for (StreamRecord<PersonProfile> d : deltas.subList(0, beforeEnd)) {
      assertThat(d.getTimestamp() % PersonFunction.PROFILE_INTERVAL_MS).isZero();
      assertThat(d.getValue().asOf).isEqualTo(d.getTimestamp() - DELAY.toMillis());
      hours.computeIfAbsent(d.getValue().personId, k -> new ArrayList<>()).add(d.getTimestamp());
    }
    hours.values().forEach(ts -> assertThat(ts).doesNotHaveDuplicates().isSorted());
    // ... and at the end of input, one more at most, as of the end of input.
    List<String> atEnd = new ArrayList<>();
    for (StreamRecord<PersonProfile> d : deltas.subList(beforeEnd, deltas.size())) {
      assertThat(d.getValue().asOf).isEqualTo(maxTime);
      assertThat(d.getTimestamp()).isEqualTo(Long.MAX_VALUE);
      atEnd.add(d.getValue().personId);
    }
    assertThat(atEnd).doesNotHaveDuplicates();
    Map<String, PersonRow> streamed = profiles(deltas);
    assertThat(streamed.keySet()).isEqualTo(byPerson.keySet());

    // The bounded timing gives the same journeys.
    KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> b = harness(Timing.bounded(null));
    b.processBroadcastElement(Signal.largest(maxTime), 0);
    List<Event> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, rnd);
    for (Event e : shuffled) {
      b.processElement(e.copy(), Long.MIN_VALUE);
    }
    b.processBroadcastWatermark(Long.MAX_VALUE);
    b.processWatermark(Long.MAX_VALUE);
    assertThat(
            b.getSideOutput(PersonFunction.JOURNEYS).stream()
                .map(r -> describe(r.getValue()))
                .toList())
        .containsExactlyInAnyOrderElementsOf(expected);
    // ... and one profile delta per person, which equals the stream's deltas merged
    List<StreamRecord<PersonProfile>> one =
        new ArrayList<>(b.getSideOutput(PersonFunction.PROFILES));
    assertThat(one).hasSize(byPerson.size());
    Map<String, PersonRow> bounded = profiles(one);
    assertThat(streamed).hasSameSizeAs(bounded);
    for (String p : bounded.keySet()) {
      PersonRow r = bounded.get(p);
      assertThat(r.getEvents()).isEqualTo(byPerson.get(p).size());
      List<String> journeys =
          expectedJourneys(Map.of(p, byPerson.get(p)), maxTime, new HashMap<>());
      assertThat(r.getJourneys()).isEqualTo(journeys.size());
      assertThat(r.getJourneysConverted())
          .isEqualTo((int) journeys.stream().filter(j -> j.contains(" CONVERTED ")).count());
      assertThat(r.getJourneysOpen())
          .isEqualTo((int) journeys.stream().filter(j -> j.contains(" OPEN ")).count());
      assertThat(r.getLifetimeValue()).isEqualTo(10.0 * r.getJourneysConverted());
      if (r.getSentimentMean() != null) {
        // doubles summed in another order may differ in the last bits
        assertThat(streamed.get(p).getSentimentMean())
            .isCloseTo(r.getSentimentMean(), org.assertj.core.data.Offset.offset(1e-12));
        streamed.get(p).setSentimentMean(r.getSentimentMean());
      }
      assertThat(streamed.get(p)).as(p).isEqualTo(r);
    }
    HeapKeyedStateBackend<?> backend =
        (HeapKeyedStateBackend<?>) b.getOperator().<Long>getKeyedStateBackend();
    assertThat(backend.numKeyValueStateEntries()).isZero();
    assertThat(b.numEventTimeTimers()).isZero();
    b.close();
  }

  /** Each person's profile deltas merged, as a row (updated_at left at 0). */
  private static Map<String, PersonRow> profiles(List<StreamRecord<PersonProfile>> deltas) {
    Map<String, PersonProfile> merged = new TreeMap<>();
    for (StreamRecord<PersonProfile> d : deltas) {
      merged.computeIfAbsent(d.getValue().personId, PersonProfile::new).merge(d.getValue());
    }
    List<String> types = ProfileRows.frictionTypes(PatternCatalogue.builtin());
    Map<String, PersonRow> rows = new TreeMap<>();
    merged.forEach((p, m) -> rows.put(p, ProfileRows.row(m, types, 0L)));
    return rows;
  }

  /** Every keyed state entry left is the alerts' channel context (expired by its TTL). */
  private static void assertOnlyAlertContextLeft(
      KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h) {
    HeapKeyedStateBackend<?> backend =
        (HeapKeyedStateBackend<?>) h.getOperator().<Long>getKeyedStateBackend();
    assertThat((long) backend.numKeyValueStateEntries())
        .isEqualTo(
            backend
                .getKeys("recent-channels", org.apache.flink.runtime.state.VoidNamespace.INSTANCE)
                .count());
  }

  @Test
  void shouldCloseAbandonedJourneysWhenTheWatermarkPassesTheGapWithoutEndingTheInput()
      throws Exception {
    JourneyConfig cfg = JourneyConfig.defaults();
    KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h =
        harness(Timing.eventTime(DELAY, Duration.ofDays(1)));
    Event e = event("e1", T0, Channel.WEB, EventType.PAGE_VIEW, person(9));
    h.processElement(e, T0 + DELAY.toMillis());
    long gapPassed = T0 + cfg.inactivityGap().toMillis() + DELAY.toMillis();
    h.processBroadcastWatermark(gapPassed - 1);
    h.processWatermark(gapPassed - 1);
    assertThat(h.getSideOutput(PersonFunction.JOURNEYS)).isNull();
    assertThat(h.extractOutputValues()).hasSize(1);
    h.processBroadcastWatermark(gapPassed);
    h.processWatermark(gapPassed);
    // The closed journey waits for the friction horizon before it goes out with its count.
    long horizon = PersonFunction.frictionHorizon(PatternCatalogue.builtin()).toMillis();
    h.processBroadcastWatermark(T0 + horizon + DELAY.toMillis());
    h.processWatermark(T0 + horizon + DELAY.toMillis());
    assertThat(h.getSideOutput(PersonFunction.JOURNEYS))
        .extracting(r -> r.getValue().getStatus())
        .containsExactly("ABANDONED");
    // The profile learned the event (its delta went out at the end of its hour) and then the
    // closing, which goes out at the end of the hour in which the gap passed.
    assertThat(h.getSideOutput(PersonFunction.PROFILES))
        .extracting(r -> r.getTimestamp() + " " + r.getValue().events + " " + r.getValue().journeys)
        .containsExactly((T0 + 3_600_000) + " 1 1");
    long hour = PersonFunction.endOfHour(gapPassed);
    h.processBroadcastWatermark(hour);
    h.processWatermark(hour);
    assertThat(h.getSideOutput(PersonFunction.PROFILES))
        .extracting(
            r ->
                r.getTimestamp()
                    + " "
                    + r.getValue().events
                    + " "
                    + r.getValue().journeys
                    + " "
                    + r.getValue().abandoned
                    + " "
                    + r.getValue().lastJourneyStatus)
        .containsExactly((T0 + 3_600_000) + " 1 1 0 OPEN", hour + " 0 0 1 ABANDONED");
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void aDeltaKeptForTheEndOfItsHourShouldGoOutWhenTheInputEndsFirst() throws Exception {
    // The person's last journey converted: nothing changes at the end of input, yet the delta
    // kept for the end of the hour must go out when the input ends before that hour.
    KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h =
        harness(Timing.eventTime(DELAY, Duration.ofDays(1)));
    String p = person(5);
    h.processElement(
        event("e1", T0, Channel.WEB, EventType.PRODUCT_VIEW, p), T0 + DELAY.toMillis());
    Event buy = event("e2", T0 + 60_000, Channel.WEB, EventType.PURCHASE, p);
    h.processElement(buy, T0 + 60_000 + DELAY.toMillis());
    h.processBroadcastElement(Signal.largest(T0 + 60_000), 0);
    h.processBroadcastWatermark(T0 + 30 * 60_000);
    h.processWatermark(T0 + 30 * 60_000);
    assertThat(h.getSideOutput(PersonFunction.PROFILES)).isNull();
    h.processBroadcastWatermark(Long.MAX_VALUE);
    h.processWatermark(Long.MAX_VALUE);
    assertThat(h.getSideOutput(PersonFunction.PROFILES))
        .extracting(
            r ->
                r.getTimestamp()
                    + " "
                    + r.getValue().events
                    + " "
                    + r.getValue().converted
                    + " "
                    + r.getValue().lastJourneyStatus
                    + " "
                    + r.getValue().asOf)
        .containsExactly(Long.MAX_VALUE + " 2 1 CONVERTED " + (T0 + 60_000));
    assertOnlyAlertContextLeft(h);
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void shouldSendStragglersBehindTheWatermarkToLateEvents() throws Exception {
    KeyedBroadcastOperatorTestHarness<Long, Event, Signal, Event> h =
        harness(Timing.eventTime(DELAY, Duration.ofDays(1)));
    h.processElement(event("e1", T0, Channel.WEB, EventType.PAGE_VIEW, person(1)), T0);
    h.processBroadcastWatermark(T0 + 5_000);
    h.processWatermark(T0 + 5_000);
    h.processElement(event("e0", T0 - 1000, Channel.WEB, EventType.PAGE_VIEW, person(1)), T0 + 1);
    assertThat(h.getSideOutput(PersonFunction.STRAGGLERS))
        .extracting(r -> r.getValue().getEventId() + " " + r.getValue().getLatenessMs())
        .containsExactly("e0 4999");
    h.close();
  }
}
