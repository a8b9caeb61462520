package dev.omnichannel.monitor.identity;

import java.io.Serializable;
import java.util.Collection;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Placeholder identity values that must never link people: empty, "0", "-1", "null", "none",
 * "undefined", "unknown", "anonymous", "n/a", all zeros (case-insensitive), plus a configurable
 * list. Checked on the raw value, before pseudonymisation.
 */
public final class BlockedValues implements Serializable {
  public static final Set<String> BUILT_IN =
      Set.of("", "0", "-1", "null", "none", "undefined", "unknown", "anonymous", "n/a");

  private final Set<String> extra;

  public BlockedValues(Collection<String> extraValues) {
    this.extra = new TreeSet<>();
    for (String v : extraValues) {
      extra.add(v.trim().toLowerCase(Locale.ROOT));
    }
  }

  public static BlockedValues defaults() {
    return new BlockedValues(Set.of());
  }

  /** True when {@code raw} is a placeholder and must be ignored as an identity. */
  public boolean isBlocked(String raw) {
    if (raw == null) {
      return true;
    }
    String v = raw.trim().toLowerCase(Locale.ROOT);
    if (BUILT_IN.contains(v) || extra.contains(v)) {
      return true;
    }
    return allZeros(v);
  }

  private static boolean allZeros(String v) {
    if (v.isEmpty()) {
      return true;
    }
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      if (c != '0' && c != '-' && c != '.' && c != ' ') {
        return false;
      }
    }
    return true;
  }
}
