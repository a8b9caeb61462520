package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.attribution.AttributionWindows;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Puts each journey path into its attribution window. In: CONVERTED and ABANDONED journey paths.
 * Out: those whose end time falls inside the range, with {@link JourneyPath#window} set; journeys
 * read only as context are dropped. Stateless.
 */
public class AssignWindowFunction implements FlatMapFunction<JourneyPath, JourneyPath> {
  private final AttributionWindows windows;

  public AssignWindowFunction(AttributionWindows windows) {
    this.windows = windows;
  }

  @Override
  public void flatMap(JourneyPath p, Collector<JourneyPath> out) {
    Long window = windows.windowOf(p.endTime);
    if (window != null) {
      JourneyPath copy = new JourneyPath();
      copy.journeyId = p.journeyId;
      copy.personId = p.personId;
      copy.conversionEventId = p.conversionEventId;
      copy.endTime = p.endTime;
      copy.value = p.value;
      copy.converted = p.converted;
      copy.touches = p.touches;
      copy.touchStarts = p.touchStarts;
      copy.window = window;
      out.collect(copy);
    }
  }
}
