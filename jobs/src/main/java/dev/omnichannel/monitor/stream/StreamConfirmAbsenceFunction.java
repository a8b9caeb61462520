package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.flow.TimeBuckets;
import dev.omnichannel.monitor.patterns.PatternMatch;
import java.time.Duration;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Confirms pattern matches in stream mode. Keyed by person_id. In: matches from CEP, whose
 * timestamps are event time plus the stitch delay; on the broadcast side the largest event time. A
 * match without a trailing absence, or whose absence window the watermark has passed, goes out at
 * once. Any other match waits for a timer at its absence deadline: when the watermark reaches it
 * normally the absence is real and the match goes out; when it is reached because a bounded input
 * ended, the match goes out only if the deadline is not after the largest event time (as in the
 * backfill). State: the waiting matches; cleared when their timer fires.
 */
public class StreamConfirmAbsenceFunction
    extends KeyedBroadcastProcessFunction<String, PatternMatch, Long, PatternMatch> {
  private final long stitchDelay;
  private transient MapState<Long, List<PatternMatch>> waiting;

  public StreamConfirmAbsenceFunction(Duration stitchDelay) {
    this.stitchDelay = stitchDelay.toMillis();
  }

  @Override
  public void open(OpenContext ctx) {
    waiting =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "waiting", Types.LONG, Types.LIST(TypeInformation.of(PatternMatch.class))));
  }

  @Override
  public void processElement(PatternMatch m, ReadOnlyContext ctx, Collector<PatternMatch> out)
      throws Exception {
    long due = m.absenceDeadline + stitchDelay;
    long watermark = ctx.timerService().currentWatermark();
    if (m.absenceDeadline <= m.lastEventTime || (watermark != Long.MAX_VALUE && due <= watermark)) {
      out.collect(m);
      return;
    }
    TimeBuckets.add(waiting, due, m);
    ctx.timerService().registerEventTimeTimer(due);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PatternMatch> out)
      throws Exception {
    List<PatternMatch> due = TimeBuckets.take(waiting, timestamp);
    if (due == null) {
      return;
    }
    boolean endOfInput = ctx.timerService().currentWatermark() == Long.MAX_VALUE;
    Long end = ctx.getBroadcastState(Tags.END_OF_INPUT).get("end");
    for (PatternMatch m : due) {
      if (!endOfInput || (end != null && m.absenceDeadline <= end)) {
        out.collect(m);
      }
    }
  }

  @Override
  public void processBroadcastElement(Long maxTime, Context ctx, Collector<PatternMatch> out)
      throws Exception {
    Tags.updateEndOfInput(ctx.getBroadcastState(Tags.END_OF_INPUT), maxTime);
  }
}
