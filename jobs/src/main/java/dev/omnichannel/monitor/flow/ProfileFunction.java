package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.profile.PersonProfile;
import dev.omnichannel.monitor.profile.ProfileRows;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The {@code persons} table: merges a person's {@link PersonProfile} deltas and writes its row.
 * Keyed by {@link dev.omnichannel.monitor.event.Event#personKey} of the person id. In: the person
 * stage's deltas (events, journeys, friction; {@link PersonFunction#PROFILES}) and the identity
 * stage's (identities per namespace, rejected links). Out: {@link PersonRow}s, only for persons
 * with events.
 *
 * <ul>
 *   <li><b>Bounded</b>: one row per person when the key's input ends, as of the end of input.
 *       State: the merged profile; cleared then.
 *   <li><b>Event time</b>: deltas are merged in event-time order, when the watermark passes them: a
 *       person-stage delta at its time (the end of an hour, or the end of input), an identity-stage
 *       delta at the end of the hour in which the events it concerns are released ({@code link time
 *       + release delay}). A row goes out for each time at which the profile changed, so at most
 *       one per person per hour (and one per person-stage delta at the end of input), with {@code
 *       updated_at} the delta's as-of time, or the hour less the release delay, and always after
 *       the person's previous row. State: the merged profile, kept for the life of the job (a
 *       lifetime profile that expired would start counting again from zero; one small entry per
 *       person, as the identity graph keeps per identity); the deltas waiting for the watermark,
 *       bucketed by time and cleared when merged.
 * </ul>
 */
public class ProfileFunction extends KeyedProcessFunction<Long, PersonProfile, PersonRow> {
  private final Timing timing;
  private final List<String> frictionTypes;
  private transient ValueState<PersonProfile> profile;
  private transient MapState<Long, List<PersonProfile>> waiting;

  /**
   * @param frictionTypes every friction type of the catalogue (each row counts each of them)
   */
  public ProfileFunction(Timing timing, List<String> frictionTypes) {
    this.timing = timing;
    this.frictionTypes = List.copyOf(frictionTypes);
  }

  @Override
  public void open(OpenContext ctx) {
    profile =
        getRuntimeContext()
            .getState(
                new ValueStateDescriptor<>("profile", TypeInformation.of(PersonProfile.class)));
    if (!timing.bounded()) {
      waiting =
          getRuntimeContext()
              .getMapState(
                  new MapStateDescriptor<>(
                      "waiting-deltas",
                      Types.LONG,
                      Types.LIST(TypeInformation.of(PersonProfile.class))));
    }
  }

  @Override
  public void processElement(PersonProfile d, Context ctx, Collector<PersonRow> out)
      throws Exception {
    if (timing.bounded()) {
      merge(d);
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
      return;
    }
    long at =
        d.fromIdentityStage()
            ? PersonFunction.endOfHour(timing.at(ctx.timestamp()) - 1)
            : ctx.timestamp();
    TimeBuckets.add(waiting, at, d);
    ctx.timerService().registerEventTimeTimer(at);
  }

  private PersonProfile merge(PersonProfile d) throws Exception {
    PersonProfile p = profile.value();
    if (p == null) {
      p = new PersonProfile(d.personId);
    }
    p.merge(d);
    profile.update(p);
    return p;
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<PersonRow> out)
      throws Exception {
    if (timing.bounded()) {
      PersonProfile p = profile.value();
      profile.clear();
      if (p != null && p.hasEvents()) {
        out.collect(ProfileRows.row(p, frictionTypes, p.asOf));
      }
      return;
    }
    List<PersonProfile> due = TimeBuckets.take(waiting, timestamp);
    if (due == null) {
      return;
    }
    PersonProfile p = profile.value();
    if (p == null) {
      p = new PersonProfile(due.get(0).personId);
    }
    long asOf = Long.MIN_VALUE;
    for (PersonProfile d : due) {
      p.merge(d);
      if (!d.fromIdentityStage()) {
        asOf = Math.max(asOf, d.asOf);
      }
    }
    if (asOf == Long.MIN_VALUE) {
      asOf = timestamp - timing.releaseDelayMs();
    }
    if (p.hasEvents()) {
      long updatedAt = p.updatedAt == Long.MIN_VALUE ? asOf : Math.max(asOf, p.updatedAt + 1);
      p.updatedAt = updatedAt;
      out.collect(ProfileRows.row(p, frictionTypes, updatedAt));
    }
    profile.update(p);
  }
}
