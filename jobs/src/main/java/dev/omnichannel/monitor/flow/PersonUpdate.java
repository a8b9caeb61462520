package dev.omnichannel.monitor.flow;

/**
 * The identity graph telling one identity its person from a time on. In a backfill the time is
 * {@link Long#MIN_VALUE}: the final person, valid for every event. In stream mode it is the time of
 * the linking event, and the update takes effect when the watermark passes it. A Flink POJO.
 */
public class PersonUpdate {
  /** The identity key, {@code namespace:value}. */
  public String identity;

  public String personId;

  /** The linking event's time and id. */
  public long time;

  public String eventId;

  public PersonUpdate() {}

  public PersonUpdate(String identity, String personId, long time, String eventId) {
    this.identity = identity;
    this.personId = personId;
    this.time = time;
    this.eventId = eventId;
  }

  @Override
  public String toString() {
    return identity + " -> " + personId + " @" + time + " (" + eventId + ")";
  }
}
