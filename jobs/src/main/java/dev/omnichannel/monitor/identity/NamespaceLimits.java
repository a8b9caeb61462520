package dev.omnichannel.monitor.identity;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The per-person namespace limits in the form the graphs use: the limited namespaces in priority
 * order, so that "the first namespace whose limit would be exceeded" is the lowest index.
 * Immutable.
 */
public final class NamespaceLimits implements Serializable {
  private final String[] names;
  private final int[] values;
  private final HashMap<String, Integer> index = new HashMap<>();

  /**
   * @param limits namespace to maximum identities of that namespace per person; a namespace absent
   *     from the map is unlimited
   * @throws IllegalArgumentException when a limit is null or below 1
   */
  public NamespaceLimits(Map<String, Integer> limits) {
    Objects.requireNonNull(limits, "limits");
    List<String> sorted = new ArrayList<>(limits.keySet());
    sorted.sort(Namespaces::compare);
    names = sorted.toArray(new String[0]);
    values = new int[names.length];
    for (int i = 0; i < names.length; i++) {
      Integer limit = limits.get(names[i]);
      if (limit == null || limit < 1) {
        throw new IllegalArgumentException(
            "namespace limit for " + names[i] + " must be at least 1, got " + limit);
      }
      values[i] = limit;
      index.put(names[i], i);
    }
  }

  /** Number of limited namespaces (the length of a count vector). */
  public int size() {
    return names.length;
  }

  /** The i-th limited namespace in priority order. */
  public String name(int i) {
    return names[i];
  }

  /** The limit of the i-th limited namespace. */
  public int limit(int i) {
    return values[i];
  }

  /** The index of a limited namespace, or -1 when the namespace is unlimited. */
  public int indexOf(String namespace) {
    Integer i = index.get(namespace);
    return i == null ? -1 : i;
  }

  /** The count vector of one identity {@code namespace:value}. */
  public int[] countsOf(String identity) {
    int[] counts = new int[names.length];
    int colon = identity.indexOf(':');
    int i = indexOf(colon < 0 ? identity : identity.substring(0, colon));
    if (i >= 0) {
      counts[i] = 1;
    }
    return counts;
  }

  /**
   * The index of the first limited namespace, in priority order, whose limit the sum of the two
   * count vectors exceeds; -1 when none.
   */
  public int firstExceeded(int[] a, int[] b) {
    for (int k = 0; k < names.length; k++) {
      if (a[k] + b[k] > values[k]) {
        return k;
      }
    }
    return -1;
  }
}
