package dev.omnichannel.monitor.patterns;

import static dev.omnichannel.monitor.patterns.PatternTimelines.D;
import static dev.omnichannel.monitor.patterns.PatternTimelines.H;
import static dev.omnichannel.monitor.patterns.PatternTimelines.MIN;
import static dev.omnichannel.monitor.patterns.PatternTimelines.T0;
import static dev.omnichannel.monitor.patterns.PatternTimelines.describe;
import static dev.omnichannel.monitor.patterns.PatternTimelines.event;
import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.event.Event;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyContext;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one pattern operator in a keyed harness, with the whole built-in catalogue: matches come out
 * when the watermark passes their last event (or their absence window), arrival order within the
 * watermark does not matter, and no state or timer is left once every run has completed or timed
 * out.
 */
class PatternFunctionTest {
  private final List<Event> events = new ArrayList<>();

  private PatternFunction function;

  private KeyedOneInputStreamOperatorTestHarness<String, Event, PatternMatch> harness(
      PatternCatalogue catalogue) throws Exception {
    function = new PatternFunction(catalogue);
    return ProcessFunctionTestHarnesses.forKeyedProcessFunction(
        function, e -> e.personId, Types.STRING);
  }

  /** True when {@code person} holds no state of the function (queue, timer, patterns). */
  private boolean holdsNothing(
      KeyedOneInputStreamOperatorTestHarness<String, Event, PatternMatch> h, String person)
      throws Exception {
    ((KeyContext) h.getOperator()).setCurrentKey(person);
    return function.isEmpty();
  }

  private Event ev(String person, String id, long offset, String channel, String type) {
    Event e = event(person, id, T0 + offset, channel, type);
    events.add(e);
    return e;
  }

  private static List<String> matches(
      KeyedOneInputStreamOperatorTestHarness<String, Event, PatternMatch> h) {
    List<String> out = new ArrayList<>();
    for (PatternMatch m : h.extractOutputValues()) {
      out.add(describe(m));
    }
    Collections.sort(out);
    return out;
  }

