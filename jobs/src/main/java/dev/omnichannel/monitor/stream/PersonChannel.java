package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.avro.EventRow;

/**
 * The two fields of an event that the alert operator keeps: whose it is and on which channel. Sent
 * to {@link AlertFunction} instead of the whole {@link EventRow}, so the keyed exchange of every
 * event to the alerts carries two strings, not the full Avro record. A Flink POJO.
 */
public class PersonChannel {
  public String personId;
  public String channel;

  public PersonChannel() {}

  public PersonChannel(String personId, String channel) {
    this.personId = personId;
    this.channel = channel;
  }

  /** The person and channel of {@code e}. */
  public static PersonChannel of(EventRow e) {
    return new PersonChannel(e.getPersonId(), e.getChannel());
  }
}
