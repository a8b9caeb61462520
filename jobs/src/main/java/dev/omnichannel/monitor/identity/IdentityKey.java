package dev.omnichannel.monitor.identity;

import java.io.Serializable;

/**
 * One usable identity (namespace and value, email and phone already pseudonymised). Natural order
 * is priority order: the highest-priority namespace first, then the smallest value, so {@code
 * Collections.min} of an event's identities is its primary identity.
 */
public record IdentityKey(String namespace, String value)
    implements Comparable<IdentityKey>, Serializable {

  /** Parses the {@link #toString()} form {@code namespace:value}. */
  public static IdentityKey parse(String key) {
    int i = key.indexOf(':');
    if (i < 0) {
      throw new IllegalArgumentException("not an identity key: " + key);
    }
    return new IdentityKey(key.substring(0, i), key.substring(i + 1));
  }

  @Override
  public int compareTo(IdentityKey o) {
    int c = Namespaces.compare(namespace, o.namespace);
    return c != 0 ? c : value.compareTo(o.value);
  }

  /** The {@code namespace:value} form; also the string the person id is hashed from. */
  @Override
  public String toString() {
    return namespace + ":" + value;
  }
}