  @Test
  void shouldEmitEachMatchOnceTheWatermarkHasPassedItsEvidence() throws Exception {
    ev("bacp", "pv", 0, "WEB", "PRODUCT_VIEW");
    ev("bacp", "atc", 5 * MIN, "WEB", "ADD_TO_CART");
    ev("bacp", "chat", 2 * H, "CHAT", "CONTACT_START");
    ev("bacp", "buy", 3 * H, "WEB", "PURCHASE");
    ev("cart", "atc", 0, "WEB", "ADD_TO_CART");
    ev("cart", "pv", H, "WEB", "PAGE_VIEW");
    ev("hop", "c1", 0, "CHAT", "CONTACT_START");
    ev("hop", "c2", H, "VOICE", "CONTACT_START");
    ev("hop", "c3", 2 * H, "EMAIL", "CONTACT_START");
    ev("neg", "c", 0, "CHAT", "CONTACT_START").sentiment = -0.8;
    ev("ss", "ss", 0, "WEB", "SELF_SERVICE");
    ev("ss", "chat", 30 * MIN, "CHAT", "CONTACT_START");
    // equal times: the purchase with the larger event_id comes after the cart, and cancels it
    ev("tie", "b-atc", 0, "WEB", "ADD_TO_CART");
    ev("tie", "c-buy", 0, "WEB", "PURCHASE");
    // ... and the one with the smaller event_id comes before it, so the cart is abandoned
    ev("tie2", "b-buy", 0, "WEB", "PURCHASE");
    ev("tie2", "c-atc", 0, "WEB", "ADD_TO_CART");

    try (var h = harness(PatternCatalogue.builtin())) {
      List<Event> arrival = new ArrayList<>(events);
      Collections.reverse(arrival);
      for (Event e : arrival) {
        h.processElement(e.copy(), e.eventTime);
      }
      assertThat(matches(h)).as("nothing before the watermark").isEmpty();

      h.processWatermark(T0 + 3 * H - 1);
      assertThat(matches(h))
          .containsExactly(
              "CHANNEL_HOP hop c1,c2,c3",
              "FAILED_SELF_SERVICE ss ss,chat",
              "NEGATIVE_SENTIMENT neg c",
              "REPEAT_CONTACT hop c1,c2,c3");

      h.getOutput().clear();
      h.processWatermark(T0 + 3 * H);
      assertThat(matches(h)).containsExactly("BROWSE_ABANDON_CHAT_PURCHASE bacp pv,atc,chat,buy");

      h.getOutput().clear();
      h.processWatermark(T0 + 72 * H);
      assertThat(matches(h)).as("72 h without a purchase are not over yet").isEmpty();
      h.processWatermark(T0 + 72 * H + 1);
      assertThat(matches(h))
          .containsExactly("CART_ABANDONED cart atc", "CART_ABANDONED tie2 c-atc");

      // the last windows to close: the 14 days after the purchase at 3 h (POST_PURCHASE_CONTACT)
      h.getOutput().clear();
      h.processWatermark(T0 + 3 * H + 14 * D);
      assertThat(holdsNothing(h, "bacp")).as("a 14-day run is still open").isFalse();
      assertThat(holdsNothing(h, "neg")).isTrue();
      h.processWatermark(T0 + 3 * H + 14 * D + 1);
      assertThat(matches(h)).isEmpty();
      assertThat(h.numKeyedStateEntries()).as("keyed state entries").isZero();
      assertThat(h.numEventTimeTimers()).as("timers").isZero();
      assertThat(holdsNothing(h, "bacp")).isTrue();
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3, 4, 5, 6, 7, 8})
  void shouldFindTheSameMatchesWhateverTheArrivalOrderAndWatermarkSteps(long seed)
      throws Exception {
    Random rnd = new Random(seed);
    List<Event> all = new ArrayList<>();
    for (String person : List.of("p1", "p2", "p3", "p4")) {
      all.addAll(PatternTimelines.timeline(rnd, person, 10 + rnd.nextInt(80)));
    }
    all.sort(PatternTimelines.ORDER);

    // the reference: every event in order, then the end of input (what BATCH execution does)
    List<String> expected;
    try (var h = harness(PatternCatalogue.builtin())) {
      for (Event e : all) {
        h.processElement(e.copy(), e.eventTime);
      }
      h.processWatermark(Long.MAX_VALUE);
      expected = matches(h);
      assertThat(h.numKeyedStateEntries()).isZero();
      assertThat(h.numEventTimeTimers()).isZero();
    }
    assertThat(expected).as("the timelines match something").isNotEmpty();

    // shuffled within chunks, persons interleaved; the watermark trails the next chunk
    try (var h = harness(PatternCatalogue.builtin())) {
      long watermark = Long.MIN_VALUE;
      for (int i = 0; i < all.size(); ) {
        int n = Math.min(all.size() - i, 1 + rnd.nextInt(8));
        List<Event> chunk = new ArrayList<>(all.subList(i, i + n));
        Collections.shuffle(chunk, rnd);
        for (Event e : chunk) {
          h.processElement(e.copy(), e.eventTime);
        }
        i += n;
        if (i < all.size() && rnd.nextInt(3) > 0) {
          long w = all.get(i).eventTime - 1 - rnd.nextInt(2);
          if (w > watermark) {
            watermark = w;
            h.processWatermark(w);
          }
        }
      }
      h.processWatermark(Long.MAX_VALUE);
      assertThat(matches(h)).isEqualTo(expected);
      assertThat(h.numKeyedStateEntries()).as("keyed state entries").isZero();
      assertThat(h.numEventTimeTimers()).as("timers").isZero();
    }
  }

  @Test
  void shouldDropAnEventAtOrBehindTheWatermark() throws Exception {
    try (var h = harness(PatternCatalogue.builtin())) {
      Event neg = event("p", "late", T0, "CHAT", "CONTACT_START");
      neg.sentiment = -0.9;
      h.processWatermark(T0);
      h.processElement(neg, T0);
      h.processWatermark(Long.MAX_VALUE);
      assertThat(matches(h)).isEmpty();
      assertThat(h.numKeyedStateEntries()).isZero();
    }
  }
}
