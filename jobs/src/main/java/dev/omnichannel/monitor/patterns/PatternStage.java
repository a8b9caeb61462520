package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.event.Event;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Runs every catalogue pattern on each person's event stream. In: events with {@code person_id}
 * (and {@code journey_id}) set. Out: every match, in no particular order. One keyed exchange by
 * person and one operator ({@link PatternFunction}, uid {@code patterns}) for the whole catalogue:
 * each pattern runs Flink CEP's automaton on the events some step of it can use, in (event time,
 * {@code event_id}) order, and keeps its partial matches in keyed state until they complete or
 * their window passes.
 */
public final class PatternStage {
  private PatternStage() {}

  /** Matches of every pattern of {@code catalogue} over {@code events} of a bounded input. */
  public static DataStream<PatternMatch> matches(
      DataStream<Event> events, PatternCatalogue catalogue) {
    return matchesInTime(
        events
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<Event>noWatermarks()
                    .withTimestampAssigner((e, t) -> e.eventTime))
            .name("event time"),
        catalogue);
  }

  /**
   * Matches of every pattern over {@code timed}, whose record timestamps and watermarks already
   * follow event time (stream mode: event time plus the stitch delay, the same shift for every
   * event, so {@code within} windows are unchanged).
   */
  public static DataStream<PatternMatch> matchesInTime(
      DataStream<Event> timed, PatternCatalogue catalogue) {
    return timed
        .keyBy(e -> e.personId, Types.STRING)
        .process(new PatternFunction(catalogue))
        .returns(TypeInformation.of(PatternMatch.class))
        .uid("patterns")
        .name("patterns");
  }
}
