package dev.omnichannel.monitor.bench;

import com.espertech.esper.common.client.EPCompiled;
import com.espertech.esper.common.client.EventBean;
import com.espertech.esper.common.client.configuration.Configuration;
import com.espertech.esper.compiler.client.CompilerArguments;
import com.espertech.esper.compiler.client.EPCompilerProvider;
import com.espertech.esper.runtime.client.EPDeployment;
import com.espertech.esper.runtime.client.EPEventService;
import com.espertech.esper.runtime.client.EPRuntime;
import com.espertech.esper.runtime.client.EPRuntimeProvider;
import com.espertech.esper.runtime.client.EPStatement;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs the EPL of {@link EsperPatterns} on one Esper 9 runtime, on the calling thread, over
 * stitched events: the events are sorted by ({@code event_time}, {@code event_id}), the external
 * clock is advanced to each event's time before it is sent, and at the end the clock is advanced
 * twice: to the end of input plus 1 ms (every absence window {@code (t, t + T]} that the input
 * covers has then closed: the matches a backfill writes), then past every window (every pending
 * trailing absence completes: what Flink CEP emits when a bounded input ends, before the backfill's
 * end-of-input confirmation).
 */
public final class EsperPatternRunner {
  private EsperPatternRunner() {}

  /** Global order of the events: time, then event_id (as Flink CEP orders one person's events). */
  public static final Comparator<EventRow> ORDER =
      Comparator.comparing(EventRow::getEventTime).thenComparing(EventRow::getEventId);

  /**
   * What one run saw.
   *
   * @param events events sent
   * @param prepSeconds sorting the events into global time order
   * @param compileSeconds compiling and deploying the EPL
   * @param seconds sending the events and advancing the clock to the end (the timed part)
   * @param confirmed matches per pattern once the clock reached the end of input (+1 ms)
   * @param flushed matches per pattern once every window had passed
   * @param matches when recorded: per pattern and person, each match as its first and last event
   *     ids (after the flush); else empty
   */
  public record Result(
      long events,
      double prepSeconds,
      double compileSeconds,
      double seconds,
      Map<String, Long> confirmed,
      Map<String, Long> flushed,
      Map<String, Map<String, List<List<String>>>> matches) {
    public double eventsPerSecond() {
      return events / seconds;
    }
  }

  /** Sorts {@code events} (a copy) into the order the runtime is fed. */
  public static EventRow[] sorted(List<EventRow> events) {
    EventRow[] a = events.toArray(new EventRow[0]);
    Arrays.sort(a, ORDER);
    return a;
  }

  /** Runs the built-in patterns of {@code catalogue} over {@code events}. */
  public static Result run(List<EventRow> events, PatternCatalogue catalogue) {
    return run(events, catalogue, false);
  }

  /**
   * Runs the built-in patterns of {@code catalogue} over {@code events}; with {@code record}, also
   * keeps every match (slower: for explaining differences, not for timing).
   */
  public static Result run(List<EventRow> events, PatternCatalogue catalogue, boolean record) {
    long t0 = System.nanoTime();
    EventRow[] sorted = sorted(events);
    double prep = (System.nanoTime() - t0) / 1e9;
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no events");
    }

    EsperPatterns.Module module = EsperPatterns.builtin(catalogue);
    Configuration config = new Configuration();
    config.getCommon().addEventType(EsperPatterns.EVENT, EventRow.class);
    // the clock is the events' time, advanced by this thread (external clocking)
    config.getRuntime().getThreading().setInternalTimerEnabled(false);
    // one thread sends every event: no need for the statement locks
    config.getRuntime().getExecution().setDisableLocking(true);

    long t1 = System.nanoTime();
    EPCompiled compiled;
    try {
      compiled =
          EPCompilerProvider.getCompiler().compile(module.text(), new CompilerArguments(config));
    } catch (Exception e) {
      throw new IllegalStateException("the EPL does not compile: " + e.getMessage(), e);
    }
    EPRuntime runtime =
        EPRuntimeProvider.getRuntime(
            "omni-bench-" + System.nanoTime() + "-" + sorted.length, config);
    try {
      EPEventService service = runtime.getEventService();
      long start = sorted[0].getEventTime().toEpochMilli();
      service.advanceTime(start);
      EPDeployment deployment;
      try {
        deployment = runtime.getDeploymentService().deploy(compiled);
      } catch (Exception e) {
        throw new IllegalStateException("the EPL does not deploy: " + e.getMessage(), e);
      }
      Map<String, Counter> counters = new LinkedHashMap<>();
      for (EsperPatterns.Statement s : module.statements()) {
        counters.put(s.pattern(), new Counter(s.multiEvent(), record));
      }
      for (EPStatement st : deployment.getStatements()) {
        Counter c = counters.get(st.getName());
        if (c != null) {
          st.addListener((newEvents, oldEvents, statement, rt) -> c.offer(newEvents));
        }
      }
      double compile = (System.nanoTime() - t1) / 1e9;

      long t2 = System.nanoTime();
      long now = start;
      for (EventRow e : sorted) {
        long t = e.getEventTime().toEpochMilli();
        if (t != now) {
          service.advanceTime(t);
          now = t;
        }
        service.sendEventBean(e, EsperPatterns.EVENT);
      }
      service.advanceTime(now + 1);
      Map<String, Long> confirmed = counts(counters);
      service.advanceTime(now + module.longestWindow().toMillis() + 2);
      Map<String, Long> flushed = counts(counters);
      double seconds = (System.nanoTime() - t2) / 1e9;
      Map<String, Map<String, List<List<String>>>> matches = new TreeMap<>();
      if (record) {
        counters.forEach((k, v) -> matches.put(k, v.matches));
      }
      return new Result(sorted.length, prep, compile, seconds, confirmed, flushed, matches);
    } finally {
      runtime.destroy();
    }
  }

  private static Map<String, Long> counts(Map<String, Counter> counters) {
    Map<String, Long> m = new TreeMap<>();
    counters.forEach((k, v) -> m.put(k, v.count));
    return m;
  }

  /**
   * Counts one statement's matches. For patterns of more than one event it keeps, per person, the
   * last event of the last match and refuses a match that does not start after it.
   */
  static final class Counter {
    final boolean nonOverlap;
    final boolean record;
    long count;
    final Map<String, EventRow> lastEnd = new HashMap<>();
    final Map<String, List<List<String>>> matches = new TreeMap<>();

    Counter(boolean nonOverlap, boolean record) {
      this.nonOverlap = nonOverlap;
      this.record = record;
    }

    void offer(EventBean[] beans) {
      if (beans == null) {
        return;
      }
      for (EventBean m : beans) {
        EventRow first = (EventRow) m.get("a");
        EventRow last = (EventRow) m.get("z");
        if (nonOverlap) {
          EventRow previous = lastEnd.get(last.getPersonId());
          if (previous != null && ORDER.compare(first, previous) <= 0) {
            continue;
          }
          lastEnd.put(last.getPersonId(), last);
        }
        count++;
        if (record) {
          matches
              .computeIfAbsent(last.getPersonId(), k -> new ArrayList<>())
              .add(
                  first == last
                      ? List.of(first.getEventId())
                      : List.of(first.getEventId(), last.getEventId()));
        }
      }
    }
  }
}
