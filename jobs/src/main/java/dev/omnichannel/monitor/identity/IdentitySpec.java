package dev.omnichannel.monitor.identity;

import java.util.Locale;

/**
 * An identity as a person types it on a command line or in a request: {@code NAMESPACE=VALUE} with
 * the raw value. Read as ingestion reads an event's identity: the namespace trimmed and
 * lower-cased, the value trimmed and, for email and phone, normalised and pseudonymised with the
 * HMAC key. Used by {@code explain} and {@code erase}, so both find exactly what the tables hold.
 * Plain Java.
 */
public final class IdentitySpec {
  private static final BlockedValues BLOCKED = BlockedValues.defaults();

  private IdentitySpec() {}

  /**
   * Checks {@code spec} without the key: {@code NAMESPACE=VALUE}, a namespace that is not empty and
   * holds no ':', a value that is not empty and not a blocked placeholder (such as "unknown" or
   * "0", which is never an identity), and a phone number with digits.
   *
   * @throws IllegalArgumentException naming the spec in single quotes
   */
  public static void check(String spec) {
    int eq = spec.indexOf('=');
    if (eq < 0) {
      throw new IllegalArgumentException(quote(spec) + " is not NAMESPACE=VALUE");
    }
    String ns = namespaceOf(spec);
    String value = spec.substring(eq + 1).trim();
    if (ns.isEmpty() || ns.indexOf(':') >= 0) {
      throw new IllegalArgumentException(
          quote(spec) + " is not NAMESPACE=VALUE (the namespace is empty or holds ':')");
    }
    if (value.isEmpty() || BLOCKED.isBlocked(value)) {
      throw new IllegalArgumentException(
          quote(spec) + ": the value is empty or a placeholder that is never an identity");
    }
    if (Namespaces.PHONE.equals(ns)
        && Pseudonymiser.normalisePhone(value).replace("+", "").isEmpty()) {
      throw new IllegalArgumentException(quote(spec) + ": a phone number needs digits");
    }
  }

  /** Whether reading {@code spec} needs the HMAC key (an email or phone). */
  public static boolean needsKey(String spec) {
    return Namespaces.isPseudonymised(namespaceOf(spec));
  }

  /**
   * The identity key of {@code spec}, as the tables hold it.
   *
   * @param pseudonymiser the run's key; may be null when {@link #needsKey} is false
   * @throws IllegalArgumentException as {@link #check}
   */
  public static IdentityKey parse(String spec, Pseudonymiser pseudonymiser) {
    check(spec);
    String ns = namespaceOf(spec);
    String raw = spec.substring(spec.indexOf('=') + 1).trim();
    if (Namespaces.isPseudonymised(ns)) {
      if (pseudonymiser == null) {
        throw new IllegalStateException("an email or phone identity needs the HMAC key");
      }
      return new IdentityKey(ns, pseudonymiser.apply(ns, raw));
    }
    return new IdentityKey(ns, raw);
  }

  private static String namespaceOf(String spec) {
    int eq = spec.indexOf('=');
    return (eq < 0 ? spec : spec.substring(0, eq)).trim().toLowerCase(Locale.ROOT);
  }

  private static String quote(String s) {
    return "'" + s + "'";
  }
}
