package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.AttributionChannelRow;
import dev.omnichannel.monitor.avro.AttributionRow;
import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.avro.JourneyMatchRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.avro.LateEventRow;
import dev.omnichannel.monitor.avro.PersonRow;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;

/**
 * The output tables: name, row type (its Avro schema is the table's schema) and which modes write
 * it. Each table's partition date is the UTC date of its row's main time (DESIGN "Output").
 */
public enum Table {
  EVENTS("events", EventRow.class, true),
  JOURNEYS("journeys", JourneyRow.class, true),
  JOURNEY_MATCHES("journey_matches", JourneyMatchRow.class, true),
  FRICTION("friction", FrictionRow.class, true),
  ATTRIBUTION("attribution", AttributionRow.class, true),
  ATTRIBUTION_CHANNEL("attribution_channel", AttributionChannelRow.class, true),
  IDENTITY_MERGES("identity_merges", IdentityMergeRow.class, true),
  PERSONS("persons", PersonRow.class, true),
  DEAD_LETTERS("dead_letters", DeadLetterRow.class, true),
  LATE_EVENTS("late_events", LateEventRow.class, false);

  private final String tableName;
  private final Class<? extends SpecificRecordBase> rowType;
  private final boolean backfill;

  Table(String tableName, Class<? extends SpecificRecordBase> rowType, boolean backfill) {
    this.tableName = tableName;
    this.rowType = rowType;
    this.backfill = backfill;
  }

  /** The table's folder name under the output directory. */
  public String tableName() {
    return tableName;
  }

  public Class<? extends SpecificRecordBase> rowType() {
    return rowType;
  }

  /** True for the tables a backfill writes (stream mode writes every table). */
  public boolean writtenByBackfill() {
    return backfill;
  }

  /** The names of the tables a backfill writes, in this order. */
  public static List<String> backfillTables() {
    return java.util.Arrays.stream(values())
        .filter(Table::writtenByBackfill)
        .map(Table::tableName)
        .toList();
  }

  /** The names of every table, in this order. */
  public static List<String> allTables() {
    return java.util.Arrays.stream(values()).map(Table::tableName).toList();
  }
}
