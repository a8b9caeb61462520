package dev.omnichannel.monitor.flow;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Sums the journeys of one window with one path. Keyed by window and path. In: one {@link
 * PathAggregate} per journey. Out, when the window closes ({@link WindowClose}): the sum. State:
 * the running sum; cleared when emitted.
 */
public class PathCountFunction extends KeyedProcessFunction<String, PathAggregate, PathAggregate> {
  private final WindowClose close;
  private transient ValueState<PathAggregate> sum;

  public PathCountFunction(WindowClose close) {
    this.close = close;
  }

  @Override
  public void open(OpenContext ctx) {
    sum =
        getRuntimeContext()
            .getState(new ValueStateDescriptor<>("sum", TypeInformation.of(PathAggregate.class)));
  }

  @Override
  public void processElement(PathAggregate a, Context ctx, Collector<PathAggregate> out)
      throws Exception {
    PathAggregate s = sum.value();
    sum.update(s == null ? a : PathAggregate.merge(s, a));
    ctx.timerService().registerEventTimeTimer(close.at(a.window));
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PathAggregate> out)
      throws Exception {
    PathAggregate s = sum.value();
    if (s != null) {
      out.collect(s);
      sum.clear();
    }
  }
}
