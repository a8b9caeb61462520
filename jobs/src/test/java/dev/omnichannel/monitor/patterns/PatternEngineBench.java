package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventRows;
import dev.omnichannel.monitor.io.ParquetFiles;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateBackend;
import org.apache.flink.runtime.state.hashmap.HashMapStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.operators.sorted.state.BatchExecutionStateBackend;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;

/**
 * CPU time of the {@link PatternEngine} alone over stitched events, as the bounded person stage
 * drives it: each person's events in (time, id) order, then {@code advanceTime(MAX)}. Not a test.
 *
 * <p>{@code PatternEngineBench <events dir with *.parquet> <runs> [batch|heap] [matches file]}:
 * prints the CPU time of the feeding thread per run and the median, the matches per pattern and a
 * digest of every match (pattern, person, event ids, sorted), and writes the sorted matches.
 */
public final class PatternEngineBench {
  private static final Comparator<Event> ORDER =
      Comparator.<Event>comparingLong(e -> e.eventTime).thenComparing(e -> e.eventId);

  /** The bounded person stage's use of the engine; an event without id ends the person. */
  static final class Driver extends KeyedProcessFunction<String, Event, PatternMatch> {
    static Consumer<PatternMatch> sink;
    private final PatternCatalogue catalogue;
    private transient PatternEngine engine;

    Driver(PatternCatalogue catalogue) {
      this.catalogue = catalogue;
    }

    @Override
    public void open(OpenContext ctx) {
      engine = new PatternEngine(catalogue);
      engine.open(getRuntimeContext());
    }

    @Override
    public void close() throws Exception {
      engine.close();
    }

    @Override
    public void processElement(Event e, Context ctx, Collector<PatternMatch> out) throws Exception {
      if (e.eventId == null) {
        engine.advanceTime(Long.MAX_VALUE, sink);
      } else {
        engine.process(e, sink, t -> {});
      }
    }
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int runs = Integer.parseInt(args[1]);
    String backend = args.length > 2 ? args[2] : "batch";
    Path matchesFile = args.length > 3 ? Path.of(args[3]) : null;

    List<Event> all = new ArrayList<>();
    for (EventRow r : ParquetFiles.readAll(ParquetFiles.under(dir), EventRow.class)) {
      all.add(EventRows.fromRow(r));
    }
    all.sort(Comparator.<Event, String>comparing(e -> e.personId).thenComparing(ORDER));
    List<Event> feed = new ArrayList<>(all.size() * 11 / 10);
    for (int i = 0; i < all.size(); i++) {
      Event e = all.get(i);
      feed.add(e);
      if (i + 1 == all.size() || !all.get(i + 1).personId.equals(e.personId)) {
        Event end = new Event();
        end.personId = e.personId;
        feed.add(end);
      }
    }
    System.out.printf("%,d events, %,d persons%n", all.size(), feed.size() - all.size());

    PatternCatalogue catalogue = PatternCatalogue.builtin();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long[] cpu = new long[runs];
    List<String> matches = new ArrayList<>();
    for (int run = 0; run < runs; run++) {
      matches.clear();
      Driver.sink = m -> matches.add(PatternTimelines.describe(m));
      StateBackend sb =
          backend.equals("heap") ? new HashMapStateBackend() : new BatchExecutionStateBackend();
      try (KeyedOneInputStreamOperatorTestHarness<String, Event, PatternMatch> h =
          new KeyedOneInputStreamOperatorTestHarness<>(
              new KeyedProcessOperator<>(new Driver(catalogue)), e -> e.personId, Types.STRING)) {
        h.setStateBackend(sb);
        h.open();
        long t0 = threads.getCurrentThreadCpuTime();
        for (Event e : feed) {
          h.processElement(e, 0L);
        }
        cpu[run] = threads.getCurrentThreadCpuTime() - t0;
      }
      System.out.printf("run %d: %.3f s CPU, %,d matches%n", run, cpu[run] / 1e9, matches.size());
    }
    long[] sorted = cpu.clone();
    Arrays.sort(sorted);
    System.out.printf("median CPU %.3f s over %d runs%n", sorted[runs / 2] / 1e9, runs);

    Collections.sort(matches);
    Map<String, Integer> perPattern = new TreeMap<>();
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    for (String m : matches) {
      perPattern.merge(m.substring(0, m.indexOf(' ')), 1, Integer::sum);
      digest.update((m + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
    perPattern.forEach((p, n) -> System.out.printf("  %-30s %,d%n", p, n));
    System.out.println("matches digest " + HexFormat.of().formatHex(digest.digest()));
    if (matchesFile != null) {
      try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(matchesFile))) {
        matches.forEach(w::println);
      }
    }
  }
}
