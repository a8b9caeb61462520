package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.AttributionChannelRow;
import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.avro.JourneyMatchRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.avro.LateEventRow;
import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.io.ParquetSinks;
import java.time.Instant;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Attaches the Parquet sinks of the dataflow's tables, each chained to the operator that makes its
 * rows (a table written by two operators gets two sinks into the same folder).
 */
public final class Sinks {
  private Sinks() {}

  /**
   * Writes every table under {@code dir} ({@code <dir>/<table>/dt=YYYY-MM-DD/*.parquet}).
   *
   * @param deadLetterDate the main time of a dead letter (its event time, else a fallback)
   */
  public static void parquet(
      Flow.Outputs o, String dir, SerializableFunction<DeadLetterRow, Instant> deadLetterDate) {
    // written straight from the events, no EventRow per event (same files; see EventWriteSupport)
    o.events().sinkTo(ParquetSinks.events(dir, "part")).uid("sink-events").name("events parquet");
    sink(o.journeys(), dir, "journeys", JourneyRow.class, JourneyRow::getEndTime, "");
    sink(
        o.journeyMatches(),
        dir,
        "journey_matches",
        JourneyMatchRow.class,
        JourneyMatchRow::getLastEventTime,
        "");
    sink(o.friction(), dir, "friction", FrictionRow.class, FrictionRow::getDetectedAt, "");
    List<String> attributionParts = List.of("-rules", "-data-driven");
    for (int i = 0; i < o.attribution().size(); i++) {
      String part = attributionParts.get(i);
      o.attribution()
          .get(i)
          .sinkTo(ParquetSinks.attribution(dir, "part" + part))
          .uid("sink-attribution" + part)
          .name("attribution" + part + " parquet");
    }
    if (o.attributionChannel() != null) {
      sink(
          o.attributionChannel(),
          dir,
          "attribution_channel",
          AttributionChannelRow.class,
          r -> r.getWindowEnd().minusMillis(1),
          "");
    }
    List<String> mergeParts = List.of("-graph", "-repeats");
    for (int i = 0; i < o.identityMerges().size(); i++) {
      sink(
          o.identityMerges().get(i),
          dir,
          "identity_merges",
          IdentityMergeRow.class,
          IdentityMergeRow::getEventTime,
          mergeParts.get(i));
    }
    sink(o.persons(), dir, "persons", PersonRow.class, PersonRow::getLastSeen, "");
    sink(o.deadLetters(), dir, "dead_letters", DeadLetterRow.class, deadLetterDate, "");
    if (o.lateEvents() != null) {
      sink(
          o.lateEvents().union(o.stragglers()),
          dir,
          "late_events",
          LateEventRow.class,
          LateEventRow::getEventTime,
          "");
    }
  }

  private static <T extends SpecificRecordBase> void sink(
      DataStream<T> rows,
      String dir,
      String table,
      Class<T> type,
      SerializableFunction<T, Instant> mainTime,
      String part) {
    String id = table.replace('_', '-') + part;
    rows.sinkTo(ParquetSinks.sink(dir, table, type, mainTime, "part" + part))
        .uid("sink-" + id)
        .name(table + part + " parquet");
  }
}
