package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventTypeInfo;
import dev.omnichannel.monitor.identity.SuppressionList;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Drops the events of erased persons, with a list fixed for the run (a backfill reads it once, at
 * its start). In: decoded, pseudonymised events. Out: every event none of whose identities is on
 * the suppression list; each other one is counted in {@link Counters#SUPPRESSED} and goes nowhere.
 * It sits before de-duplication, so duplicates of a suppressed event count as suppressed, never as
 * duplicates. With an empty list every event passes without hashing. Stateless.
 */
public class SuppressFunction extends ProcessFunction<Event, Event> {
  /** The suppressed events (stream mode counts them from here). */
  public static final OutputTag<Event> SUPPRESSED =
      new OutputTag<>("suppressed", EventTypeInfo.INSTANCE);

  private final SuppressionList list;
  private transient LongCounter suppressed;

  public SuppressFunction(SuppressionList list) {
    this.list = list;
  }

  @Override
  public void open(OpenContext ctx) {
    suppressed = getRuntimeContext().getLongCounter(Counters.SUPPRESSED);
  }

  @Override
  public void processElement(Event e, Context ctx, Collector<Event> out) {
    if (list.isEmpty() || !list.containsAny(e.identities)) {
      out.collect(e);
      return;
    }
    suppressed.add(1);
  }
}
