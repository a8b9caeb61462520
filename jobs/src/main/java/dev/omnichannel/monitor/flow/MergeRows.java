package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.identity.NeverLinkRules;
import dev.omnichannel.monitor.identity.RejectionReasons;
import java.time.Instant;

/** The identity_merges rows of the identity stage, built in one place. */
public final class MergeRows {
  private MergeRows() {}

  /** The reason of a rejected link: {@code namespace_limit:<ns> (<primary> x <other>)}. */
  public static String rejectedReason(String namespace, String primary, String other) {
    return RejectionReasons.of(namespace, null, primary, other);
  }

  /** A link rejected by a namespace limit (accepted = false). */
  public static IdentityMergeRow rejected(
      String primaryPerson,
      String otherPerson,
      String eventId,
      long time,
      String namespace,
      String primary,
      String other) {
    return rejected(primaryPerson, otherPerson, eventId, time, namespace, null, primary, other);
  }

  /**
   * A rejected link (accepted = false): by a never_link {@code rule} when given, else by the limit
   * of {@code namespace}; the reason is {@link RejectionReasons#of}.
   */
  public static IdentityMergeRow rejected(
      String primaryPerson,
      String otherPerson,
      String eventId,
      long time,
      String namespace,
      NeverLinkRules.Pair rule,
      String primary,
      String other) {
    return IdentityMergeRow.newBuilder()
        .setOldPersonId(primaryPerson)
        .setNewPersonId(otherPerson)
        .setEventId(eventId)
        .setEventTime(Instant.ofEpochMilli(time))
        .setAccepted(false)
        .setReason(RejectionReasons.of(namespace, rule, primary, other))
        .setPrimaryIdentity(primary)
        .setOtherIdentity(other)
        .build();
  }

  /**
   * An applied merge (accepted = true): person {@code oldPerson} joined {@code newPerson} through
   * the link; the reason is {@code linked (<primary> x <other>)}.
   */
  public static IdentityMergeRow linked(
      String oldPerson, String newPerson, String eventId, long time, String primary, String other) {
    return IdentityMergeRow.newBuilder()
        .setOldPersonId(oldPerson)
        .setNewPersonId(newPerson)
        .setEventId(eventId)
        .setEventTime(Instant.ofEpochMilli(time))
        .setAccepted(true)
        .setReason("linked (" + primary + " x " + other + ")")
        .setPrimaryIdentity(primary)
        .setOtherIdentity(other)
        .build();
  }
}
