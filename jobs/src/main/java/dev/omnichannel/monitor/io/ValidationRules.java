package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.identity.BlockedValues;
import dev.omnichannel.monitor.identity.IdentityRules;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The validation settings of the decoder: the plausible event-time range, the extra blocked
 * identity values (everywhere, and per namespace), and the largest absolute value accepted in
 * {@code value}.
 *
 * @param plausibleFrom earliest plausible event time, inclusive (default 2000-01-01)
 * @param plausibleTo latest plausible event time, exclusive (default 2100-01-01)
 * @param extraBlockedValues identity values to ignore on top of the built-in placeholders
 * @param maxAbsValue largest |value| accepted (default 1e12)
 * @param blockedByNamespace identity values to ignore in one namespace only (an identity-rules
 *     file's {@code blocked_values}), per namespace, in {@link IdentityRules#matchForm}: email and
 *     phone pseudonymised, others trimmed and lower-cased
 */
public record ValidationRules(
    Instant plausibleFrom,
    Instant plausibleTo,
    List<String> extraBlockedValues,
    double maxAbsValue,
    Map<String, Set<String>> blockedByNamespace)
    implements Serializable {

  public static final Instant DEFAULT_FROM = Instant.parse("2000-01-01T00:00:00Z");
  public static final Instant DEFAULT_TO = Instant.parse("2100-01-01T00:00:00Z");

  public ValidationRules {
    if (!plausibleFrom.isBefore(plausibleTo)) {
      throw new IllegalArgumentException(
          "the plausible range is empty: " + plausibleFrom + " is not before " + plausibleTo);
    }
    extraBlockedValues = List.copyOf(extraBlockedValues);
    Map<String, Set<String>> copy = new TreeMap<>();
    blockedByNamespace.forEach((ns, v) -> copy.put(ns, new TreeSet<>(v)));
    blockedByNamespace = copy;
  }

  /** Rules without per-namespace blocked values. */
  public ValidationRules(
      Instant plausibleFrom,
      Instant plausibleTo,
      List<String> extraBlockedValues,
      double maxAbsValue) {
    this(plausibleFrom, plausibleTo, extraBlockedValues, maxAbsValue, Map.of());
  }

  public static ValidationRules defaults() {
    return new ValidationRules(DEFAULT_FROM, DEFAULT_TO, List.of(), 1e12);
  }

  public BlockedValues blockedValues() {
    return new BlockedValues(extraBlockedValues);
  }
}
