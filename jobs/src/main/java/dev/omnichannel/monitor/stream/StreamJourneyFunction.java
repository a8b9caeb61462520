package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.flow.JourneyPath;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.flow.TimeBuckets;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.journey.Journey;
import dev.omnichannel.monitor.journey.JourneyBuilder;
import dev.omnichannel.monitor.journey.JourneyConfig;
import dev.omnichannel.monitor.journey.JourneyStatus;
import dev.omnichannel.monitor.pipeline.JourneyFunction;
import dev.omnichannel.monitor.pipeline.RowEvent;
import dev.omnichannel.monitor.pipeline.Rows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Builds each person's journeys in event time, with the backfill's rules ({@link JourneyBuilder}).
 * Keyed by person_id. In: the person's events from {@link StreamAssignFunction}, whose record
 * timestamps are {@code event_time + stitchDelay}; on the broadcast side the largest event time so
 * far (used only when the input ends). Events of one timestamp are taken in (event time, event id)
 * order when the watermark passes it. Out:
 *
 * <ul>
 *   <li>each event at once with its journey_id, on {@link Tags#EVENTS} (a journey's id only depends
 *       on its first event);
 *   <li>a {@link JourneyRow} when a journey closes: at its PURCHASE (CONVERTED), at the next event
 *       after the limits (TRUNCATED), when the watermark passes the last event plus the inactivity
 *       gap (ABANDONED), or when a bounded input ends (ABANDONED or OPEN, judged against the
 *       largest event time, as in the backfill);
 *   <li>with {@code emitPaths}, each CONVERTED and ABANDONED journey's path on {@link
 *       Tags#JOURNEY_PATHS};
 *   <li>on {@link #STRAGGLERS}, as late events, the rare event that arrives behind this operator's
 *       watermark, or after a later event of its person was taken (from a source partition that was
 *       idle while the watermark moved on); lateness is measured against the watermark.
 * </ul>
 *
 * State: events waiting for the watermark, and the open journey's events; both cleared as journeys
 * close, so a person without an open journey holds nothing.
 */
public class StreamJourneyFunction
    extends KeyedBroadcastProcessFunction<String, EventRow, Long, JourneyRow> {
  /**
   * Events that reached this operator after a later event of the same person had been taken (a
   * straggler from a partition that was idle while the watermark moved on): they cannot be placed
   * in the person's timeline any more, so they are late events.
   */
  public static final org.apache.flink.util.OutputTag<dev.omnichannel.monitor.avro.LateEventRow>
      STRAGGLERS =
          new org.apache.flink.util.OutputTag<>(
              "stragglers", TypeInformation.of(dev.omnichannel.monitor.avro.LateEventRow.class));

  private final JourneyConfig config;
  private final long stitchDelay;
  private final long gap;
  private final boolean emitPaths;
  private transient MapState<Long, List<EventRow>> waiting;
  private transient ListState<EventRow> open;

  public StreamJourneyFunction(JourneyConfig config, Duration stitchDelay, boolean emitPaths) {
    this.config = config;
    this.stitchDelay = stitchDelay.toMillis();
    this.gap = config.inactivityGap().toMillis();
    this.emitPaths = emitPaths;
  }

  @Override
  public void open(OpenContext ctx) {
    waiting =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "waiting", Types.LONG, Types.LIST(TypeInformation.of(EventRow.class))));
    open =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("open", TypeInformation.of(EventRow.class)));
  }

  @Override
  public void processBroadcastElement(Long maxTime, Context ctx, Collector<JourneyRow> out)
      throws Exception {
    Tags.updateEndOfInput(ctx.getBroadcastState(Tags.END_OF_INPUT), maxTime);
  }

  @Override
  public void processElement(EventRow e, ReadOnlyContext ctx, Collector<JourneyRow> out)
      throws Exception {
    long at = ctx.timestamp();
    long watermark = ctx.timerService().currentWatermark();
    if (at <= watermark) {
      // Released behind this operator's watermark: events of every person up to the watermark
      // have been taken, so it cannot be placed in order (its own person's journey may even have
      // closed already).
      ctx.output(STRAGGLERS, Rows.lateEventRow(e, watermark - at));
      return;
    }
    TimeBuckets.add(waiting, at, e);
    ctx.timerService().registerEventTimeTimer(at);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<JourneyRow> out)
      throws Exception {
    String person = ctx.getCurrentKey();
    JourneyBuilder<RowEvent> builder = new JourneyBuilder<>(config, person);
    for (EventRow e : open.get()) {
      builder.add(new RowEvent(e));
    }
    List<EventRow> due = TimeBuckets.take(waiting, timestamp);
    if (due != null) {
      List<RowEvent> ordered = new ArrayList<>(due.size());
      for (EventRow e : due) {
        ordered.add(new RowEvent(e));
      }
      ordered.sort(JourneyBuilder.ORDER);
      for (RowEvent e : ordered) {
        if (builder.hasOpenJourney()
            && JourneyBuilder.ORDER.compare(
                    e, builder.openEvents().get(builder.openEventCount() - 1))
                < 0) {
          ctx.output(
              STRAGGLERS, Rows.lateEventRow(e.row(), builder.lastEventTime() - e.eventTime()));
          continue;
        }
        List<Journey<RowEvent>> closed = builder.add(e);
        String journeyId;
        Journey<RowEvent> last = closed.isEmpty() ? null : closed.get(closed.size() - 1);
        if (last != null && last.status() == JourneyStatus.CONVERTED) {
          journeyId = last.journeyId();
        } else {
          journeyId =
              "j-" + PersonIds.sha256Hex16(person + ":" + builder.openEvents().get(0).eventId());
        }
        EventRow row = e.row();
        row.setJourneyId(journeyId);
        ctx.output(Tags.EVENTS, row);
        emit(closed, ctx, out);
      }
    }
    boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    if (builder.hasOpenJourney()) {
      long lastTime = builder.lastEventTime();
      if (endOfInput) {
        if (waiting.isEmpty()) {
          Long end = ctx.getBroadcastState(Tags.END_OF_INPUT).get("end");
          emit(builder.finish(end == null ? lastTime : end), ctx, out);
        }
      } else if (timestamp - stitchDelay - lastTime >= gap) {
        emit(builder.finish(timestamp - stitchDelay), ctx, out);
      } else if (due != null) {
        ctx.timerService().registerEventTimeTimer(lastTime + gap + stitchDelay);
      }
    }
    open.update(new ArrayList<>(builder.openEvents().stream().map(RowEvent::row).toList()));
  }

  private void emit(List<Journey<RowEvent>> closed, OnTimerContext ctx, Collector<JourneyRow> out) {
    for (Journey<RowEvent> j : closed) {
      out.collect(JourneyFunction.journeyRow(j));
      if (emitPaths
          && (j.status() == JourneyStatus.CONVERTED || j.status() == JourneyStatus.ABANDONED)) {
        ctx.output(Tags.JOURNEY_PATHS, JourneyPath.of(j));
      }
    }
  }
}
