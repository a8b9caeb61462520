package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.Timing;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.co.KeyedCoProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/** {@link PairFilterFunction} and {@link PairOutcomeFunction} in harnesses, both timings. */
class PairOperatorsTest {
  private static final Timing BOUNDED = Timing.bounded(null);
  private static final Timing EVENT_TIME =
      Timing.eventTime(Duration.ofMinutes(5), Duration.ofDays(1));
  private static final String C1 = "customer_id:C1";
  private static final String C2 = "customer_id:C2";
  private static final String D = "device_id:d";
  private static final String K = "cookie_id:k";

  private static Link link(long time, String eventId, String primary, String other) {
    return new Link(time, eventId, primary, other);
  }

  private static KeyedOneInputStreamOperatorTestHarness<String, Link, Link> filter(Timing t)
      throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, Link, Link> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new PairFilterFunction(t)), Link::pairKey, Types.STRING);
    h.open();
    return h;
  }

  private static List<String> firsts(KeyedOneInputStreamOperatorTestHarness<String, Link, Link> h) {
    return h.extractOutputValues().stream().map(Link::toString).toList();
  }

  private static List<String> repeats(
      KeyedOneInputStreamOperatorTestHarness<String, Link, Link> h) {
    var side = h.getSideOutput(PairFilterFunction.REPEATS);
    if (side == null) {
      return List.of();
    }
    return side.stream().map(r -> r.getValue().toString()).sorted().toList();
  }

  @Test
  void boundedFilterEmitsTheSmallestOccurrenceAtTheEndAndEveryOtherAsARepeat() throws Exception {
    var h = filter(BOUNDED);
    h.processElement(link(5, "e5", C1, D), 5);
    h.processElement(link(3, "e9", C1, D), 3);
    h.processElement(link(3, "e1", C1, D), 3);
    h.processElement(link(7, "e7", C1, D), 7);
    h.processElement(link(4, "e4", C1, K), 4);
    assertThat(firsts(h)).isEmpty();
    h.processWatermark(Long.MAX_VALUE);
    assertThat(firsts(h))
        .containsExactlyInAnyOrder(
            link(3, "e1", C1, D).toString(), link(4, "e4", C1, K).toString());
    assertThat(repeats(h))
        .containsExactly(
            link(3, "e9", C1, D).toString(),
            link(5, "e5", C1, D).toString(),
            link(7, "e7", C1, D).toString());
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void eventTimeFilterDecidesWhenTheWatermarkPassesAndRemembersThePair() throws Exception {
    var h = filter(EVENT_TIME);
    h.processElement(link(10, "e10", C1, D), 10);
    h.processElement(link(5, "e6", C1, D), 5);
    h.processElement(link(5, "e5", C1, D), 5);
    h.processWatermark(4);
    assertThat(firsts(h)).isEmpty();
    assertThat(repeats(h)).isEmpty();
    h.processWatermark(5);
    assertThat(firsts(h)).containsExactly(link(5, "e5", C1, D).toString());
    // the later occurrence is a repeat already: it goes out now, and its timer is deleted
    assertThat(repeats(h))
        .containsExactly(link(10, "e10", C1, D).toString(), link(5, "e6", C1, D).toString());
    assertThat(h.numEventTimeTimers()).isZero();
    h.processElement(link(20, "e20", C1, D), 20);
    assertThat(repeats(h)).hasSize(3);
    h.processWatermark(30);
    assertThat(firsts(h)).hasSize(1);
    // one flag per decided pair, nothing waiting
    assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  private static KeyedTwoInputStreamOperatorTestHarness<
          String, Link, PairDecision, IdentityMergeRow>
      outcome(Timing t) throws Exception {
    KeyedTwoInputStreamOperatorTestHarness<String, Link, PairDecision, IdentityMergeRow> h =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new PairOutcomeFunction(t)),
            Link::pairKey,
            PairDecision::pairKey,
            Types.STRING);
    h.open();
    return h;
  }

  private static PairDecision rejected(String primary, String other, String ns) {
    return new PairDecision(primary, other, false, ns, "p-primary", "p-other");
  }

  private static PairDecision accepted(String primary, String other) {
    return new PairDecision(primary, other, true, null, null, null);
  }

  private static List<String> rows(
      KeyedTwoInputStreamOperatorTestHarness<String, Link, PairDecision, IdentityMergeRow> h) {
    return h.extractOutputValues().stream()
        .map(
            r ->
                r.getEventId()
                    + "@"
                    + r.getEventTime().toEpochMilli()
                    + " "
                    + r.getOldPersonId()
                    + ">"
                    + r.getNewPersonId()
                    + " "
                    + r.getAccepted()
                    + " "
                    + r.getReason())
        .sorted()
        .toList();
  }

  @Test
  void boundedOutcomeWritesARowPerRepeatOfARejectedPair() throws Exception {
    var h = outcome(BOUNDED);
    h.processElement1(new StreamRecord<>(link(20, "e20", C2, D), 20));
    h.processElement1(new StreamRecord<>(link(30, "e30", C1, K), 30));
    h.processElement2(new StreamRecord<>(rejected(C2, D, "customer_id"), Long.MIN_VALUE));
    h.processElement2(new StreamRecord<>(accepted(C1, K), Long.MIN_VALUE));
    h.processElement1(new StreamRecord<>(link(40, "e40", C2, D), 40));
    h.processElement1(new StreamRecord<>(link(50, "e50", C1, K), 50));
    assertThat(rows(h))
        .containsExactly(
            "e20@20 p-primary>p-other false namespace_limit:customer_id (" + C2 + " x " + D + ")",
            "e40@40 p-primary>p-other false namespace_limit:customer_id (" + C2 + " x " + D + ")");
    h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE));
    assertThat(h.numKeyedStateEntries()).isZero();
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  @Test
  void aRepeatNamesTheNamespaceExceededByItsTime() throws Exception {
    var h = outcome(BOUNDED);
    PairDecision d = rejected(D, K, "device_id");
    d.laterTimes = new long[] {30};
    d.laterEventIds = new String[] {"e30"};
    d.laterOthers = new String[] {"device_id:x"};
    d.laterNamespaces = new String[] {"customer_id"};
    h.processElement2(new StreamRecord<>(d, Long.MIN_VALUE));
    h.processElement1(new StreamRecord<>(link(20, "e20", D, K), 20));
    h.processElement1(new StreamRecord<>(link(30, "e29", D, K), 30));
    h.processElement1(new StreamRecord<>(link(30, "e31", D, K), 30));
    assertThat(rows(h))
        .extracting(r -> r.replace(" p-primary>p-other false", ""))
        .containsExactly(
            "e20@20 namespace_limit:device_id (" + D + " x " + K + ")",
            "e29@30 namespace_limit:device_id (" + D + " x " + K + ")",
            "e31@30 namespace_limit:customer_id (" + D + " x " + K + ")");
    h.close();
  }

  @Test
  void aRepeatOfAPairRefusedByANeverLinkRuleNamesTheRule() throws Exception {
    var h = outcome(EVENT_TIME);
    PairDecision d = rejected(D, K, null);
    d.neverLinkA = C1;
    d.neverLinkB = C2;
    h.processElement2(new StreamRecord<>(d, 10));
    h.processElement1(new StreamRecord<>(link(20, "e20", D, K), 20));
    assertThat(rows(h))
        .containsExactly(
            "e20@20 p-primary>p-other false never_link ("
                + D
                + " x "
                + K
                + ") keeps "
                + C1
                + " and "
                + C2
                + " apart");
    // the decision survives a snapshot and restore (a POJO with the rule's fields)
    var snapshot = h.snapshot(1, 1);
    h.close();
    var restored =
        new KeyedTwoInputStreamOperatorTestHarness<>(
            new KeyedCoProcessOperator<>(new PairOutcomeFunction(EVENT_TIME)),
            Link::pairKey,
            PairDecision::pairKey,
            Types.STRING);
    restored.initializeState(snapshot);
    restored.open();
    restored.processElement1(new StreamRecord<>(link(30, "e30", D, K), 30));
    assertThat(rows(restored))
        .containsExactly(
            "e30@30 p-primary>p-other false never_link ("
                + D
                + " x "
                + K
                + ") keeps "
                + C1
                + " and "
                + C2
                + " apart");
    restored.close();
  }

  @Test
  void boundedOutcomeFailsForARepeatWithoutDecision() throws Exception {
    var h = outcome(BOUNDED);
    h.processElement1(new StreamRecord<>(link(20, "e20", C2, D), 20));
    assertThatThrownBy(
            () ->
                h.processBothWatermarks(
                    new org.apache.flink.streaming.api.watermark.Watermark(Long.MAX_VALUE)))
        .hasStackTraceContaining("got no decision");
  }

  @Test
  void eventTimeOutcomeKeepsOnlyRejectedDecisions() throws Exception {
    var h = outcome(EVENT_TIME);
    var wm = new org.apache.flink.streaming.api.watermark.Watermark(0);
    h.processBothWatermarks(wm);
    // a repeat arriving before its pair's decision waits
    h.processElement1(new StreamRecord<>(link(20, "e20", C2, D), 20));
    h.processElement1(new StreamRecord<>(link(25, "e25", C1, K), 25));
    h.processElement1(new StreamRecord<>(link(26, "e26", C1, D), 26));
    assertThat(h.numEventTimeTimers()).isEqualTo(3);
    h.processElement2(new StreamRecord<>(rejected(C2, D, "customer_id"), 10));
    h.processElement2(new StreamRecord<>(accepted(C1, K), 12));
    assertThat(rows(h))
        .containsExactly(
            "e20@20 p-primary>p-other false namespace_limit:customer_id (" + C2 + " x " + D + ")");
    // accepted: dropped at once; (C1, D) has no decision yet: waits for the watermark
    assertThat(h.numEventTimeTimers()).isEqualTo(1);
    h.processBothWatermarks(new org.apache.flink.streaming.api.watermark.Watermark(26));
    assertThat(h.numEventTimeTimers()).isZero();
    // a later repeat of the rejected pair: written at once
    h.processElement1(new StreamRecord<>(link(90, "e90", C2, D), 90));
    assertThat(rows(h)).hasSize(2);
    // only the rejected decision is kept
    assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }
}
