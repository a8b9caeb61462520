package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.identity.SuppressionList;
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
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
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
 *
 * <p><b>Erasure</b> (event time). The broadcast side brings the suppression list each time it grew
 * ({@link SuppressionPoller}; largest-time signals are ignored), kept in broadcast state ({@link
 * LiveSuppressFunction#HASHES}). When it arrives, every key holding a profile or waiting deltas is
 * visited once, and both are cleared for each erased person: a key that derives from a suppressed
 * identity ({@link SuppressionList#personKeys()}; a profile holds no identities, and a person id is
 * the start of its canonical identity's hash). Deltas of an erased person that arrive later, and
 * its timers that fire later, find the key erased and write nothing. With an empty list the only
 * cost is one check per delta and timer.
 */
public class ProfileFunction
    extends KeyedBroadcastProcessFunction<Long, PersonProfile, Signal, PersonRow> {
  private final Timing timing;
  private final List<String> frictionTypes;
  private transient ValueStateDescriptor<PersonProfile> profileDescriptor;
  private transient MapStateDescriptor<Long, List<PersonProfile>> waitingDescriptor;
  private transient ValueState<PersonProfile> profile;
  private transient MapState<Long, List<PersonProfile>> waiting;

  /** The suppression list in force; null until read from broadcast state (after a restore). */
  private transient SuppressionList suppression;

  private transient java.util.Set<Long> erasedKeys;

  /**
   * @param frictionTypes every friction type of the catalogue (each row counts each of them)
   */
  public ProfileFunction(Timing timing, List<String> frictionTypes) {
    this.timing = timing;
    this.frictionTypes = List.copyOf(frictionTypes);
  }

  @Override
  public void open(OpenContext ctx) {
    profileDescriptor =
        new ValueStateDescriptor<>("profile", TypeInformation.of(PersonProfile.class));
    profile = getRuntimeContext().getState(profileDescriptor);
    suppression = null;
    if (!timing.bounded()) {
      waitingDescriptor =
          new MapStateDescriptor<>(
              "waiting-deltas", Types.LONG, Types.LIST(TypeInformation.of(PersonProfile.class)));
      waiting = getRuntimeContext().getMapState(waitingDescriptor);
    }
  }

  @Override
  public void processBroadcastElement(Signal s, Context ctx, Collector<PersonRow> out)
      throws Exception {
    if (!s.isSuppression() || timing.bounded()) {
      return;
    }
    SuppressionList before = suppression(ctx.getBroadcastState(LiveSuppressFunction.HASHES));
    SuppressionList now = before.union(SuppressionList.ofHashes(List.of(s.suppressed)));
    for (String h : s.suppressed) {
      ctx.getBroadcastState(LiveSuppressFunction.HASHES).put(h, Boolean.TRUE);
    }
    if (now.size() == before.size()) {
      return;
    }
    suppression = now;
    erasedKeys = now.personKeys();
    ctx.applyToKeyedState(profileDescriptor, (key, state) -> eraseIfErased(key));
    ctx.applyToKeyedState(waitingDescriptor, (key, state) -> eraseIfErased(key));
  }

  private void eraseIfErased(Long key) {
    if (erasedKeys.contains(key)) {
      profile.clear();
      waiting.clear();
    }
  }

  /** The suppression list in force, read from broadcast state once after a (re)start. */
  private SuppressionList suppression(
      org.apache.flink.api.common.state.ReadOnlyBroadcastState<String, Boolean> state)
      throws Exception {
    if (suppression == null) {
      suppression = LiveSuppressFunction.fromState(state);
      erasedKeys = suppression.personKeys();
    }
    return suppression;
  }

  /** The current key is an erased person (event time): its state is cleared. */
  private boolean erased(ReadOnlyContext ctx) throws Exception {
    SuppressionList list = suppression(ctx.getBroadcastState(LiveSuppressFunction.HASHES));
    if (list.isEmpty() || !erasedKeys.contains(ctx.getCurrentKey())) {
      return false;
    }
    profile.clear();
    waiting.clear();
    return true;
  }

  @Override
  public void processElement(PersonProfile d, ReadOnlyContext ctx, Collector<PersonRow> out)
      throws Exception {
    if (timing.bounded()) {
      merge(d);
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
      return;
    }
    if (erased(ctx)) {
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
    if (erased(ctx)) {
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
