package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.avro.AttributionRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.avro.LateEventRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventRows;
import dev.omnichannel.monitor.event.EventTypeInfo;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.SuppressionList;
import dev.omnichannel.monitor.journey.Journey;
import dev.omnichannel.monitor.journey.JourneyBuilder;
import dev.omnichannel.monitor.journey.JourneyConfig;
import dev.omnichannel.monitor.journey.JourneyStatus;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import dev.omnichannel.monitor.patterns.PatternDef;
import dev.omnichannel.monitor.patterns.PatternEngine;
import dev.omnichannel.monitor.patterns.PatternMatch;
import dev.omnichannel.monitor.profile.PersonProfile;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedBroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Everything that happens per person, downstream of the one exchange of events by person: journeys
 * and touches, every catalogue pattern (Flink CEP's NFA, through {@link PatternEngine}), friction
 * counts per journey, attribution paths and rule-based credit, and (stream mode) alerts. Keyed by
 * {@link Event#personKey} of the person id. In: the person's events with {@code personId} set; on
 * the broadcast side the subtasks' largest event times (the end of input of a bounded run). Out:
 * each event with its {@code journeyId} (main output, the events table), and on side outputs the
 * journeys ({@link #JOURNEYS}, with their friction counts), the confirmed matches ({@link
 * #MATCHES}), the CONVERTED and ABANDONED journeys' paths for the data-driven models ({@link
 * #PATHS}), rule-based attribution rows ({@link #ATTRIBUTION}), alerts ({@link #ALERTS}), late
 * stragglers ({@link #STRAGGLERS}) and what the person's profile learned ({@link #PROFILES}: a
 * {@link PersonProfile} delta of events, journeys and friction, for {@link ProfileFunction}).
 *
 * <p>The rules are the contract's: {@link JourneyBuilder} cuts journeys; patterns run on the
 * person's whole time-ordered stream across journeys; a match ending in an absence ("no purchase
 * within 72 h") is confirmed only once its window has passed in the input (at the end of a bounded
 * input: when its deadline is not after the end of input); a journey's friction count is the number
 * of confirmed friction matches whose last evidence event lies in it.
 *
 * <ul>
 *   <li><b>Bounded</b>: the person's events are taken in (event time, event id) order when the
 *       key's input ends; one profile delta goes out then, for the whole input. State: the buffered
 *       events and the pattern state; all cleared then.
 *   <li><b>Event time</b>: events arrive from {@link AssignPersonFunction} with their release time
 *       ({@code event_time + releaseDelay}) as timestamp and are taken in order when the watermark
 *       passes it; an event that arrives behind the watermark, or behind an event of its person
 *       already taken, is a late straggler. Journeys close at a PURCHASE, at the next event after a
 *       limit, or when the watermark passes the last event plus the inactivity gap. A closed
 *       journey waits for the friction horizon (the longest {@code within} of the friction
 *       patterns) before it goes out with its count. State: waiting events (cleared as they are
 *       taken), the open journey's events (cleared when it closes), matches waiting for their
 *       absence window, journeys waiting for their friction count, friction counts (cleared with
 *       their journey), the pattern state (cleared as partial matches complete or expire), the last
 *       few channels for alerts (expired after {@code alertContext} without events), and the
 *       profile delta of the current {@link #PROFILE_INTERVAL_MS hour}: what the person's profile
 *       learned since its last delta went out. It goes out, and is cleared, when the watermark
 *       passes the end of the hour (a timer at the hour), or once at the end of input, so a
 *       person's profile changes at most once per hour of (release) time.
 * </ul>
 *
 * <p><b>Erasure</b> (event time; a backfill drops the events of erased persons before they get
 * here). The broadcast side also brings the suppression list each time it grew ({@link
 * SuppressionPoller}), kept in broadcast state ({@link LiveSuppressFunction#HASHES}). When it
 * arrives, every key that holds state is visited once ({@code applyToKeyedState} over each state of
 * this function, the pattern engine's included) and all state of an erased person is cleared: the
 * person whose key derives from a suppressed identity ({@link SuppressionList#personKeys()}: a
 * person id is the start of its canonical identity's hash), or whose waiting or open events carry
 * one. That visit costs a pass over the keys, but only when the list grows (an erasure), never per
 * event. Timers cannot be deleted from the broadcast side: the erased person's timers still fire,
 * find its state empty (or its key erased) and emit nothing. Events of an erased person that were
 * already past the suppression filter when the list changed are dropped to {@link #SUPPRESSED}:
 * those still waiting for the stitch delay upstream on arrival, those already here and waiting for
 * the watermark when the list arrives. Such an event was counted accepted and is then counted
 * suppressed instead. So no journey, match, friction, alert, attribution or profile delta of the
 * person comes out after the list arrived. With an empty list nothing is hashed.
 */
public class PersonFunction extends KeyedBroadcastProcessFunction<Long, Event, Signal, Event> {
  public static final OutputTag<JourneyRow> JOURNEYS =
      new OutputTag<>("journeys", TypeInformation.of(JourneyRow.class));
  public static final OutputTag<PatternMatch> MATCHES =
      new OutputTag<>("matches", TypeInformation.of(PatternMatch.class));
  public static final OutputTag<JourneyPath> PATHS =
      new OutputTag<>("journey-paths", TypeInformation.of(JourneyPath.class));
  public static final OutputTag<AttributionRow> ATTRIBUTION =
      new OutputTag<>("rule-based-attribution", TypeInformation.of(AttributionRow.class));
  public static final OutputTag<String> ALERTS = new OutputTag<>("alerts", Types.STRING);
  public static final OutputTag<LateEventRow> STRAGGLERS =
      new OutputTag<>("stragglers", TypeInformation.of(LateEventRow.class));
  public static final OutputTag<PersonProfile> PROFILES =
      new OutputTag<>("profile-deltas", TypeInformation.of(PersonProfile.class));

  /** Event time: events of erased persons that were already accepted when the list changed. */
  public static final OutputTag<Event> SUPPRESSED = SuppressFunction.SUPPRESSED;

  /** Event time: a person's profile delta goes out at most once per this interval (an hour). */
  public static final long PROFILE_INTERVAL_MS = 60 * 60 * 1000L;

  private final JourneyConfig journey;
  private final PatternCatalogue patterns;
  private final AttributionSettings attribution;
  private final boolean dataDriven;
  private final Timing timing;
  private final long gap;
  private final long delay;
  private final long frictionHorizon;
  private final Duration alertContext;

  private transient PatternEngine engine;
  private transient ListState<Event> buffer;
  private transient MapState<Long, List<Event>> waiting;
  private transient ListState<Event> open;
  private transient MapState<Long, List<PatternMatch>> pendingMatches;
  private transient MapState<Long, List<JourneyRow>> pendingJourneys;
  private transient MapState<String, Integer> frictionCounts;
  private transient ListState<String> recent;
  private transient ValueState<PersonProfile> profileDelta;

  /** The descriptors of this function's own keyed state (event time). */
  private transient List<org.apache.flink.api.common.state.StateDescriptor<?, ?>> descriptors;

  /** The suppression list in force; null until read from broadcast state (after a restore). */
  private transient SuppressionList suppression;

  /** The keys of the persons whose id derives from a suppressed identity. */
  private transient java.util.Set<Long> erasedKeys;

  /** Event time: the profile delta of the current timer call, once read or begun; else null. */
  private transient PersonProfile delta;

  /**
   * @param dataDriven also emit the paths of CONVERTED and ABANDONED journeys on {@link #PATHS}
   * @param alertContext how long the recent channels of a person are kept for alerts
   */
  public PersonFunction(
      JourneyConfig journey,
      PatternCatalogue patterns,
      AttributionSettings attribution,
      boolean dataDriven,
      Timing timing,
      Duration alertContext) {
    this.journey = journey;
    this.patterns = patterns;
    this.attribution = attribution;
    this.dataDriven = dataDriven;
    this.timing = timing;
    this.gap = journey.inactivityGap().toMillis();
    this.delay = timing.releaseDelayMs();
    this.frictionHorizon = frictionHorizon(patterns).toMillis();
    this.alertContext = alertContext;
  }

  /** The longest {@code within} of the friction patterns: how late a friction can be confirmed. */
  public static Duration frictionHorizon(PatternCatalogue catalogue) {
    Duration max = Duration.ZERO;
    for (PatternDef d : catalogue.patterns()) {
      if (d.kind() == PatternDef.Kind.FRICTION && d.within().compareTo(max) > 0) {
        max = d.within();
      }
    }
    return max;
  }

  @Override
  public void open(OpenContext ctx) {
    engine = new PatternEngine(patterns);
    engine.open(getRuntimeContext());
    if (timing.bounded()) {
      buffer =
          getRuntimeContext()
              .getListState(new ListStateDescriptor<>("events", EventTypeInfo.INSTANCE));
      return;
    }
    MapStateDescriptor<Long, List<Event>> w =
        new MapStateDescriptor<>("waiting", Types.LONG, Types.LIST(EventTypeInfo.INSTANCE));
    waiting = getRuntimeContext().getMapState(w);
    ListStateDescriptor<Event> o =
        new ListStateDescriptor<>("open-journey", EventTypeInfo.INSTANCE);
    open = getRuntimeContext().getListState(o);
    MapStateDescriptor<Long, List<PatternMatch>> pm =
        new MapStateDescriptor<>(
            "pending-matches", Types.LONG, Types.LIST(TypeInformation.of(PatternMatch.class)));
    pendingMatches = getRuntimeContext().getMapState(pm);
    MapStateDescriptor<Long, List<JourneyRow>> pj =
        new MapStateDescriptor<>(
            "pending-journeys", Types.LONG, Types.LIST(TypeInformation.of(JourneyRow.class)));
    pendingJourneys = getRuntimeContext().getMapState(pj);
    MapStateDescriptor<String, Integer> fc =
        new MapStateDescriptor<>("friction-counts", Types.STRING, Types.INT);
    frictionCounts = getRuntimeContext().getMapState(fc);
    ListStateDescriptor<String> r = new ListStateDescriptor<>("recent-channels", Types.STRING);
    r.enableTimeToLive(StateTtlConfig.newBuilder(alertContext).build());
    recent = getRuntimeContext().getListState(r);
    ValueStateDescriptor<PersonProfile> pd =
        new ValueStateDescriptor<>("profile-delta", TypeInformation.of(PersonProfile.class));
    profileDelta = getRuntimeContext().getState(pd);
    descriptors = new ArrayList<>(List.of(w, o, pm, pj, fc, r, pd));
    descriptors.addAll(engine.stateDescriptors());
    suppression = null;
  }

  @Override
  public void close() throws Exception {
    if (engine != null) {
      engine.close();
    }
  }

  @Override
  public void processBroadcastElement(Signal s, Context ctx, Collector<Event> out)
      throws Exception {
    if (!s.isSuppression()) {
      Tags.updateEndOfInput(ctx.getBroadcastState(Tags.END_OF_INPUT), s.largest);
      return;
    }
    if (timing.bounded()) {
      return; // a backfill's events of erased persons never get here
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
    for (org.apache.flink.api.common.state.StateDescriptor<?, ?> d : descriptors) {
      eraseKeysOf(d, ctx);
    }
  }

  /** Clears every state of each erased person that holds state {@code d}. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private void eraseKeysOf(org.apache.flink.api.common.state.StateDescriptor d, Context ctx)
      throws Exception {
    ctx.applyToKeyedState(
        d,
        (key, state) -> {
          if (isErased((Long) key)) {
            dropWaiting(ctx);
            clearAll();
          }
        });
  }

  /**
   * Sends the current key's waiting events (released upstream, so counted accepted, but not taken
   * yet) to {@link #SUPPRESSED}, so that they are counted suppressed instead of vanishing with the
   * person's state.
   */
  private void dropWaiting(Context ctx) throws Exception {
    for (List<Event> bucket : waiting.values()) {
      for (Event e : bucket) {
        ctx.output(SUPPRESSED, e);
      }
    }
  }

  /** The current key (set by the caller) is an erased person. */
  private boolean isErased(long key) throws Exception {
    if (erasedKeys.contains(key)) {
      return true;
    }
    for (Event e : open.get()) {
      if (suppression.containsAny(e.identities)) {
        return true;
      }
    }
    for (List<Event> bucket : waiting.values()) {
      for (Event e : bucket) {
        if (suppression.containsAny(e.identities)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Clears all state of the current key. */
  private void clearAll() {
    waiting.clear();
    open.clear();
    pendingMatches.clear();
    pendingJourneys.clear();
    frictionCounts.clear();
    recent.clear();
    profileDelta.clear();
    engine.clear();
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

  @Override
  public void processElement(Event e, ReadOnlyContext ctx, Collector<Event> out) throws Exception {
    if (timing.bounded()) {
      buffer.add(e);
      ctx.timerService().registerEventTimeTimer(Long.MAX_VALUE);
      return;
    }
    SuppressionList list = suppression(ctx.getBroadcastState(LiveSuppressFunction.HASHES));
    if (!list.isEmpty()
        && (erasedKeys.contains(ctx.getCurrentKey()) || list.containsAny(e.identities))) {
      ctx.output(SUPPRESSED, e);
      return;
    }
    long at = ctx.timestamp();
    long watermark = ctx.timerService().currentWatermark();
    if (at <= watermark) {
      // Released behind this operator's watermark: every event of every person up to the
      // watermark has been taken, so it cannot be placed in order.
      ctx.output(STRAGGLERS, EventRows.lateEventRow(e, watermark - at));
      return;
    }
    TimeBuckets.add(waiting, at, e);
    ctx.timerService().registerEventTimeTimer(at);
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<Event> out) throws Exception {
    if (timing.bounded()) {
      onEndOfKey(ctx, out);
      return;
    }
    SuppressionList list = suppression(ctx.getBroadcastState(LiveSuppressFunction.HASHES));
    if (!list.isEmpty() && erasedKeys.contains(ctx.getCurrentKey())) {
      clearAll(); // a timer set before the erasure: nothing comes out
      return;
    }
    onWatermark(timestamp, ctx, out);
  }

  /** The end of input in the contract's sense: {@code --to}, else the largest event time. */
  private Long endOfInput(ReadOnlyContext ctx) throws Exception {
    if (timing.fixedEndOfInput() != null) {
      return timing.fixedEndOfInput();
    }
    return ctx.getBroadcastState(Tags.END_OF_INPUT).get("end");
  }

  private static String personOf(long key) {
    String hex = Long.toHexString(key);
    return "p-" + "0".repeat(16 - hex.length()) + hex;
  }

  // ---------------------------------------------------------------------------------------------
  // Bounded

  private void onEndOfKey(OnTimerContext ctx, Collector<Event> out) throws Exception {
    List<Event> events = new ArrayList<>();
    for (Event e : buffer.get()) {
      events.add(e);
    }
    buffer.clear();
    if (events.isEmpty()) {
      return;
    }
    events.sort(AssignPersonFunction.ORDER);
    Long end = endOfInput(ctx);
    if (end == null) {
      throw new IllegalStateException(
          "the end of input was not known when journeys closed; the broadcast side must come first");
    }
    String person = personOf(ctx.getCurrentKey());
    JourneyBuilder<Event> builder = new JourneyBuilder<>(journey, person);
    List<Journey<Event>> closed = new ArrayList<>();
    List<PatternMatch> matches = new ArrayList<>();
    PersonProfile profile = new PersonProfile(person);
    String openId = null;
    for (Event e : events) {
      List<Journey<Event>> c = builder.add(e);
      closed.addAll(c);
      if (!c.isEmpty()) {
        openId = null;
      }
      e.journeyId = journeyIdOf(person, c, builder, openId);
      openId = builder.hasOpenJourney() ? e.journeyId : null;
      out.collect(e);
      profile.addEvent(e);
      engine.process(e, matches::add, t -> {});
    }
    closed.addAll(builder.finish(end));
    engine.advanceTime(Long.MAX_VALUE, matches::add);
    Map<String, Integer> friction = new HashMap<>();
    for (PatternMatch m : matches) {
      if (m.absenceDeadline <= end) {
        confirmed(m, friction, ctx);
        if ("FRICTION".equals(m.kind)) {
          profile.friction(m.pattern, m.lastEventTime);
        }
      }
    }
    for (Journey<Event> j : closed) {
      JourneyRow row = JourneyRows.journeyRow(j);
      Integer n = friction.get(j.journeyId());
      row.setFrictionCount(n == null ? 0 : n);
      ctx.output(JOURNEYS, row);
      paths(j, ctx);
      profile.journeyClosed(j.status(), j.conversionValue());
    }
    profile.journeysStarted(closed.size());
    profile.asOf = end;
    ctx.output(PROFILES, profile);
  }

  /**
   * The journey of the event just added: the journey it closed (a PURCHASE), else the open one,
   * whose id depends only on its first event ({@code openId} caches it while the journey is open).
   */
  private static String journeyIdOf(
      String person, List<Journey<Event>> closed, JourneyBuilder<Event> builder, String openId) {
    if (!closed.isEmpty()) {
      // A CONVERTED journey closes at the PURCHASE just added, which is its last event.
      Journey<Event> last = closed.get(closed.size() - 1);
      if (last.status() == JourneyStatus.CONVERTED) {
        return last.journeyId();
      }
    }
    if (openId != null) {
      return openId;
    }
    return "j-" + PersonIds.sha256Hex16(person + ":" + builder.openEvents().get(0).eventId);
  }

  private void confirmed(PatternMatch m, Map<String, Integer> friction, ReadOnlyContext ctx) {
    ctx.output(MATCHES, m);
    if ("FRICTION".equals(m.kind) && m.journeyId != null) {
      friction.merge(m.journeyId, 1, Integer::sum);
    }
  }

  private void paths(Journey<Event> j, ReadOnlyContext ctx) {
    if (j.status() != JourneyStatus.CONVERTED && j.status() != JourneyStatus.ABANDONED) {
      return;
    }
    JourneyPath p = JourneyPath.of(j);
    if (dataDriven) {
      ctx.output(PATHS, p);
    }
    if (p.converted) {
      RuleBasedAttributionFunction.rows(p, attribution, r -> ctx.output(ATTRIBUTION, r));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Event time

  private void onWatermark(long timestamp, OnTimerContext ctx, Collector<Event> out)
      throws Exception {
    long watermark = ctx.timerService().currentWatermark();
    boolean endOfInput = watermark == Long.MAX_VALUE;
    String person = personOf(ctx.getCurrentKey());
    JourneyBuilder<Event> builder = new JourneyBuilder<>(journey, person);
    for (Event e : open.get()) {
      builder.add(e);
    }
    delta = null;
    boolean openBefore = builder.hasOpenJourney();
    List<PatternMatch> matches = new ArrayList<>();
    List<Journey<Event>> closed = new ArrayList<>();
    List<Event> due = TimeBuckets.take(waiting, timestamp);
    if (due != null) {
      due.sort(AssignPersonFunction.ORDER);
      List<String> channels = recentChannels();
      String openId = null;
      for (Event e : due) {
        if (builder.hasOpenJourney()
            && AssignPersonFunction.ORDER.compare(
                    e, builder.openEvents().get(builder.openEventCount() - 1))
                < 0) {
          ctx.output(STRAGGLERS, EventRows.lateEventRow(e, builder.lastEventTime() - e.eventTime));
          continue;
        }
        List<Journey<Event>> c = builder.add(e);
        closed.addAll(c);
        if (!c.isEmpty()) {
          openId = null;
        }
        e.journeyId = journeyIdOf(person, c, builder, openId);
        openId = builder.hasOpenJourney() ? e.journeyId : null;
        out.collect(e);
        delta(person).addEvent(e);
        if (channels.isEmpty() || !channels.get(channels.size() - 1).equals(e.channel())) {
          channels.add(e.channel());
          while (channels.size() > Alert.CONTEXT) {
            channels.remove(0);
          }
        }
        engine.process(
            e, matches::add, t -> ctx.timerService().registerEventTimeTimer(timing.at(t)));
      }
      recent.update(channels);
    }
    // Only up to this timer's time: the person's events released between it and the watermark
    // are still waiting for their own timers, which fire next, in time order.
    engine.advanceTime(
        endOfInput && waiting.isEmpty() ? Long.MAX_VALUE : timestamp - delay, matches::add);

    Long end = ctx.getBroadcastState(Tags.END_OF_INPUT).get("end");
    for (PatternMatch m : matches) {
      long at = timing.at(m.absenceDeadline);
      if (m.absenceDeadline <= m.lastEventTime || (!endOfInput && at <= watermark)) {
        confirmedLive(m, ctx);
      } else {
        TimeBuckets.add(pendingMatches, at, m);
        ctx.timerService().registerEventTimeTimer(at);
      }
    }
    List<PatternMatch> waitingMatches = TimeBuckets.take(pendingMatches, timestamp);
    if (waitingMatches != null) {
      for (PatternMatch m : waitingMatches) {
        if (!endOfInput || (end != null && m.absenceDeadline <= end)) {
          confirmedLive(m, ctx);
        }
      }
    }

    if (builder.hasOpenJourney()) {
      long lastTime = builder.lastEventTime();
      if (endOfInput) {
        if (waiting.isEmpty()) {
          closed.addAll(builder.finish(end == null ? lastTime : end));
        }
      } else if (timestamp - delay - lastTime >= gap) {
        closed.addAll(builder.finish(timestamp - delay));
      } else if (due != null) {
        ctx.timerService().registerEventTimeTimer(lastTime + gap + delay);
      }
    }
    boolean openAfter = builder.hasOpenJourney();
    int closures = 0;
    for (Journey<Event> j : closed) {
      JourneyRow row = JourneyRows.journeyRow(j);
      long at = timing.at(j.endTime() + frictionHorizon);
      TimeBuckets.add(pendingJourneys, at, row);
      ctx.timerService().registerEventTimeTimer(at);
      paths(j, ctx);
      delta(person).journeyClosed(j.status(), j.conversionValue());
      if (j.status() == JourneyStatus.OPEN) {
        openAfter = true; // closed only by the end of input
      } else {
        closures++;
      }
    }
    if (openAfter != openBefore || closures > 0) {
      delta(person).journeysStarted(closures + (openAfter ? 1 : 0) - (openBefore ? 1 : 0));
    }
    if (builder.hasOpenJourney() && (!openBefore || closures > 0)) {
      delta(person).journeyOpen();
    }
    List<JourneyRow> finished = TimeBuckets.take(pendingJourneys, timestamp);
    if (finished != null) {
      for (JourneyRow row : finished) {
        Integer n = frictionCounts.get(row.getJourneyId());
        if (n != null) {
          frictionCounts.remove(row.getJourneyId());
        }
        row.setFrictionCount(n == null ? 0 : n);
        ctx.output(JOURNEYS, row);
      }
    }
    if (builder.hasOpenJourney()) {
      open.update(new ArrayList<>(builder.openEvents()));
    } else {
      open.clear();
    }
    profileDelta(timestamp, endOfInput, end, ctx);
  }

  /** The profile delta of this timer call: the stored one, else a new one. */
  private PersonProfile delta(String person) throws Exception {
    if (delta == null) {
      delta = profileDelta.value();
      if (delta == null) {
        delta = new PersonProfile(person);
      }
    }
    return delta;
  }

  /**
   * Sends the person's profile delta at the end of its hour (a timer at a whole hour); otherwise
   * keeps what this call added, with a timer at the end of the hour. When the input ends, every
   * timer fires at once: the calls then add to one delta, sent by the last timer, at {@link
   * Long#MAX_VALUE}.
   */
  private void profileDelta(long timestamp, boolean endOfInput, Long end, OnTimerContext ctx)
      throws Exception {
    boolean send =
        endOfInput
            ? timestamp == Long.MAX_VALUE
            : Math.floorMod(timestamp, PROFILE_INTERVAL_MS) == 0;
    if (!send) {
      if (endOfInput && delta == null) {
        // the end of the hour of a delta kept earlier: it now waits for the last timer
        delta = profileDelta.value();
      }
      if (delta != null) {
        profileDelta.update(delta);
        ctx.timerService()
            .registerEventTimeTimer(endOfInput ? Long.MAX_VALUE : endOfHour(timestamp));
      }
      return;
    }
    PersonProfile d = delta != null ? delta : profileDelta.value();
    if (d != null) {
      d.asOf = endOfInput && end != null ? end : timestamp - delay;
      ctx.output(PROFILES, d);
      profileDelta.clear();
    }
    delta = null;
  }

  /** The next whole hour after {@code time}. */
  static long endOfHour(long time) {
    long next = time - Math.floorMod(time, PROFILE_INTERVAL_MS) + PROFILE_INTERVAL_MS;
    return next < time ? Long.MAX_VALUE : next;
  }

  private List<String> recentChannels() throws Exception {
    List<String> channels = new ArrayList<>(Alert.CONTEXT + 1);
    for (String c : recent.get()) {
      channels.add(c);
    }
    return channels;
  }

  private void confirmedLive(PatternMatch m, ReadOnlyContext ctx) throws Exception {
    ctx.output(MATCHES, m);
    if ("FRICTION".equals(m.kind) && m.journeyId != null) {
      Integer n = frictionCounts.get(m.journeyId);
      frictionCounts.put(m.journeyId, n == null ? 1 : n + 1);
    }
    if ("FRICTION".equals(m.kind)) {
      delta(m.personId).friction(m.pattern, m.lastEventTime);
    }
    ctx.output(ALERTS, Alert.of(m, recentChannels()).toJson());
  }
}
