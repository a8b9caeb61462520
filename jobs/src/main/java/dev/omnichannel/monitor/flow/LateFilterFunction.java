package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.LateEventRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventRows;
import java.time.Duration;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sets late events aside (stream mode). In: decoded events with event-time timestamps. Out: events
 * less than {@code allowedLateness} behind the current watermark (an event exactly at the watermark
 * is already behind it); the others go to {@link #LATE_EVENTS} as {@link LateEventRow}s with how
 * far behind the watermark they were. Stateless.
 */
public class LateFilterFunction extends ProcessFunction<Event, Event> {
  /** Events behind the watermark by more than the allowed lateness. */
  public static final OutputTag<LateEventRow> LATE_EVENTS =
      new OutputTag<>("late-events", TypeInformation.of(LateEventRow.class));

  private final long allowedLateness;
  private transient LongCounter late;

  public LateFilterFunction(Duration allowedLateness) {
    this.allowedLateness = allowedLateness.toMillis();
  }

  @Override
  public void open(OpenContext ctx) {
    late = getRuntimeContext().getLongCounter(Counters.LATE_EVENTS);
  }

  @Override
  public void processElement(Event e, Context ctx, Collector<Event> out) {
    long watermark = ctx.timerService().currentWatermark();
    // Flink's rule: a record at or behind the watermark is late. Keeping exactly the records
    // above (watermark - allowed lateness) guarantees that their release time (event time + stitch
    // delay + allowed lateness) is still ahead of every downstream watermark, so each person's
    // events reach the person stage in order.
    if (watermark == Long.MIN_VALUE || e.eventTime > watermark - allowedLateness) {
      out.collect(e);
      return;
    }
    late.add(1);
    ctx.output(LATE_EVENTS, EventRows.lateEventRow(e, watermark - e.eventTime));
  }
}
