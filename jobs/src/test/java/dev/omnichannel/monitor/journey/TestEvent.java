package dev.omnichannel.monitor.journey;

/** A minimal {@link TimelineEvent} for tests. */
record TestEvent(
    String eventId, long eventTime, String channel, String eventType, String campaign, Double value)
    implements TimelineEvent {

  static TestEvent ev(String id, long time, String channel, String type) {
    return new TestEvent(id, time, channel, type, null, null);
  }

  static TestEvent purchase(String id, long time, String channel, double value) {
    return new TestEvent(id, time, channel, "PURCHASE", null, value);
  }

  static TestEvent campaign(String id, long time, String channel, String campaign) {
    return new TestEvent(id, time, channel, "AD_CLICK", campaign, null);
  }
}
