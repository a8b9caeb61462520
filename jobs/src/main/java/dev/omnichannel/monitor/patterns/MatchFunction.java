package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.avro.EventRow;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns one CEP match into a {@link PatternMatch}: the matched events in step order, their
 * channels, the person, and the journey of the last event. Stateless.
 */
public class MatchFunction extends PatternProcessFunction<EventRow, PatternMatch> {
  private final PatternDef def;
  private final List<String> eventSteps;

  public MatchFunction(PatternCompiler.CompiledPattern compiled) {
    this.def = compiled.def();
    this.eventSteps = List.copyOf(compiled.eventSteps());
  }

  @Override
  public void processMatch(
      Map<String, List<EventRow>> match, Context ctx, Collector<PatternMatch> out) {
    List<EventRow> events = new ArrayList<>();
    for (String step : eventSteps) {
      List<EventRow> e = match.get(step);
      if (e != null) {
        events.addAll(e);
      }
    }
    if (events.isEmpty()) {
      return;
    }
    EventRow first = events.get(0);
    EventRow last = events.get(events.size() - 1);
    PatternMatch m = new PatternMatch();
    m.pattern = def.name();
    m.kind = def.kind().name();
    m.severity = def.severity() == null ? null : def.severity().name();
    m.personId = last.getPersonId();
    m.journeyId = last.getJourneyId();
    m.firstEventTime = first.getEventTime().toEpochMilli();
    m.lastEventTime = last.getEventTime().toEpochMilli();
    m.absenceDeadline = def.absenceDeadline(m.firstEventTime);
    m.eventIds = events.stream().map(EventRow::getEventId).toArray(String[]::new);
    m.channels = events.stream().map(EventRow::getChannel).toArray(String[]::new);
    out.collect(m);
  }
}
