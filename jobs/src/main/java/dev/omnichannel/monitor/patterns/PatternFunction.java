package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventSerializer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Every catalogue pattern over one person's events, in one keyed operator (keyed by person id). In:
 * events whose record timestamps follow event time (possibly shifted by a constant). Out: every
 * match, when the watermark has passed its last event (for a pattern ending in an absence, when it
 * has passed the absence window or the input ended).
 *
 * <p>As Flink's {@code CepOperator} in event time: an event is buffered under its timestamp until
 * the watermark passes it, then the buffered events are fed to the {@link PatternEngine} in
 * (timestamp, {@code event_id}) order; an event at or behind the watermark is dropped (counted in
 * {@code numLateRecordsDropped}). So BATCH execution (the watermark jumps to the end once a
 * person's input is complete) and STREAMING execution give the same matches.
 *
 * <p>State per person: the buffered events by timestamp, the time of the timer that drains them,
 * and the engine's per-pattern state. Timers: one at the earliest buffered timestamp, and one at
 * the end of each new partial match's window. Both buffers are empty again once the watermark has
 * passed every event and every window.
 */
public class PatternFunction extends KeyedProcessFunction<String, Event, PatternMatch> {
  private static final Comparator<Event> BY_EVENT_ID = Comparator.comparing(e -> e.eventId);

  private final PatternCatalogue catalogue;

  private transient MapState<Long, List<Event>> queue;
  private transient ValueState<Long> drainTimer;
  private transient PatternEngine engine;
  private transient Counter lateDropped;

  public PatternFunction(PatternCatalogue catalogue) {
    this.catalogue = catalogue;
  }

  @Override
  public void open(OpenContext openContext) throws Exception {
    queue =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "event-queue",
                    LongSerializer.INSTANCE,
                    new ListSerializer<>(EventSerializer.INSTANCE)));
    drainTimer =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("drain-timer", LongSerializer.INSTANCE));
    engine = new PatternEngine(catalogue);
    engine.open(getRuntimeContext());
    lateDropped = getRuntimeContext().getMetricGroup().counter("numLateRecordsDropped");
  }

  @Override
  public void close() throws Exception {
    if (engine != null) {
      engine.close();
    }
  }

  @Override
  public void processElement(Event e, Context ctx, Collector<PatternMatch> out) throws Exception {
    Long ts = ctx.timestamp();
    long time = ts == null ? e.eventTime : ts;
    TimerService timers = ctx.timerService();
    if (time <= timers.currentWatermark()) {
      lateDropped.inc();
      return;
    }
    List<Event> atTime = queue.get(time);
    if (atTime == null) {
      atTime = new ArrayList<>(1);
    }
    atTime.add(e);
    queue.put(time, atTime);
    Long drain = drainTimer.value();
    if (drain == null || time < drain) {
      timers.registerEventTimeTimer(time);
      drainTimer.update(time);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PatternMatch> out)
      throws Exception {
    TimerService timers = ctx.timerService();
    long watermark = timers.currentWatermark();
    Long drain = drainTimer.value();
    if (drain != null && drain <= watermark) {
      drain(watermark, timers, out);
    }
    engine.advanceTime(watermark, out::collect);
  }

  /** Feeds the engine every buffered time up to the watermark; re-arms for the rest. */
  private void drain(long watermark, TimerService timers, Collector<PatternMatch> out)
      throws Exception {
    // a window that ends at or before the watermark is closed by the advanceTime that follows
    LongConsumer windows =
        time -> {
          if (time > watermark) {
            timers.registerEventTimeTimer(time);
          }
        };
    List<Long> due = new ArrayList<>();
    long next = Long.MAX_VALUE;
    for (Long t : queue.keys()) {
      if (t <= watermark) {
        due.add(t);
      } else if (t < next) {
        next = t;
      }
    }
    due.sort(null);
    for (long t : due) {
      List<Event> events = queue.get(t);
      events.sort(BY_EVENT_ID);
      for (Event e : events) {
        engine.process(e, t, out::collect, windows);
      }
      queue.remove(t);
    }
    if (next == Long.MAX_VALUE) {
      drainTimer.clear();
    } else {
      timers.registerEventTimeTimer(next);
      drainTimer.update(next);
    }
  }

  /** True when the current key holds no state (for tests). */
  boolean isEmpty() throws Exception {
    return queue.isEmpty() && drainTimer.value() == null && engine.isEmpty();
  }
}
