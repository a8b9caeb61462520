package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.avro.EventRow;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Times the pattern stage alone: stitched events (with person and journey) in memory, every
 * catalogue pattern through Flink CEP in BATCH execution on the embedded mini cluster, matches
 * counted. Used by {@code bench} and by the Esper comparison.
 */
public final class PatternThroughput {
  private PatternThroughput() {}

  /** What one timed run saw. */
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
  public static Result measure(List<EventRow> events, PatternCatalogue catalogue, int parallelism)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    env.setParallelism(parallelism);
    Map<String, Long> counts = new TreeMap<>();
    long t0 = System.nanoTime();
    try (CloseableIterator<PatternMatch> it =
        PatternStage.matches(env.fromData(events, TypeInformation.of(EventRow.class)), catalogue)
            .executeAndCollect("pattern stage benchmark")) {
      while (it.hasNext()) {
        counts.merge(it.next().pattern, 1L, Long::sum);
      }
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result(events.size(), seconds, counts);
  }
}
