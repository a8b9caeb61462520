package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.journey.Journey;
import java.time.Instant;
import java.util.ArrayList;

/** The journeys-table row of a closed journey. */
public final class JourneyRows {
  private JourneyRows() {}

  /** The row of {@code j}, with a friction count of 0 (set once the frictions are known). */
  public static JourneyRow journeyRow(Journey<?> j) {
    return JourneyRow.newBuilder()
        .setJourneyId(j.journeyId())
        .setPersonId(j.personId())
        .setStartTime(Instant.ofEpochMilli(j.startTime()))
        .setEndTime(Instant.ofEpochMilli(j.endTime()))
        .setStatus(j.status().name())
        .setEventCount(j.eventCount())
        .setTouchCount(j.touchCount())
        .setChannelPath(j.channelPath())
        .setChannels(new ArrayList<>(j.channels()))
        .setHandoffs(j.handoffs())
        .setConverted(j.converted())
        .setConversionValue(j.conversionValue())
        .setConversionEventId(j.conversionEventId())
        .setFrictionCount(0)
        .build();
  }
}
