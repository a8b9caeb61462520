package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.Timing;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Separates the first occurrence of each identity pair from its repeats: only a first occurrence
 * can change the identity graph ({@link PairDecision}), so only first occurrences go to the {@link
 * IdentityResolver}. Keyed by {@link Link#pairKey()}.
 *
 * <p>In: every link occurrence. Out: the first occurrence (smallest (time, event id)); on {@link
 * #REPEATS} every other occurrence.
 *
 * <ul>
 *   <li><b>Bounded</b>: state is the smallest occurrence so far; a smaller one displaces it to the
 *       repeats at once. The first goes out at the end of the key (one timer at {@link
 *       Long#MAX_VALUE}), and the state is cleared then.
 *   <li><b>Event time</b>: occurrences wait in a list until the watermark passes them (a timer at
 *       their time); the first timer emits the smallest as the first and the rest as repeats, and
 *       deletes the other timers. From then on a flag remembers the pair (kept for the life of the
 *       job, one boolean per pair) and later occurrences go straight to the repeats.
 * </ul>
 */
public class PairFilterFunction extends KeyedProcessFunction<String, Link, Link> {
  /** Every occurrence but the first. */
  public static final OutputTag<Link> REPEATS =
      new OutputTag<>("pair-repeats", TypeInformation.of(Link.class));

  private final boolean bounded;
  private transient ValueState<Link> best;
  private transient ListState<Link> waiting;
  private transient ValueState<Boolean> decided;

  public PairFilterFunction(Timing timing) {
    this.bounded = timing.bounded();
  }

  @Override
  public void open(OpenContext ctx) {
    if (bounded) {
      best =
          getRuntimeContext()
              .getState(new ValueStateDescriptor<>("first", TypeInformation.of(Link.class)));
    } else {
      waiting =
          getRuntimeContext()
              .getListState(new ListStateDescriptor<>("waiting", TypeInformation.of(Link.class)));
      decided = getRuntimeContext().getState(new ValueStateDescriptor<>("decided", Types.BOOLEAN));
    }
  }

  @Override
  public void processElement(Link link, Context ctx, Collector<Link> out) throws Exception {
    if (bounded) {
      Link b = best.value();
      if (b == null) {
        best.update(link);
        ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
      } else if (Link.compare(link, b) < 0) {
        ctx.output(REPEATS, b);
        best.update(link);
      } else {
        ctx.output(REPEATS, link);
      }
    } else if (decided.value() != null) {
      ctx.output(REPEATS, link);
    } else {
      waiting.add(link);
      ctx.timerService().registerEventTimeTimer(link.time);
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Link> out) throws Exception {
    if (bounded) {
      Link b = best.value();
      if (b != null) {
        out.collect(b);
      }
      best.clear();
      return;
    }
    List<Link> all = new ArrayList<>();
    for (Link l : waiting.get()) {
      all.add(l);
    }
    if (all.isEmpty()) {
      return;
    }
    Link first = null;
    for (Link l : all) {
      if (l.time <= timestamp && (first == null || Link.compare(l, first) < 0)) {
        first = l;
      }
    }
    if (first == null) {
      return; // not the pair's timer (cannot happen: its earliest timer fires first)
    }
    out.collect(first);
    for (Link l : all) {
      if (l != first) {
        ctx.output(REPEATS, l);
        if (l.time > timestamp) {
          ctx.timerService().deleteEventTimeTimer(l.time);
        }
      }
    }
    waiting.clear();
    decided.update(true);
  }
}
