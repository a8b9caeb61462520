package dev.omnichannel.monitor.pipeline;

import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.flow.*;
import dev.omnichannel.monitor.journey.TimelineEvent;

/** An events-table row seen as a timeline event by the journey logic. */
public final class RowEvent implements TimelineEvent {
  private final EventRow row;

  public RowEvent(EventRow row) {
    this.row = row;
  }

  public EventRow row() {
    return row;
  }

  @Override
  public String eventId() {
    return row.getEventId();
  }

  @Override
  public long eventTime() {
    return row.getEventTime().toEpochMilli();
  }

  @Override
  public String channel() {
    return row.getChannel();
  }

  @Override
  public String eventType() {
    return row.getEventType();
  }

  @Override
  public String campaign() {
    return row.getCampaign();
  }

  @Override
  public Double value() {
    return row.getValue();
  }
}
