package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventSerializer;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.KeyedStateStore;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeutils.base.IntSerializer;
import org.apache.flink.api.common.typeutils.base.LongSerializer;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.cep.nfa.NFA;
import org.apache.flink.cep.nfa.NFAState;
import org.apache.flink.cep.nfa.NFAStateSerializer;
import org.apache.flink.cep.nfa.aftermatch.AfterMatchSkipStrategy;
import org.apache.flink.cep.nfa.compiler.NFACompiler;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBuffer;
import org.apache.flink.cep.nfa.sharedbuffer.SharedBufferAccessor;
import org.apache.flink.cep.time.TimerService;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.FlinkRuntimeException;

/**
 * Runs every pattern of a catalogue for the current key of a keyed Flink function, with Flink CEP's
 * own automaton ({@link NFA}, {@link NFAState}, {@link SharedBuffer}), driven the way Flink's
 * {@code CepOperator} drives it in event time, so matches are exactly those of one CEP operator per
 * pattern. Not a Flink function itself: the caller owns the keyed context, the ordering of events
 * and the timers. Create it with the catalogue, {@link #open} it in the function's {@code open},
 * {@link #close} it in its {@code close}.
 *
 * <p>The caller's side of the contract, per key:
 *
 * <ul>
 *   <li>Feed events through {@link #process} in (time, {@code event_id}) order. The time is the
 *       event time, or the caller's timestamp of the event (the event time shifted by a constant);
 *       never feed a time below one already passed to {@link #advanceTime}.
 *   <li>When a partial match starts, the {@code timers} callback asks for a call of {@link
 *       #advanceTime} once time reaches the given time (the end of the pattern's window): this is
 *       when partial matches time out and patterns ending in an absence emit their matches.
 *   <li>Call {@link #advanceTime} when time advances (a timer fires), and with {@link
 *       Long#MAX_VALUE} at the end of a bounded input.
 * </ul>
 *
 * <p>Each pattern sees only its candidate events ({@link PatternDef#relevant}, or every event when
 * a step needs strict contiguity, {@link PatternDef#needsEveryEvent}), and is advanced to a
 * candidate's time before it takes it, as {@code CepOperator} advances before each time it drains
 * (advancing again to the same time changes nothing). State per key and pattern, under names
 * prefixed {@code pattern/<name>/}: the NFA's partial and completed matches (a {@link ValueState}
 * of {@link NFAState}, cleared when only the start state is left) and the events they hold (the
 * {@link SharedBuffer}'s map states, emptied as matches complete or time out). After {@code
 * advanceTime(t)} no state is left for runs whose window ended at or before {@code t}.
 */
