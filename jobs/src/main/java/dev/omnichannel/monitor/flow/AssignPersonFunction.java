package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventTypeInfo;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Gives each event the person of its primary identity. Keyed by {@link
 * dev.omnichannel.monitor.event.Keys#of} of an identity (state is kept per real identity, so a hash
 * collision changes nothing): events arrive under their primary identity, {@link PersonUpdate}s
 * under the identity they concern. An identity that never got an update is its own person ({@link
 * PersonIds#personId}). Out: the event with {@code personId} set.
 *
 * <ul>
 *   <li>Bounded: the updates are final persons; the key's events go out when its input ends. State:
 *       the key's events and persons; cleared then.
 *   <li>Event time: an event waits until the watermark passes {@code event_time + releaseDelay}
 *       (the stitch delay plus the allowed lateness) and goes out with the person its primary
 *       identity has at that moment; an update takes effect when the watermark passes its time (the
 *       graph's watermark may run ahead of the events'). Events released together go out in (event
 *       time, event id) order, with the release time as their timestamp. State: each identity's
 *       current person (kept: an expired person would silently un-stitch events), the updates and
 *       events waiting for the watermark (cleared as they are applied and released).
 * </ul>
 */
public class AssignPersonFunction extends KeyedCoProcessFunction<Long, Event, PersonUpdate, Event> {
  static final Comparator<Event> ORDER =
      Comparator.<Event>comparingLong(e -> e.eventTime).thenComparing(e -> e.eventId);

  private final Timing timing;
  private transient MapState<String, String> persons;
  private transient ListState<Event> events;
  private transient MapState<Long, List<Event>> waiting;
  private transient MapState<Long, List<PersonUpdate>> updates;

  public AssignPersonFunction(Timing timing) {
    this.timing = timing;
  }

  @Override
  public void open(OpenContext ctx) {
    persons =
        getRuntimeContext()
            .getMapState(new MapStateDescriptor<>("persons", Types.STRING, Types.STRING));
    if (timing.bounded()) {
      events =
          getRuntimeContext()
              .getListState(new ListStateDescriptor<>("events", EventTypeInfo.INSTANCE));
    } else {
      waiting =
          getRuntimeContext()
              .getMapState(
                  new MapStateDescriptor<>(
                      "waiting", Types.LONG, Types.LIST(EventTypeInfo.INSTANCE)));
      updates =
          getRuntimeContext()
              .getMapState(
                  new MapStateDescriptor<>(
                      "updates", Types.LONG, Types.LIST(TypeInformation.of(PersonUpdate.class))));
    }
  }

  @Override
  public void processElement1(Event e, Context ctx, Collector<Event> out) throws Exception {
    if (timing.bounded()) {
      events.add(e);
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
      return;
    }
    long release = timing.at(e.eventTime);
    TimeBuckets.add(waiting, release, e);
    ctx.timerService().registerEventTimeTimer(release);
  }

  @Override
  public void processElement2(PersonUpdate u, Context ctx, Collector<Event> out) throws Exception {
    if (timing.bounded()) {
      persons.put(u.identity, u.personId);
      return;
    }
    TimeBuckets.add(updates, u.time, u);
    ctx.timerService().registerEventTimeTimer(u.time);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
    if (timing.bounded()) {
      Map<String, String> own = new HashMap<>();
      for (Event e : events.get()) {
        String primary = e.primaryIdentity();
        String p = persons.get(primary);
        if (p == null) {
          p = own.computeIfAbsent(primary, k -> PersonIds.personId(IdentityKey.parse(k)));
        }
        e.personId = p;
        out.collect(e);
      }
      events.clear();
      persons.clear();
      return;
    }
    List<PersonUpdate> due = TimeBuckets.take(updates, timestamp);
    if (due != null) {
      due.sort(Comparator.comparing(u -> u.eventId));
      for (PersonUpdate u : due) {
        persons.put(u.identity, u.personId);
      }
    }
    List<Event> released = TimeBuckets.take(waiting, timestamp);
    if (released == null) {
      return;
    }
    released.sort(ORDER);
    List<Event> batch = new ArrayList<>(released);
    for (Event e : batch) {
      String primary = e.primaryIdentity();
      String p = persons.get(primary);
      e.personId = p != null ? p : PersonIds.personId(IdentityKey.parse(primary));
      out.collect(e);
    }
  }
}
