package dev.omnichannel.monitor.pipeline;

import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.flow.*;
import dev.omnichannel.monitor.journey.Journey;
import dev.omnichannel.monitor.journey.JourneyBuilder;
import dev.omnichannel.monitor.journey.JourneyConfig;
import dev.omnichannel.monitor.journey.JourneyStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Builds each person's journeys (bounded input). Keyed by person_id. In: the person's events; on
 * the broadcast side, the largest accepted event time (the end of input when no {@code --to} is
 * given). Out, at the end of input: one {@link JourneyRow} per journey, and every event again with
 * its journey_id on the {@link Tags#EVENTS} side output (and, for attribution, each CONVERTED or
 * ABANDONED journey's path on {@link Tags#JOURNEY_PATHS}). The rules are {@link JourneyBuilder}'s.
 * State: the person's buffered events; cleared when the journeys are emitted.
 */
public class JourneyFunction
    extends KeyedBroadcastProcessFunction<String, EventRow, Long, JourneyRow> {
  private final JourneyConfig config;
  private final Long fixedEndOfInput;
  private final boolean emitPaths;
  private transient ListState<EventRow> events;

  /**
   * @param fixedEndOfInput the end of input when the range is bounded by {@code --to}; null to use
   *     the largest accepted event time from the broadcast side
   */
  public JourneyFunction(JourneyConfig config, Long fixedEndOfInput) {
    this(config, fixedEndOfInput, false);
  }

  /**
   * @param emitPaths also emit each CONVERTED and ABANDONED journey's path on {@link
   *     Tags#JOURNEY_PATHS}, for attribution
   */
  public JourneyFunction(JourneyConfig config, Long fixedEndOfInput, boolean emitPaths) {
    this.config = config;
    this.fixedEndOfInput = fixedEndOfInput;
    this.emitPaths = emitPaths;
  }

  @Override
  public void open(OpenContext ctx) {
    events =
        getRuntimeContext()
            .getListState(new ListStateDescriptor<>("events", TypeInformation.of(EventRow.class)));
  }

  @Override
  public void processBroadcastElement(Long maxTime, Context ctx, Collector<JourneyRow> out)
      throws Exception {
    Tags.updateEndOfInput(ctx.getBroadcastState(Tags.END_OF_INPUT), maxTime);
  }

  @Override
  public void processElement(EventRow e, ReadOnlyContext ctx, Collector<JourneyRow> out)
      throws Exception {
    events.add(e);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<JourneyRow> out)
      throws Exception {
    List<RowEvent> timeline = new ArrayList<>();
    for (EventRow e : events.get()) {
      timeline.add(new RowEvent(e));
    }
    events.clear();
    if (timeline.isEmpty()) {
      return;
    }
    timeline.sort(JourneyBuilder.ORDER);
    long end;
    if (fixedEndOfInput != null) {
      end = fixedEndOfInput;
    } else {
      Long broadcast = ctx.getBroadcastState(Tags.END_OF_INPUT).get("end");
      if (broadcast == null) {
        throw new IllegalStateException(
            "the end of input was not known when journeys closed; the broadcast side must be"
                + " processed first");
      }
      end = broadcast;
    }
    JourneyBuilder<RowEvent> builder = new JourneyBuilder<>(config, ctx.getCurrentKey());
    for (RowEvent e : timeline) {
      emit(builder.add(e), ctx, out);
    }
    emit(builder.finish(end), ctx, out);
  }

  private void emit(List<Journey<RowEvent>> closed, OnTimerContext ctx, Collector<JourneyRow> out) {
    for (Journey<RowEvent> j : closed) {
      out.collect(journeyRow(j));
      if (emitPaths
          && (j.status() == JourneyStatus.CONVERTED || j.status() == JourneyStatus.ABANDONED)) {
        ctx.output(Tags.JOURNEY_PATHS, JourneyPath.of(j));
      }
      for (RowEvent e : j.events()) {
        EventRow row = e.row();
        row.setJourneyId(j.journeyId());
        ctx.output(Tags.EVENTS, row);
      }
    }
  }

  /** The journeys-table row of a closed journey. */
  public static JourneyRow journeyRow(Journey<?> j) {
    return JourneyRow.newBuilder()
        .setJourneyId(j.journeyId())
        .setPersonId(j.personId())
        .setStartTime(Instant.ofEpochMilli(j.startTime()))
        .setEndTime(Instant.ofEpochMilli(j.endTime()))
        .setStatus(j.status().name())
        .setEventCount(j.eventCount())
        .setTouchCount(j.touchCount())
        .setChannelPath(j.channelPath())
        .setChannels(new ArrayList<>(j.channels()))
        .setHandoffs(j.handoffs())
        .setConverted(j.converted())
        .setConversionValue(j.conversionValue())
        .setConversionEventId(j.conversionEventId())
        .setFrictionCount(0)
        .build();
  }
}
