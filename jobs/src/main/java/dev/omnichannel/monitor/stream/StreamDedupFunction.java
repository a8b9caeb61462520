package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.flow.Counters;
import java.time.Duration;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * De-duplicates by event_id in stream mode. Keyed by event_id. In: events. Out: the first record of
 * each event_id; later ones are counted as duplicates. State: one flag per event_id, expired {@code
 * ttl} after it was written (processing time), so memory stays bounded; a duplicate that comes
 * later than that is accepted again.
 */
public class StreamDedupFunction extends KeyedProcessFunction<String, ChannelEvent, ChannelEvent> {
  /** The event_id of every record counted as a duplicate (for the run summary). */
  public static final org.apache.flink.util.OutputTag<String> DUPLICATE_IDS =
      new org.apache.flink.util.OutputTag<>("duplicate-ids", Types.STRING);

  private final Duration ttl;
  private transient ValueState<Boolean> seen;
  private transient LongCounter duplicates;
  private transient LongCounter accepted;

  public StreamDedupFunction(Duration ttl) {
    this.ttl = ttl;
  }

  @Override
  public void open(OpenContext ctx) {
    ValueStateDescriptor<Boolean> d = new ValueStateDescriptor<>("seen", Types.BOOLEAN);
    d.enableTimeToLive(
        StateTtlConfig.newBuilder(ttl)
            .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
            .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
            .build());
    seen = getRuntimeContext().getState(d);
    duplicates = getRuntimeContext().getLongCounter(Counters.DUPLICATES);
    accepted = getRuntimeContext().getLongCounter(Counters.ACCEPTED_EVENTS);
  }

  @Override
  public void processElement(ChannelEvent e, Context ctx, Collector<ChannelEvent> out)
      throws Exception {
    if (seen.value() != null) {
      duplicates.add(1);
      ctx.output(DUPLICATE_IDS, e.getEventId());
      return;
    }
    seen.update(true);
    accepted.add(1);
    out.collect(e);
  }
}
