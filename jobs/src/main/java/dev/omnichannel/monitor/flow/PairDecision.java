package dev.omnichannel.monitor.flow;

/**
 * What the identity graph decided for the first occurrence of an identity pair. The decision holds
 * for every later occurrence: an accepted pair is in one person from then on, so a repeat is a
 * no-op; a rejected pair can never be joined later (its merged person would exceed the same
 * namespace limit, and persons only grow), so every repeat is rejected again for the same reason. A
 * Flink POJO.
 */
public class PairDecision {
  public String primary;
  public String other;
  public boolean accepted;

  /** For a rejected pair: the first namespace whose limit would be exceeded. */
  public String namespace;

  /**
   * For a rejected pair: the persons of the two identities to record with a repeat (a backfill: the
   * final persons; stream mode: the persons at the first rejection).
   */
  public String primaryPerson;

  public String otherPerson;

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

  /** The key of the identity pair, as {@link Link#pairKey()}. */
  public String pairKey() {
    return primary + '\u0001' + other;
  }

  @Override
  public String toString() {
    return primary + " x " + other + (accepted ? " accepted" : " rejected: " + namespace);
  }
}
