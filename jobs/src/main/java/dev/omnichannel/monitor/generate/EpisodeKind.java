package dev.omnichannel.monitor.generate;

/**
 * What one slot of a person's timeline holds: background activity, or a planted scenario (a
 * design-contract journey pattern or friction type, or a benign service interaction).
 *
 * <p>Every kind except {@link #BROWSE} and {@link #BUY} is <em>isolated</em>: at least 15 days lie
 * between it and any other activity of the person, so no pattern window (at most 14 days) can reach
 * across it, and background activity never creates a pattern or friction by accident.
 */
enum EpisodeKind {
  /** Browsing sessions and marketing touches; no purchase. */
  BROWSE(null, false, true),
  /** Browsing, then a direct purchase within minutes (product view, cart, checkout, purchase). */
  BUY(null, false, false),
  /** A store visit, usually with a purchase scanned with the loyalty id. */
  STORE_TRIP(null, true, false),
  BROWSE_ABANDON_CHAT_PURCHASE("journey", true, false),
  RESEARCH_ONLINE_BUY_OFFLINE("journey", true, false),
  SHOWROOMING("journey", true, false),
  EMAIL_RECOVERY("journey", true, false),
  REPEAT_CONTACT("friction", true, false),
  FAILED_SELF_SERVICE("friction", true, false),
  CHANNEL_HOP("friction", true, false),
  UNRESOLVED_CONTACT("friction", true, false),
  POST_PURCHASE_CONTACT("friction", true, false),
  NEGATIVE_SENTIMENT("friction", true, false),
  ERROR_THEN_ABANDON("friction", true, true),
  CART_ABANDONED("friction", true, true),
  /** One contact with no friction, sometimes followed by a friendly survey answer. */
  SERVICE_CONTACT(null, true, false),
  /** Self-service that needs no contact afterwards. */
  SELF_SERVICE_SUCCESS(null, true, false),
  /** A purchase, later a returns contact and a refund. */
  PRODUCT_RETURN(null, true, false);

  /** "journey" or "friction" when the kind is recorded as planted ground truth, else null. */
  final String plantedKind;

  final boolean isolated;

  /** Possible for an anonymous browser (one cookie, nothing else). */
  final boolean anonymousOk;

  EpisodeKind(String plantedKind, boolean isolated, boolean anonymousOk) {
    this.plantedKind = plantedKind;
    this.isolated = isolated;
    this.anonymousOk = anonymousOk;
  }
}
