package dev.omnichannel.monitor.stream;

/** The identity graph telling one identity its new person id. A Flink POJO. */
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
