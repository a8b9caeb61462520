package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.event.Event;
import java.util.Arrays;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * The links of an accepted event (DESIGN "Identity stitching"): its other identities, each joined
 * to its primary identity, in priority order. In: events. Out: one {@link Link} per other identity
 * of an event with two or more identities; nothing for the others. Stateless.
 */
public class LinksFunction implements FlatMapFunction<Event, Link> {
  @Override
  public void flatMap(Event e, Collector<Link> out) {
    String[] ids = e.identities;
    if (ids.length < 2) {
      return;
    }
    String[] sorted = ids.clone();
    Arrays.sort(sorted, Event::compareKeys);
    for (int i = 1; i < sorted.length; i++) {
      out.collect(new Link(e.eventTime, e.eventId, sorted[0], sorted[i]));
    }
  }
}
