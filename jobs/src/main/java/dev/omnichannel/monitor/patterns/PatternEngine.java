package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.event.Event;
import java.io.Serializable;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import org.apache.flink.api.common.functions.RuntimeContext;

/** Placeholder until the multi-pattern engine lands: finds nothing. */
public final class PatternEngine implements Serializable {
  public PatternEngine(PatternCatalogue catalogue) {}

  public void open(RuntimeContext keyedContext) {}

  public void process(Event e, Consumer<PatternMatch> matches, LongConsumer timers) {}

  public void advanceTime(long time, Consumer<PatternMatch> matches) {}

  public void close() {}
}
