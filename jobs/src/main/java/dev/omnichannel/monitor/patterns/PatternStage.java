package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.avro.EventRow;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FilterFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.EventComparator;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.KeyedStream;

/**
 * Runs every catalogue pattern on each person's event stream with Flink CEP. In: events with {@code
 * person_id} (and {@code journey_id}) set. Out: every match, in no particular order. One CEP
 * operator per pattern (uid {@code cep-<pattern>}), fed only the events some step of the pattern
 * can use (all events when a step needs strict contiguity); each keeps its partial matches in keyed
 * state until they complete or their window passes. Events of one person with equal times are taken
 * in {@code event_id} order.
 */
public final class PatternStage {
  private PatternStage() {}

  /** Matches of every pattern of {@code catalogue} over {@code events} of a bounded input. */
  public static DataStream<PatternMatch> matches(
      DataStream<EventRow> events, PatternCatalogue catalogue) {
    return matchesInTime(
        events
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<EventRow>noWatermarks()
                    .withTimestampAssigner((e, t) -> e.getEventTime().toEpochMilli()))
            .name("event time"),
        catalogue);
  }

  /**
   * Matches of every pattern over {@code timed}, whose record timestamps and watermarks already
   * follow event time (stream mode: event time plus the stitch delay, the same shift for every
   * event, so {@code within} windows are unchanged).
   */
  public static DataStream<PatternMatch> matchesInTime(
      DataStream<EventRow> timed, PatternCatalogue catalogue) {
    DataStream<PatternMatch> all = null;
    for (PatternDef def : catalogue.patterns()) {
      PatternCompiler.CompiledPattern compiled = PatternCompiler.compile(def);
      // Events no step can use are skipped by relaxed contiguity anyway: leave them out early, so
      // each CEP operator sorts and buffers only its candidates.
      DataStream<EventRow> candidates =
          def.needsEveryEvent()
              ? timed
              : timed.filter(new Relevant(def)).name("candidates for " + def.name());
      KeyedStream<EventRow, String> byPerson =
          candidates.keyBy(EventRow::getPersonId, Types.STRING);
      DataStream<PatternMatch> m =
          CEP.pattern(byPerson, compiled.pattern(), new ByEventId())
              .inEventTime()
              .process(new MatchFunction(compiled))
              .returns(TypeInformation.of(PatternMatch.class))
              .uid("cep-" + def.name())
              .name("pattern " + def.name());
      all = all == null ? m : all.union(m);
    }
    return all;
  }

  /** Keeps the events that some step of the pattern can use. */
  static final class Relevant implements FilterFunction<EventRow> {
    private final PatternDef def;

    Relevant(PatternDef def) {
      this.def = def;
    }

    @Override
    public boolean filter(EventRow e) {
      return def.relevant(e);
    }
  }

  /** Ties between events of equal time are broken by event_id. */
  static final class ByEventId implements EventComparator<EventRow> {
    @Override
    public int compare(EventRow a, EventRow b) {
      return a.getEventId().compareTo(b.getEventId());
    }
  }
}
