package dev.omnichannel.monitor.pipeline;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.flow.*;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * De-duplicates by event_id (bounded input). Keyed by event_id. In: decoded events. Out: one event
 * per event_id, emitted when the input ends (the end-of-input timer): the earliest event_time, then
 * the smallest serialized form. Every other record counts as a duplicate. State: the best record so
 * far; cleared when it is emitted.
 */
public class DeduplicateFunction extends KeyedProcessFunction<String, ChannelEvent, ChannelEvent> {
  private transient ValueState<ChannelEvent> best;
  private transient LongCounter duplicates;
  private transient LongCounter accepted;

  @Override
  public void open(OpenContext ctx) {
    best =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("best", TypeInformation.of(ChannelEvent.class)));
    duplicates = getRuntimeContext().getLongCounter(Counters.DUPLICATES);
    accepted = getRuntimeContext().getLongCounter(Counters.ACCEPTED_EVENTS);
  }

  @Override
  public void processElement(ChannelEvent e, Context ctx, Collector<ChannelEvent> out)
      throws Exception {
    ChannelEvent current = best.value();
    if (current == null) {
      best.update(e);
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
      return;
    }
    duplicates.add(1);
    if (!EventOrder.keepFirst(current, e)) {
      best.update(e);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<ChannelEvent> out)
      throws Exception {
    ChannelEvent e = best.value();
    if (e != null) {
      accepted.add(1);
      out.collect(e);
      best.clear();
    }
  }
}
