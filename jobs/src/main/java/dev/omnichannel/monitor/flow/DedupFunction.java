package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventRows;
import dev.omnichannel.monitor.event.EventTypeInfo;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * De-duplicates events by event_id. Keyed by {@link dev.omnichannel.monitor.event.Keys#of} of the
 * event id (state is kept per real event id, so a hash collision changes nothing). In: decoded
 * events. Out: one event per event_id; each other record goes to {@link #DUPLICATES} (for the
 * counts).
 *
 * <ul>
 *   <li>Bounded: the kept record is the earliest event_time, then the smallest serialized form
 *       (DESIGN "Duplicates"), emitted when the key's input ends. State: the best record per event
 *       id; cleared when emitted.
 *   <li>Event time: the first record wins at once (nothing waits for a duplicate that may never
 *       come). State: one flag per event id, expired {@code dedupTtl} after it was written
 *       (processing time), so memory stays bounded; a duplicate later than that is accepted again.
 * </ul>
 */
public class DedupFunction extends KeyedProcessFunction<Long, Event, Event> {
  /** Every record that is counted as a duplicate. */
  public static final OutputTag<Event> DUPLICATES =
      new OutputTag<>("duplicates", EventTypeInfo.INSTANCE);

  private final Timing timing;
  private transient MapState<String, Event> best;
  private transient MapState<String, Boolean> seen;
  private transient LongCounter duplicates;
  private transient LongCounter accepted;

  public DedupFunction(Timing timing) {
    this.timing = timing;
  }

  @Override
  public void open(OpenContext ctx) {
    if (timing.bounded()) {
      best =
          getRuntimeContext()
              .getMapState(new MapStateDescriptor<>("best", Types.STRING, EventTypeInfo.INSTANCE));
    } else {
      MapStateDescriptor<String, Boolean> d =
          new MapStateDescriptor<>("seen", Types.STRING, Types.BOOLEAN);
      d.enableTimeToLive(
          StateTtlConfig.newBuilder(timing.dedupTtl())
              .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
              .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
              .build());
      seen = getRuntimeContext().getMapState(d);
    }
    duplicates = getRuntimeContext().getLongCounter(Counters.DUPLICATES);
    accepted = getRuntimeContext().getLongCounter(Counters.ACCEPTED_EVENTS);
  }

  @Override
  public void processElement(Event e, Context ctx, Collector<Event> out) throws Exception {
    if (!timing.bounded()) {
      if (seen.contains(e.eventId)) {
        duplicates.add(1);
        ctx.output(DUPLICATES, e);
        return;
      }
      seen.put(e.eventId, Boolean.TRUE);
      accepted.add(1);
      out.collect(e);
      return;
    }
    Event current = best.get(e.eventId);
    if (current == null) {
      best.put(e.eventId, e);
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
      return;
    }
    duplicates.add(1);
    if (EventRows.keepFirst(current, e)) {
      ctx.output(DUPLICATES, e);
    } else {
      ctx.output(DUPLICATES, current);
      best.put(e.eventId, e);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
    for (Map.Entry<String, Event> kept : best.entries()) {
      accepted.add(1);
      out.collect(kept.getValue());
    }
    best.clear();
  }
}
