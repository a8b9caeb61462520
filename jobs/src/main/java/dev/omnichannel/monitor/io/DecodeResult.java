package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.event.Event;

/**
 * What decoding one record gave: either an accepted {@link Event} or a rejection with its reason,
 * plus the event id and time when they could be read.
 */
public record DecodeResult(Event event, String reason, String eventId, Long eventTime) {
  public static DecodeResult accepted(Event event) {
    return new DecodeResult(event, null, event.eventId, event.eventTime);
  }

  public static DecodeResult rejected(String reason, String eventId, Long eventTime) {
    return new DecodeResult(null, reason, eventId, eventTime);
  }

  public boolean isAccepted() {
    return event != null;
  }
}
