package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.avro.ChannelEvent;

/**
 * What decoding one record gave: either an accepted {@link ChannelEvent} or a rejection with its
 * reason, plus the event id and time when they could be read.
 */
public record DecodeResult(ChannelEvent event, String reason, String eventId, Long eventTime) {
  public static DecodeResult accepted(ChannelEvent event) {
    return new DecodeResult(event, null, event.getEventId(), event.getEventTime().toEpochMilli());
  }

  public static DecodeResult rejected(String reason, String eventId, Long eventTime) {
    return new DecodeResult(null, reason, eventId, eventTime);
  }

  public boolean isAccepted() {
    return event != null;
  }
}
