package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.avro.AttributionRow;
import org.apache.parquet.schema.MessageType;

/**
 * Writes {@code attribution} rows field by field from {@link AttributionRow}'s getters, without
 * {@code AvroWriteSupport}'s walk over the schema and data model per value (about a sixth of the
 * writer's CPU time, see BENCHMARKS.md). The files are those {@code AvroParquetWriter} writes: same
 * schema, same footer metadata, same values ({@link AvroCompatibleWriteSupport}).
 */
public final class AttributionWriteSupport extends AvroCompatibleWriteSupport<AttributionRow> {
  private int conversionEventId;
  private int journeyId;
  private int personId;
  private int conversionTime;
  private int model;
  private int channel;
  private int credit;
  private int creditedValue;

  public AttributionWriteSupport() {
    super(AttributionRow.getClassSchema());
  }

  @Override
  protected void prepare(MessageType schema) {
    conversionEventId = schema.getFieldIndex("conversion_event_id");
    journeyId = schema.getFieldIndex("journey_id");
    personId = schema.getFieldIndex("person_id");
    conversionTime = schema.getFieldIndex("conversion_time");
    model = schema.getFieldIndex("model");
    channel = schema.getFieldIndex("channel");
    credit = schema.getFieldIndex("credit");
    creditedValue = schema.getFieldIndex("credited_value");
  }

  @Override
  public void write(AttributionRow r) {
    out.startMessage();
    string("conversion_event_id", conversionEventId, r.getConversionEventId());
    string("journey_id", journeyId, r.getJourneyId());
    string("person_id", personId, r.getPersonId());
    int64("conversion_time", conversionTime, r.getConversionTime().toEpochMilli());
    string("model", model, r.getModel());
    string("channel", channel, r.getChannel());
    float64("credit", credit, r.getCredit());
    Double value = r.getCreditedValue();
    if (value != null) {
      float64("credited_value", creditedValue, value);
    }
    out.endMessage();
  }
}
