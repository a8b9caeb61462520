package dev.omnichannel.monitor.flow;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.LateEventRow;
import dev.omnichannel.monitor.event.Event;
import java.time.Duration;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/**
 * The lateness boundary: a record at the watermark is already behind it (a regression: letting it
 * through released it after later events of its person had been processed).
 */
class LateFilterFunctionTest {
  private static Event event(String id, long t) {
    return FlowOperatorsTest.event(id, t, EventType.PAGE_VIEW, "cookie_id:c");
  }

  @Test
  void shouldKeepOnlyRecordsAboveTheWatermarkMinusTheAllowedLateness() throws Exception {
    for (long lateness : new long[] {0, 5_000}) {
      OneInputStreamOperatorTestHarness<Event, Event> h =
          ProcessFunctionTestHarnesses.forProcessFunction(
              new LateFilterFunction(Duration.ofMillis(lateness)));
      h.processElement(event("before-any-watermark", 1), 1);
      h.processWatermark(new Watermark(100_000));
      long edge = 100_000 - lateness;
      h.processElement(event("at-the-edge", edge), edge);
      h.processElement(event("just-above", edge + 1), edge + 1);
      assertThat(h.extractOutputValues())
          .extracting(e -> e.eventId)
          .containsExactly("before-any-watermark", "just-above");
      assertThat(h.getSideOutput(LateFilterFunction.LATE_EVENTS))
          .extracting(StreamRecord::getValue)
          .extracting(LateEventRow::getEventId, LateEventRow::getLatenessMs)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("at-the-edge", lateness));
      h.close();
    }
  }
}
