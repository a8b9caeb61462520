package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import java.time.Instant;

/** The identity_merges rows of the identity stage, built in one place. */
public final class MergeRows {
  private MergeRows() {}

  /** The reason of a rejected link: {@code namespace_limit:<ns> (<primary> x <other>)}. */
  public static String rejectedReason(String namespace, String primary, String other) {
    return "namespace_limit:" + namespace + " (" + primary + " x " + other + ")";
  }

  /** A rejected link (accepted = false). */
  public static IdentityMergeRow rejected(
      String primaryPerson,
      String otherPerson,
      String eventId,
      long time,
      String namespace,
      String primary,
      String other) {
    return IdentityMergeRow.newBuilder()
        .setOldPersonId(primaryPerson)
        .setNewPersonId(otherPerson)
        .setEventId(eventId)
        .setEventTime(Instant.ofEpochMilli(time))
        .setAccepted(false)
        .setReason(rejectedReason(namespace, primary, other))
        .build();
  }

  /** An applied merge (accepted = true, stream mode): {@code linked (<primary> x <other>)}. */
  public static IdentityMergeRow linked(
      String oldPerson, String newPerson, String eventId, long time, String primary, String other) {
    return IdentityMergeRow.newBuilder()
        .setOldPersonId(oldPerson)
        .setNewPersonId(newPerson)
        .setEventId(eventId)
        .setEventTime(Instant.ofEpochMilli(time))
        .setAccepted(true)
        .setReason("linked (" + primary + " x " + other + ")")
        .build();
  }
}
