package dev.omnichannel.monitor.flow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.omnichannel.monitor.attribution.AttributionModel;
import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.attribution.AttributionWindows;
import dev.omnichannel.monitor.avro.AttributionChannelRow;
import dev.omnichannel.monitor.avro.AttributionRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The attribution operators in test harnesses: exact outputs for hand-computed cases, and empty
 * state and timers at the end.
 */
class AttributionOperatorsTest {
  private static final double EXACT = 1e-12;
  private static final long DAY = 86_400_000L;
  private static final long T0 = Instant.parse("2026-03-04T10:00:00Z").toEpochMilli();

  private static JourneyPath path(
      String id, boolean converted, Double value, long end, String... touches) {
    JourneyPath p = new JourneyPath();
    p.journeyId = "j-" + id;
    p.personId = "p-" + id;
    p.conversionEventId = converted ? "e-" + id : null;
    p.converted = converted;
    p.value = value;
    p.endTime = end;
    p.touches = touches;
    p.touchStarts = new long[touches.length];
    for (int i = 0; i < touches.length; i++) {
      p.touchStarts[i] = end - (touches.length - i) * 3_600_000L;
    }
    p.window = AttributionWindows.SPAN_OF_DATA;
    return p;
  }

  @Test
  void shouldSolveOncePerWindowFromTheLatestPathCountsAndClearState() throws Exception {
    SolveWindowFunction fn =
        new SolveWindowFunction(
            AttributionSettings.DEFAULTS,
            new AttributionWindows(AttributionWindows.Kind.RANGE, null, null));
    KeyedOneInputStreamOperatorTestHarness<Long, PathAggregate, AttributionChannelRow> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(fn), a -> a.window, Types.LONG);
    h.open();
    PathAggregate a = PathAggregate.of(path("1", true, 10.0, T0, "A"));
    PathAggregate aa = PathAggregate.merge(a, PathAggregate.of(path("2", false, null, T0, "A")));
    PathAggregate ca = PathAggregate.of(path("3", false, null, T0 + 2 * DAY, "C", "A"));
    // A rolling sum: the second aggregate for path A replaces the first.
    h.processElement(a, 0);
    h.processElement(aa, 0);
    h.processElement(ca, 0);
    assertThat(h.extractOutputValues()).isEmpty();
    h.processWatermark(new Watermark(Long.MAX_VALUE));

    // Counts: start→A 2, start→C 1, C→A 1, A→conv 1, A→null 2 (see MarkovModelTest).
    Map<String, AttributionChannelRow> rows = new TreeMap<>();
    for (AttributionChannelRow r : h.extractOutputValues()) {
      rows.put(r.getModel() + "/" + r.getChannel(), r);
      assertThat(r.getWindowStart()).isEqualTo(Instant.parse("2026-03-04T00:00:00Z"));
      assertThat(r.getWindowEnd()).isEqualTo(Instant.parse("2026-03-07T00:00:00Z"));
    }
    assertThat(rows).containsOnlyKeys("MARKOV/A", "MARKOV/C", "SHAPLEY/A", "SHAPLEY/C");
    assertThat(rows.get("MARKOV/A").getRemovalEffect()).isCloseTo(1.0, within(EXACT));
    assertThat(rows.get("MARKOV/C").getRemovalEffect()).isCloseTo(1.0 / 3, within(EXACT));
    assertThat(rows.get("MARKOV/A").getAttributedConversions()).isCloseTo(0.75, within(EXACT));
    assertThat(rows.get("MARKOV/C").getAttributedValue()).isCloseTo(2.5, within(EXACT));
    assertThat(rows.get("SHAPLEY/A").getAttributedConversions()).isEqualTo(1.0);
    assertThat(rows.get("SHAPLEY/A").getRemovalEffect()).isNull();
    assertThat(rows.get("SHAPLEY/C").getAttributedConversions()).isEqualTo(0.0);

