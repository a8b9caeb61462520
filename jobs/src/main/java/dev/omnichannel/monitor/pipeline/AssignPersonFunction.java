package dev.omnichannel.monitor.pipeline;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.flow.*;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each event its final person (bounded input). Keyed by identity key ({@code
 * namespace:value}): events arrive under their primary identity, the graph's assignments under
 * their identity. Out, at the end of input: one {@link EventRow} per event with {@code person_id}
 * set. An identity the graph never saw (it only ever appeared alone) is its own person. State: the
 * assigned person and the waiting events; both cleared when emitted.
 */
public class AssignPersonFunction
    extends KeyedCoProcessFunction<String, ChannelEvent, Tuple2<String, String>, EventRow> {
  private transient ValueState<String> person;
  private transient ListState<ChannelEvent> pending;

  @Override
  public void open(OpenContext ctx) {
    person = getRuntimeContext().getState(new ValueStateDescriptor<>("person", Types.STRING));
    pending =
        getRuntimeContext()
            .getListState(
                new ListStateDescriptor<>("pending", TypeInformation.of(ChannelEvent.class)));
  }

  @Override
  public void processElement1(ChannelEvent e, Context ctx, Collector<EventRow> out)
      throws Exception {
    pending.add(e);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void processElement2(
      Tuple2<String, String> assignment, Context ctx, Collector<EventRow> out) throws Exception {
    person.update(assignment.f1);
    ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<EventRow> out)
      throws Exception {
    String p = person.value();
    if (p == null) {
      p = PersonIds.personId(IdentityKey.parse(ctx.getCurrentKey()));
    }
    for (ChannelEvent e : pending.get()) {
      out.collect(Rows.eventRow(e, p));
    }
    pending.clear();
    person.clear();
  }
}
