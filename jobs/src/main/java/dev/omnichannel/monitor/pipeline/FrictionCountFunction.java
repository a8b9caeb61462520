package dev.omnichannel.monitor.pipeline;

import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.flow.*;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sets {@code friction_count} on each journey (bounded input). Keyed by journey_id. In: the
 * journey, and the friction rows whose last evidence event falls in it. Out, at the end of input:
 * the journey with its count. State: the journey and the count; cleared when emitted.
 */
public class FrictionCountFunction
    extends KeyedCoProcessFunction<String, JourneyRow, FrictionRow, JourneyRow> {
  private transient ValueState<JourneyRow> journey;
  private transient ValueState<Integer> count;

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
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void processElement2(FrictionRow f, Context ctx, Collector<JourneyRow> out)
      throws Exception {
    Integer c = count.value();
    count.update(c == null ? 1 : c + 1);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<JourneyRow> out)
      throws Exception {
    JourneyRow j = journey.value();
    if (j != null) {
      Integer c = count.value();
      j.setFrictionCount(c == null ? 0 : c);
      out.collect(j);
    }
    journey.clear();
    count.clear();
  }
}
