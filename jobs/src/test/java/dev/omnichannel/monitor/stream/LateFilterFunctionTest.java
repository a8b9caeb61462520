package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.avro.LateEventRow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
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
  private static ChannelEvent event(String id, long t) {
    return ChannelEvent.newBuilder()
        .setEventId(id)
        .setEventTime(Instant.ofEpochMilli(t))
        .setChannel(Channel.WEB)
        .setEventType(EventType.PAGE_VIEW)
        .setIdentities(List.of(new Identity("cookie_id", "c")))
        .build();
  }

  @Test
  void shouldKeepOnlyRecordsAboveTheWatermarkMinusTheAllowedLateness() throws Exception {
    for (long lateness : new long[] {0, 5_000}) {
      OneInputStreamOperatorTestHarness<ChannelEvent, ChannelEvent> h =
          ProcessFunctionTestHarnesses.forProcessFunction(
              new LateFilterFunction(Duration.ofMillis(lateness)));
      h.processElement(event("before-any-watermark", 1), 1);
      h.processWatermark(new Watermark(100_000));
      long edge = 100_000 - lateness;
      h.processElement(event("at-the-edge", edge), edge);
      h.processElement(event("just-above", edge + 1), edge + 1);
      assertThat(h.extractOutputValues())
          .extracting(e -> e.getEventId())
          .containsExactly("before-any-watermark", "just-above");
      assertThat(h.getSideOutput(LateFilterFunction.LATE_EVENTS))
          .extracting(StreamRecord::getValue)
          .extracting(LateEventRow::getEventId, LateEventRow::getLatenessMs)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("at-the-edge", lateness));
      h.close();
    }
  }
}
