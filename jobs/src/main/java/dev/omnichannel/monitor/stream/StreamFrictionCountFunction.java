package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import java.time.Duration;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sets {@code friction_count} on each journey in stream mode. Keyed by journey_id. In: the closed
 * journey, and the friction rows whose last evidence event falls in it. A friction is detected at
 * the latest {@code horizon} (the longest {@code within} of the friction patterns) after its last
 * evidence event, so the journey goes out when the watermark passes its end plus the stitch delay
 * plus the horizon (or when a bounded input ends). State: the journey and the count; cleared when
 * the journey goes out.
 */
public class StreamFrictionCountFunction
    extends KeyedCoProcessFunction<String, JourneyRow, FrictionRow, JourneyRow> {
  private final long wait;
  private transient ValueState<JourneyRow> journey;
  private transient ValueState<Integer> count;

  public StreamFrictionCountFunction(Duration stitchDelay, Duration horizon) {
    this.wait = stitchDelay.toMillis() + horizon.toMillis();
  }

  @Override
  public void open(OpenContext ctx) {
    journey =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("journey", TypeInformation.of(JourneyRow.class)));
    count = getRuntimeContext().getState(new ValueStateDescriptor<>("friction", Types.INT));
  }

  @Override
  public void processElement1(JourneyRow j, Context ctx, Collector<JourneyRow> out)
      throws Exception {
    journey.update(j);
    ctx.timerService().registerEventTimeTimer(j.getEndTime().toEpochMilli() + wait);
  }

  @Override
  public void processElement2(FrictionRow f, Context ctx, Collector<JourneyRow> out)
      throws Exception {
    Integer c = count.value();
    count.update(c == null ? 1 : c + 1);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<JourneyRow> out)
      throws Exception {
    JourneyRow j = journey.value();
    if (j == null) {
      return;
    }
    Integer c = count.value();
    j.setFrictionCount(c == null ? 0 : c);
    out.collect(j);
    journey.clear();
    count.clear();
  }
}
