package dev.omnichannel.monitor.generate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.generate.GeneratedData.Rec;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Recomputes every person's journeys from the written files with a small, independent
 * implementation of the design's journey rules, and compares them with the ground truth.
 */
class GeneratorJourneysTest {
  static final long DAY = 86_400_000L;
  static final long GAP = 30 * DAY;
  static final long MAX_DURATION = 90 * DAY;
  static final int MAX_EVENTS = 5000;

  @TempDir static Path tmp;
  static GeneratedData data;

  @BeforeAll
  static void generate() throws IOException {
    data =
        GeneratedData.generate(
            GeneratorConfig.defaults()
                .withCustomers(300)
                .withDays(120)
                .withSeed(7)
                .withBadRatio(0.12),
            tmp);
  }

  @ParameterizedTest
  @MethodSource("dev.omnichannel.monitor.generate.GeneratedData#configurations")
  void shouldMatchJourneysRecomputedFromTheFiles(GeneratorConfig cfg) throws IOException {
    GeneratedData data = GeneratedData.generate(cfg, tmp);
    Map<String, List<Rec>> byPerson = data.eventsByPerson();
    long endOfInput = data.accepted().stream().mapToLong(Rec::time).max().orElseThrow();
    assertThat(data.truth.endOfInputMs()).isEqualTo(endOfInput);
    assertThat(byPerson.keySet()).hasSize(data.truth.persons().size());
    int checked = 0;
    for (GroundTruth.Person p : data.truth.persons()) {
      List<GroundTruth.Journey> expected = journeys(byPerson.get(p.person()), endOfInput);
      assertThat(p.journeys()).as(p.person()).isEqualTo(expected);
      checked += expected.size();
    }
    assertThat(checked).isGreaterThan(cfg.customers());
  }

  @Test
  void shouldCoverEveryJourneyStatusAndCountUnknownEnumEvents() {
    List<String> statuses = new ArrayList<>();
    for (GroundTruth.Person p : data.truth.persons()) {
      for (GroundTruth.Journey j : p.journeys()) {
        statuses.add(j.status());
      }
    }
    assertThat(statuses).contains("CONVERTED", "ABANDONED", "OPEN").doesNotContain("TRUNCATED");
    long unknown =
        data.accepted().stream()
            .filter(r -> "SMART_TV".equals(r.channel()) || "HOVER".equals(r.type()))
            .count();
    assertThat(unknown).isEqualTo(data.truth.counts().unknownEnumEvents()).isPositive();
  }

  /** The design's journey rules, written independently of the generator. */
  static List<GroundTruth.Journey> journeys(List<Rec> events, long endOfInput) {
    List<GroundTruth.Journey> result = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < events.size(); i++) {
      Rec e = events.get(i);
      boolean last = i == events.size() - 1;
      if ("PURCHASE".equals(e.type())) {
        result.add(journey(events, start, i, "CONVERTED"));
        start = i + 1;
        continue;
      }
      if (last) {
        String status = endOfInput - e.time() >= GAP ? "ABANDONED" : "OPEN";
        result.add(journey(events, start, i, status));
        break;
      }
      Rec next = events.get(i + 1);
      if (next.time() - e.time() >= GAP) {
        result.add(journey(events, start, i, "ABANDONED"));
        start = i + 1;
      } else if (i + 1 - start >= MAX_EVENTS
          || next.time() - events.get(start).time() > MAX_DURATION) {
        result.add(journey(events, start, i, "TRUNCATED"));
        start = i + 1;
      }
    }
    return result;
  }

  private static GroundTruth.Journey journey(List<Rec> events, int from, int to, String status) {
    Rec first = events.get(from);
    Rec last = events.get(to);
    boolean converted = status.equals("CONVERTED");
    return new GroundTruth.Journey(
        first.eventId(),
        last.eventId(),
        first.time(),
        last.time(),
        to - from + 1,
        status,
        converted ? last.eventId() : null,
        converted ? last.value() : null,
        touchChannels(events.subList(from, to + 1)),
        touchStarts(events.subList(from, to + 1)));
  }

  /** Indices of the events that start a touch: a new channel, or more than 30 minutes later. */
  private static List<Integer> touchStartIndices(List<Rec> events) {
    List<Integer> starts = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      if (i == 0
          || !channel(events.get(i)).equals(channel(events.get(i - 1)))
          || events.get(i).time() - events.get(i - 1).time() > 30 * 60_000L) {
        starts.add(i);
      }
    }
    return starts;
  }

  private static List<String> touchChannels(List<Rec> events) {
    return touchStartIndices(events).stream().map(i -> channel(events.get(i))).toList();
  }

  private static List<Long> touchStarts(List<Rec> events) {
    return touchStartIndices(events).stream().map(i -> events.get(i).time()).toList();
  }

  /** The channel as the decoder accepts it: unknown spellings become OTHER. */
  private static String channel(Rec r) {
    try {
      return dev.omnichannel.monitor.avro.Channel.valueOf(r.channel()).name();
    } catch (IllegalArgumentException e) {
      return "OTHER";
    }
  }
}
