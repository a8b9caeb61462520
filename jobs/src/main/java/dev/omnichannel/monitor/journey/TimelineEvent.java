package dev.omnichannel.monitor.journey;

/**
 * The view of one stitched event that journey building needs. Times are epoch milliseconds (UTC);
 * {@code channel} and {@code eventType} are the enum names of the contract (e.g. "WEB",
 * "PURCHASE").
 */
public interface TimelineEvent {
  String eventId();

  long eventTime();

  String channel();

  String eventType();

  /** The campaign, or null when the event has none. */
  String campaign();

  /** The order value of a PURCHASE (cart value of cart events), or null. */
  Double value();
}