    List<String> credits = new ArrayList<>();
    for (StreamRecord<PathCredit> r : h.getSideOutput(Tags.PATH_CREDITS)) {
      PathCredit c = r.getValue();
      credits.add(c.key + " " + c.model + " " + List.of(c.channels) + " " + c.shares[0]);
    }
    assertThat(credits)
        .containsExactlyInAnyOrder(
            AttributionWindows.SPAN_OF_DATA + "|A MARKOV [A] 1.0",
            AttributionWindows.SPAN_OF_DATA + "|A SHAPLEY [A] 1.0");
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void shouldSolveOnlyTheEnabledModels() throws Exception {
    SolveWindowFunction fn =
        new SolveWindowFunction(
            new AttributionSettings(EnumSet.of(AttributionModel.SHAPLEY), 1, Duration.ofDays(7)),
            new AttributionWindows(AttributionWindows.Kind.DAY, null, null));
    KeyedOneInputStreamOperatorTestHarness<Long, PathAggregate, AttributionChannelRow> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(fn), a -> a.window, Types.LONG);
    h.open();
    JourneyPath p = path("1", true, 8.0, T0, "A", "B", "A");
    p.window = Math.floorDiv(T0, DAY) * DAY;
    h.processElement(PathAggregate.of(p), 0);
    h.processWatermark(new Watermark(Long.MAX_VALUE));
    Map<String, Double> shapley = new TreeMap<>();
    for (AttributionChannelRow r : h.extractOutputValues()) {
      assertThat(r.getModel()).isEqualTo("SHAPLEY");
      assertThat(r.getWindowEnd().toEpochMilli() - r.getWindowStart().toEpochMilli())
          .isEqualTo(DAY);
      shapley.put(r.getChannel(), r.getAttributedValue());
    }
    assertThat(shapley).isEqualTo(Map.of("A", 4.0, "B", 4.0));
    assertThat(h.getSideOutput(Tags.PATH_CREDITS)).hasSize(1);
    assertThat(h.numKeyedStateEntries()).isZero();
    h.close();
  }

  @Test
  void shouldSpreadEachPathsSharesOntoItsConversionsAndClearState() throws Exception {
    KeyedTwoInputStreamOperatorTestHarness<String, JourneyPath, PathCredit, AttributionRow> h =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new SpreadCreditFunction(), JourneyPath::windowPathKey, c -> c.key, Types.STRING);
    JourneyPath p1 = path("1", true, 100.0, T0, "A", "B");
    JourneyPath p2 = path("2", true, null, T0 + 5, "A", "B");
    String key = p1.windowPathKey();
    h.processElement1(p1, 0);
    h.processElement2(
        new PathCredit(
            key,
            "MARKOV",
            new String[] {"A", "B"},
            new double[] {0.25, 0.75},
            new double[] {0.4, 0.6}),
        0);
    h.processElement1(p2, 0);
    h.processElement2(
        new PathCredit(
            key,
            "SHAPLEY",
            new String[] {"A", "B"},
            new double[] {0.5, 0.5},
            new double[] {0.5, 0.5}),
        0);
    h.processBothWatermarks(new Watermark(Long.MAX_VALUE));
    List<String> rows = new ArrayList<>();
    for (AttributionRow r : h.extractOutputValues()) {
      rows.add(
          String.join(
              " ",
              r.getConversionEventId(),
              r.getJourneyId(),
              r.getModel(),
              r.getChannel(),
              String.valueOf(r.getCredit()),
              String.valueOf(r.getCreditedValue()),
              r.getConversionTime().toString()));
    }
    String t1 = Instant.ofEpochMilli(T0).toString();
    String t2 = Instant.ofEpochMilli(T0 + 5).toString();
    assertThat(rows)
        .containsExactly(
            // MARKOV spreads the value by its value shares, not by the credits
            "e-1 j-1 MARKOV A 0.25 40.0 " + t1,
            "e-1 j-1 MARKOV B 0.75 60.0 " + t1,
            "e-1 j-1 SHAPLEY A 0.5 50.0 " + t1,
            "e-1 j-1 SHAPLEY B 0.5 50.0 " + t1,
            "e-2 j-2 MARKOV A 0.25 null " + t2,
            "e-2 j-2 MARKOV B 0.75 null " + t2,
            "e-2 j-2 SHAPLEY A 0.5 null " + t2,
            "e-2 j-2 SHAPLEY B 0.5 null " + t2);
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void shouldCreditEachEnabledRuleBasedModelPerConversionOnly() throws Exception {
    var h =
        ProcessFunctionTestHarnesses.forProcessFunction(
            new org.apache.flink.streaming.api.functions.ProcessFunction<
                JourneyPath, AttributionRow>() {
              final RuleBasedAttributionFunction fn =
                  new RuleBasedAttributionFunction(
                      new AttributionSettings(
                          EnumSet.of(
                              AttributionModel.FIRST_TOUCH,
                              AttributionModel.POSITION_BASED,
                              AttributionModel.MARKOV),
                          1,
                          Duration.ofDays(7)));

              @Override
              public void processElement(
                  JourneyPath p, Context ctx, org.apache.flink.util.Collector<AttributionRow> out) {
                fn.flatMap(p, out);
              }
            });
    h.processElement(path("1", true, 10.0, T0, "EMAIL", "WEB", "CHAT", "WEB"), 0);
    h.processElement(path("2", false, null, T0, "WEB"), 0);
    Map<String, Double> credit = new TreeMap<>();
    for (AttributionRow r : h.extractOutputValues()) {
      assertThat(r.getConversionEventId()).isEqualTo("e-1");
      credit.put(r.getModel() + "/" + r.getChannel(), r.getCredit());
    }
    assertThat(credit.keySet())
        .containsExactly(
            "FIRST_TOUCH/EMAIL",
            "POSITION_BASED/CHAT",
            "POSITION_BASED/EMAIL",
            "POSITION_BASED/WEB");
    assertThat(credit.get("FIRST_TOUCH/EMAIL")).isEqualTo(1.0);
    assertThat(credit.get("POSITION_BASED/EMAIL")).isCloseTo(0.4, within(EXACT));
    assertThat(credit.get("POSITION_BASED/WEB")).isCloseTo(0.5, within(EXACT));
    assertThat(credit.get("POSITION_BASED/CHAT")).isCloseTo(0.1, within(EXACT));
    h.close();
  }
}
