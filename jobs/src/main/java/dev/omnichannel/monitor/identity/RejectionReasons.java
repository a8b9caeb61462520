package dev.omnichannel.monitor.identity;

/** The {@code reason} text of a rejected link in {@code identity_merges}, built in one place. */
public final class RejectionReasons {
  private RejectionReasons() {}

  /**
   * {@code never_link (<primary> x <other>) keeps <a> and <b> apart} when a rule rejected the link
   * ({@link NeverLinkRules.Pair#reason}), else {@code namespace_limit:<namespace> (<primary> x
   * <other>)}.
   *
   * @param namespace the exceeded namespace (ignored when {@code rule} is given)
   * @param rule the never_link rule that rejected the link, or null
   */
  public static String of(
      String namespace, NeverLinkRules.Pair rule, String primary, String other) {
    if (rule != null) {
      return rule.reason(primary, other);
    }
    return "namespace_limit:" + namespace + " (" + primary + " x " + other + ")";
  }
}
