package dev.omnichannel.monitor.bench;

import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.event.EventRows;
import dev.omnichannel.monitor.event.EventTypeInfo;
import dev.omnichannel.monitor.flow.LocalFlink;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import dev.omnichannel.monitor.patterns.PatternMatch;
import dev.omnichannel.monitor.patterns.PatternStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.CloseableIterator;

/**
 * Every match of the Flink CEP pattern stage, kept (not timed): per pattern and person, each match
 * as its first and last event ids, in the shape of {@link EsperPatternRunner.Result#matches()}, to
 * show where the two engines differ. Matches are taken before the end-of-input absence
 * confirmation, as {@code PatternThroughput} counts them.
 */
public final class FlinkMatches {
  private FlinkMatches() {}

  public static Map<String, Map<String, List<List<String>>>> collect(
      List<EventRow> events, PatternCatalogue catalogue) throws Exception {
    StreamExecutionEnvironment env =
        LocalFlink.environment(new org.apache.flink.configuration.Configuration(), 1);
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    Map<String, Map<String, List<List<String>>>> out = new TreeMap<>();
    try (CloseableIterator<PatternMatch> it =
        PatternStage.matches(
                env.fromData(
                    events.stream().map(EventRows::fromRow).toList(), EventTypeInfo.INSTANCE),
                catalogue)
            .executeAndCollect("pattern stage, every match")) {
      while (it.hasNext()) {
        PatternMatch m = it.next();
        String first = m.eventIds[0];
        String last = m.eventIds[m.eventIds.length - 1];
        out.computeIfAbsent(m.pattern, k -> new TreeMap<>())
            .computeIfAbsent(m.personId, k -> new ArrayList<>())
            .add(m.eventIds.length == 1 ? List.of(first) : List.of(first, last));
      }
    }
    return out;
  }
}