public final class PatternEngine implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The prefix of every state name of pattern {@code name}. */
  public static String statePrefix(String name) {
    return "pattern/" + name + "/";
  }

  private static final TimerService PROCESSING_TIME = System::currentTimeMillis;

  private final PatternCatalogue catalogue;
  private transient Matcher[] matchers;

  public PatternEngine(PatternCatalogue catalogue) {
    this.catalogue = catalogue;
  }

  /**
   * Opens the engine over the keyed state of a keyed function, whose runtime context is {@code
   * keyedContext}. Call from the function's {@code open}.
   */
  public void open(RuntimeContext keyedContext) {
    open(prefix -> PrefixedStateStore.over(keyedContext, prefix), keyedContext);
  }

  /**
   * Opens the engine over an operator's keyed state store; {@code ctx} is handed to the pattern
   * conditions.
   */
  public void open(KeyedStateStore store, RuntimeContext ctx) {
    open(prefix -> PrefixedStateStore.over(store, prefix), ctx);
  }

  private void open(Function<String, PrefixedStateStore> stores, RuntimeContext ctx) {
    List<PatternDef> defs = catalogue.patterns();
    Matcher[] m = new Matcher[defs.size()];
    try {
      for (int i = 0; i < m.length; i++) {
        PatternDef def = defs.get(i);
        m[i] = new Matcher(def, stores.apply(statePrefix(def.name())), ctx);
      }
    } catch (Exception e) {
      for (Matcher made : m) {
        if (made != null) {
          made.closeQuietly();
        }
      }
      throw new FlinkRuntimeException("cannot open the pattern engine", e);
    }
    matchers = m;
  }

  /** Feeds the current key's next event, at its event time. */
  public void process(Event e, Consumer<PatternMatch> matches, LongConsumer timers)
      throws Exception {
    process(e, e.eventTime, matches, timers);
  }

  /**
   * Feeds the current key's next event at {@code time} (the event time shifted by the caller's
   * constant); {@code timers} receives times on the same scale.
   */
  public void process(Event e, long time, Consumer<PatternMatch> matches, LongConsumer timers)
      throws Exception {
    for (Matcher m : matchers) {
      m.process(e, time, matches, timers);
    }
  }

  /**
   * Tells every pattern of the current key that no event before {@code time} will come: runs whose
   * window has passed time out, and matches that waited for them are emitted.
   */
  public void advanceTime(long time, Consumer<PatternMatch> matches) throws Exception {
    for (Matcher m : matchers) {
      m.advanceTime(time, matches);
    }
  }

  /** True when the current key holds no pattern state (no partial match, no buffered event). */
  public boolean isEmpty() throws Exception {
    for (Matcher m : matchers) {
      if (!m.store.isEmpty()) {
        return false;
      }
    }
    return true;
  }

  /** Drops every pattern's state of the current key: partial matches and buffered events. */
  public void clear() {
    for (Matcher m : matchers) {
      m.store.clear();
    }
  }

  /** The descriptors of every pattern's keyed state (to visit every key that holds some). */
  public List<org.apache.flink.api.common.state.StateDescriptor<?, ?>> stateDescriptors() {
    List<org.apache.flink.api.common.state.StateDescriptor<?, ?>> out = new ArrayList<>();
    for (Matcher m : matchers) {
      out.addAll(m.store.descriptors());
    }
    return out;
  }

  /** Closes the conditions and stops the shared buffers' statistics timer threads. */
  public void close() throws Exception {
    if (matchers == null) {
      return;
    }
    Exception first = null;
    for (Matcher m : matchers) {
      try {
        m.close();
      } catch (Exception e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    matchers = null;
    if (first != null) {
      throw first;
    }
  }

  /** The name of {@link SharedBuffer}'s map of event counters per timestamp. */
  static final String EVENTS_COUNT = "sharedBuffer-events-count";

  /** One pattern: its automaton and its state. */
  private static final class Matcher {
    private final PatternDef def;
    private final boolean everyEvent;
    private final List<String> eventSteps;
    private final NFA<Event> nfa;
    private final AfterMatchSkipStrategy skip;
    private final PrefixedStateStore store;
    private final ValueState<NFAState> nfaState;
    private final SharedBuffer<Event> buffer;
    private final MapState<Long, Integer> eventsCount;

    Matcher(PatternDef def, PrefixedStateStore store, RuntimeContext ctx) throws Exception {
      PatternCompiler.CompiledPattern compiled = PatternCompiler.compile(def);
      this.def = def;
      this.everyEvent = def.needsEveryEvent();
      this.eventSteps = compiled.eventSteps();
      this.skip = compiled.pattern().getAfterMatchSkipStrategy();
      this.store = store;
      this.nfa = NFACompiler.compileFactory(compiled.pattern(), false).createNFA();
      this.nfaState = store.getState(new ValueStateDescriptor<>("nfa", new NFAStateSerializer()));
      nfa.open(ctx, new Configuration());
      // last: should its caches stay Guava's, the buffer runs a statistics timer thread until
      // close()
      this.buffer = SharedBuffers.create(store, EventSerializer.INSTANCE);
      // the buffer's own per-timestamp event counters (the same state, by name and serializers)
      this.eventsCount =
          store.getMapState(
              new MapStateDescriptor<>(
                  EVENTS_COUNT, LongSerializer.INSTANCE, IntSerializer.INSTANCE));
    }

    void process(Event e, long time, Consumer<PatternMatch> matches, LongConsumer timers)
        throws Exception {
      if (!everyEvent && !def.relevant(e)) {
        return;
      }
      NFAState state = current();
      // one accessor for advancing and taking the event: its cache is flushed once, on close
      try (SharedBufferAccessor<Event> accessor = buffer.getAccessor()) {
        advance(accessor, state, time, matches);
        emit(nfa.process(accessor, state, e, time, skip, PROCESSING_TIME), matches);
        if (nfa.getWindowTime() > 0 && state.isNewStartPartialMatch()) {
          timers.accept(time + nfa.getWindowTime());
        }
      }
      save(state);
    }

    void advanceTime(long time, Consumer<PatternMatch> matches) throws Exception {
      NFAState stored = nfaState.value();
      if (stored == null && eventsCount.isEmpty()) {
        // Only the start state and nothing in the buffer: advancing changes nothing (the start
        // state never times out, there is no completed match to emit, no counter to prune).
        // Most keys are in this state at most timers; the person stage advances every pattern.
        return;
      }
      NFAState state = stored != null ? stored : nfa.createInitialNFAState();
      try (SharedBufferAccessor<Event> accessor = buffer.getAccessor()) {
        advance(accessor, state, time, matches);
      }
      // as CepOperator at the end of a timer: keep no state that holds only the start state
      if (state.getPartialMatches().size() == 1 && state.getCompletedMatches().isEmpty()) {
        if (stored != null) {
          nfaState.clear();
        }
      } else {
        save(state);
      }
    }

    private NFAState current() throws Exception {
      NFAState state = nfaState.value();
      return state != null ? state : nfa.createInitialNFAState();
    }

    private void save(NFAState state) throws Exception {
      if (state.isStateChanged()) {
        state.resetStateChanged();
        state.resetNewStartPartialMatch();
        nfaState.update(state);
      }
    }

    private void advance(
        SharedBufferAccessor<Event> accessor,
        NFAState state,
        long time,
        Consumer<PatternMatch> matches)
        throws Exception {
      Tuple2<
              Collection<Map<String, List<Event>>>,
              Collection<Tuple2<Map<String, List<Event>>, Long>>>
          pendingAndTimedOut = nfa.advanceTime(accessor, state, time, skip);
      emit(pendingAndTimedOut.f0, matches);
    }

    private void emit(Collection<Map<String, List<Event>>> found, Consumer<PatternMatch> matches) {
      for (Map<String, List<Event>> match : found) {
        PatternMatch m = toMatch(match);
        if (m != null) {
          matches.accept(m);
        }
      }
    }

    /**
     * The matched events in step order, their channels, the person and the journey of the last
     * event; null for a match without events.
     */
    private PatternMatch toMatch(Map<String, List<Event>> match) {
      List<Event> events = new ArrayList<>();
      for (String step : eventSteps) {
        List<Event> e = match.get(step);
        if (e != null) {
          events.addAll(e);
        }
      }
      if (events.isEmpty()) {
        return null;
      }
      Event first = events.get(0);
      Event last = events.get(events.size() - 1);
      PatternMatch m = new PatternMatch();
      m.pattern = def.name();
      m.kind = def.kind().name();
      m.severity = def.severity() == null ? null : def.severity().name();
      m.personId = last.personId;
      m.journeyId = last.journeyId;
      m.firstEventTime = first.eventTime;
      m.lastEventTime = last.eventTime;
      m.absenceDeadline = def.absenceDeadline(m.firstEventTime);
      m.eventIds = new String[events.size()];
      m.channels = new String[events.size()];
      for (int i = 0; i < events.size(); i++) {
        m.eventIds[i] = events.get(i).eventId;
        m.channels[i] = events.get(i).channel();
      }
      return m;
    }

    void close() throws Exception {
      buffer.releaseCacheStatisticsTimer();
      nfa.close();
    }

    void closeQuietly() {
      try {
        close();
      } catch (Exception ignored) {
        // already failing
      }
    }
  }
}
