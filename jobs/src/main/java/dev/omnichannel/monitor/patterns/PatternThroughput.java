package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventTypeInfo;
import dev.omnichannel.monitor.flow.LocalFlink;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;

/**
 * Times the pattern stage alone: stitched events (with person and journey) in memory, every
 * catalogue pattern through the pattern stage (Flink CEP's automaton) in BATCH execution on the
 * embedded mini cluster, matches counted. Used by {@code bench} and by the Esper comparison.
 */
public final class PatternThroughput {
  private PatternThroughput() {}

  /**
   * What one timed run saw.
   *
   * @param seconds wall time of the matching job minus that of the same job without patterns (job
   *     start, shipping the events in, reading them), so only matching is counted
   */
  public record Result(long events, double seconds, Map<String, Long> matchesByPattern) {
    public double eventsPerSecond() {
      return events / seconds;
    }

    public long matches() {
      return matchesByPattern.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  /**
   * Runs the catalogue over {@code events} with the given parallelism and returns the wall time of
   * the job (submission to last match) and the matches per pattern, before the end-of-input absence
   * confirmation.
   */
  public static Result measure(List<Event> events, PatternCatalogue catalogue, int parallelism)
      throws Exception {
    double baseline = run(events, null, parallelism, new TreeMap<>());
    Map<String, Long> counts = new TreeMap<>();
    double seconds = run(events, catalogue, parallelism, counts);
    return new Result(events.size(), seconds - baseline, counts);
  }

  /** Wall time of one job over the events: with the catalogue, or just reading them when null. */
  private static double run(
      List<Event> events, PatternCatalogue catalogue, int parallelism, Map<String, Long> counts)
      throws Exception {
    StreamExecutionEnvironment env =
        LocalFlink.environment(new org.apache.flink.configuration.Configuration(), parallelism);
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    DataStream<Event> in = env.fromData(events, EventTypeInfo.INSTANCE);
    long t0 = System.nanoTime();
    if (catalogue == null) {
      in.sinkTo(new DiscardingSink<>()).name("discard");
      env.execute("pattern stage benchmark baseline");
    } else {
      try (CloseableIterator<PatternMatch> it =
          PatternStage.matches(in, catalogue).executeAndCollect("pattern stage benchmark")) {
        while (it.hasNext()) {
          counts.merge(it.next().pattern, 1L, Long::sum);
        }
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }
}
