package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.flow.TimeBuckets;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.pipeline.Rows;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each event the best person known after the stitch delay (see the package documentation).
 * Keyed by identity key: events arrive under their primary identity, {@link PersonUpdate}s under
 * the identity they change. Out, when the watermark passes {@code event_time + stitchDelay}: the
 * event as an {@link EventRow} with the identity's person at that moment (its own person id when
 * the graph never changed it). Events released together go out in (event time, event id) order.
 * State: the identity's current person (kept: see the package documentation) and the events waiting
 * for release (cleared as they go out).
 */
public class StreamAssignFunction
    extends KeyedCoProcessFunction<String, ChannelEvent, PersonUpdate, EventRow> {
  private static final Comparator<ChannelEvent> ORDER =
      Comparator.<ChannelEvent, Long>comparing(e -> e.getEventTime().toEpochMilli())
          .thenComparing(ChannelEvent::getEventId);

  private final long stitchDelay;
  private transient ValueState<String> person;
  private transient MapState<Long, PersonUpdate> updates;
  private transient MapState<Long, List<ChannelEvent>> waiting;

  public StreamAssignFunction(Duration stitchDelay) {
    if (stitchDelay.isNegative()) {
      throw new IllegalArgumentException("the stitch delay must not be negative: " + stitchDelay);
    }
    this.stitchDelay = stitchDelay.toMillis();
  }

  @Override
  public void open(OpenContext ctx) {
    person = getRuntimeContext().getState(new ValueStateDescriptor<>("person", Types.STRING));
    updates =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "updates", Types.LONG, TypeInformation.of(PersonUpdate.class)));
    waiting =
        getRuntimeContext()
            .getMapState(
                new MapStateDescriptor<>(
                    "waiting", Types.LONG, Types.LIST(TypeInformation.of(ChannelEvent.class))));
  }

  @Override
  public void processElement1(ChannelEvent e, Context ctx, Collector<EventRow> out)
      throws Exception {
    long t = e.getEventTime().toEpochMilli();
    long release = t > Long.MAX_VALUE - stitchDelay ? Long.MAX_VALUE : t + stitchDelay;
    TimeBuckets.add(waiting, release, e);
    ctx.timerService().registerEventTimeTimer(release);
  }

  @Override
  public void processElement2(PersonUpdate u, Context ctx, Collector<EventRow> out)
      throws Exception {
    // Kept by time until the watermark passes it: an update may arrive before the events it must
    // not yet apply to (the graph's watermark can run ahead), so it takes effect at its own time.
    PersonUpdate same = updates.get(u.time);
    if (same == null || u.eventId.compareTo(same.eventId) >= 0) {
      updates.put(u.time, u);
    }
    ctx.timerService().registerEventTimeTimer(u.time);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<EventRow> out)
      throws Exception {
    PersonUpdate u = updates.get(timestamp);
    if (u != null) {
      person.update(u.personId);
      updates.remove(timestamp);
    }
    List<ChannelEvent> events = TimeBuckets.take(waiting, timestamp);
    if (events == null) {
      return;
    }
    String p = person.value();
    if (p == null) {
      p = PersonIds.personId(IdentityKey.parse(ctx.getCurrentKey()));
    }
    events.sort(ORDER);
    for (ChannelEvent e : events) {
      out.collect(Rows.eventRow(e, p));
    }
  }
}
