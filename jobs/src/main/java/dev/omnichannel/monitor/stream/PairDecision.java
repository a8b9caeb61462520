package dev.omnichannel.monitor.stream;

/**
 * What the identity graph decided for the first occurrence of an identity pair. The decision holds
 * for every later occurrence: an accepted pair is in one person from then on, so a repeat is a
 * no-op; a rejected pair can never be joined later (its merged person would exceed the same
 * namespace limit, or break the same never_link rule, and persons only grow), so every repeat is
 * rejected again.
 *
 * <p>The namespace a repeat names can differ from the first one: the reason names the first
 * namespace, in priority order, whose limit would be exceeded, and as both persons grow a
 * higher-priority namespace can become exceeded too (a device rejected for device_id; later both
 * sides gain a customer id, so a later repeat is rejected for customer_id). A backfill knows the
 * whole range and lists those changes in the {@code later*} arrays; {@link #namespaceAt} picks the
 * namespace of a repeat. A Flink POJO (primitive and String arrays, no Kryo).
 */
public class PairDecision {
  public String primary;
  public String other;
  public boolean accepted;

  /**
   * For a pair rejected by a namespace limit: the first namespace whose limit would be exceeded.
   */
  public String namespace;

  /**
   * For a pair rejected by a never_link rule: the rule's two identities (then {@link #namespace} is
   * null). A rule, once broken, stays broken (persons only grow), so every repeat names it too.
   */
  public String neverLinkA;

  public String neverLinkB;

  /**
   * For a rejected pair: the persons of the two identities to record with a repeat (a backfill: the
   * final persons; stream mode: the persons at the first rejection).
   */
  public String primaryPerson;

  public String otherPerson;

  /**
   * For a rejected pair in a backfill, null otherwise: the links from which another namespace is
   * the first exceeded one, in link order: from the link (laterTimes[i], laterEventIds[i],
   * laterOthers[i]) on, it is laterNamespaces[i]. Each is of higher priority than the one before.
   */
  public long[] laterTimes;

  public String[] laterEventIds;
  public String[] laterOthers;
  public String[] laterNamespaces;

  public PairDecision() {}

  public PairDecision(
      String primary,
      String other,
      boolean accepted,
      String namespace,
      String primaryPerson,
      String otherPerson) {
    this.primary = primary;
    this.other = other;
    this.accepted = accepted;
    this.namespace = namespace;
    this.primaryPerson = primaryPerson;
    this.otherPerson = otherPerson;
  }

  /**
   * The namespace a rejected occurrence of this pair names: {@link #namespace}, or the last of the
   * {@code later*} changes whose link comes before the occurrence in (time, event id, other) order.
   */
  public String namespaceAt(long time, String eventId) {
    String ns = namespace;
    if (laterTimes == null) {
      return ns;
    }
    for (int i = 0; i < laterTimes.length; i++) {
      int c = Long.compare(laterTimes[i], time);
      if (c == 0) {
        c = laterEventIds[i].compareTo(eventId);
      }
      if (c == 0) {
        c = dev.omnichannel.monitor.event.Event.compareKeys(laterOthers[i], other);
      }
      if (c >= 0) {
        break;
      }
      ns = laterNamespaces[i];
    }
    return ns;
  }

  /** The never_link rule that rejected the pair, or null. */
  public dev.omnichannel.monitor.identity.NeverLinkRules.Pair rule() {
    return neverLinkA == null
        ? null
        : new dev.omnichannel.monitor.identity.NeverLinkRules.Pair(neverLinkA, neverLinkB);
  }

  /** The key of the identity pair, as {@link Link#pairKey()}. */
  public String pairKey() {
    return primary + '\u0001' + other;
  }

  @Override
  public String toString() {
    return primary
        + " x "
        + other
        + (accepted
            ? " accepted"
            : " rejected: " + (neverLinkA != null ? "never_link " + rule() : namespace));
  }
}
