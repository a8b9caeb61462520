package dev.omnichannel.monitor.identity;

import java.util.List;
import java.util.Map;

/**
 * The identity namespaces the contract knows, in priority order (highest first), and their default
 * per-person limits. Namespaces not in this list are allowed; they rank below cookie_id, in
 * alphabetical order among themselves, and have no limit unless one is configured.
 */
public final class Namespaces {
  public static final String CUSTOMER_ID = "customer_id";
  public static final String LOYALTY_ID = "loyalty_id";
  public static final String EMAIL = "email";
  public static final String PHONE = "phone";
  public static final String SOCIAL_ID = "social_id";
  public static final String DEVICE_ID = "device_id";
  public static final String COOKIE_ID = "cookie_id";

  /** Known namespaces, highest priority first. */
  public static final List<String> PRIORITY =
      List.of(CUSTOMER_ID, LOYALTY_ID, EMAIL, PHONE, SOCIAL_ID, DEVICE_ID, COOKIE_ID);

  /** Default maximum number of identities per person, per namespace. */
  public static final Map<String, Integer> DEFAULT_LIMITS =
      Map.of(
          CUSTOMER_ID,
          1,
          LOYALTY_ID,
          1,
          EMAIL,
          3,
          PHONE,
          3,
          SOCIAL_ID,
          5,
          DEVICE_ID,
          10,
          COOKIE_ID,
          50);

  private Namespaces() {}

  /** Rank of a namespace: 0 for customer_id ... 6 for cookie_id, 7 for any other. */
  public static int rank(String namespace) {
    int i = PRIORITY.indexOf(namespace);
    return i < 0 ? PRIORITY.size() : i;
  }

  /**
   * The {@link #rank} of the namespace of an identity key {@code namespace:value}, without taking
   * the namespace out of the key.
   */
  public static int rankOfKey(String key) {
    for (int i = 0; i < PRIORITY.size(); i++) {
      String ns = PRIORITY.get(i);
      if (key.length() > ns.length() && key.charAt(ns.length()) == ':' && key.startsWith(ns)) {
        return i;
      }
    }
    return PRIORITY.size();
  }

  /** The namespace of an identity key {@code namespace:value}. */
  public static String namespaceOfKey(String key) {
    int r = rankOfKey(key);
    return r < PRIORITY.size() ? PRIORITY.get(r) : key.substring(0, key.indexOf(':'));
  }

  /**
   * Compares namespaces by priority: known ones in contract order, then others alphabetically.
   * Negative when {@code a} has the higher priority.
   */
  public static int compare(String a, String b) {
    int c = Integer.compare(rank(a), rank(b));
    return c != 0 ? c : a.compareTo(b);
  }

  /** True for the namespaces whose values are pseudonymised at ingestion. */
  public static boolean isPseudonymised(String namespace) {
    return EMAIL.equals(namespace) || PHONE.equals(namespace);
  }
}
