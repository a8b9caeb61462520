package dev.omnichannel.monitor.identity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * An identity-rules file (YAML), the corrections both modes apply to identity stitching. Plain
 * Java.
 *
 * <pre>
 * blocked_values:          # per namespace: values that are never an identity
 *   device_id: [shared-kiosk-01, demo-tablet]
 *   email: [test@example.com]
 * namespace_limits:        # identities of a namespace per person
 *   device_id: 4
 * never_link:              # pairs of identities no person may hold together
 *   - [email:alice@example.com, email:bob@example.com]
 *   - [{customer_id: c-17}, {device_id: tablet-7}]
 * </pre>
 *
 * <p>Identities and values are written raw, as they arrive in events. They are read the way the
 * decoder reads an event's identities: the namespace trimmed and lower-cased, the value trimmed,
 * and email and phone values normalised and pseudonymised with the HMAC key ({@link
 * Pseudonymiser}), so the rules hold no raw email or phone once {@link Parsed#resolve} has run.
 * Blocked values match like {@code --blocked-identity-value}: trimmed and case-insensitive, email
 * and phone after their normalisation.
 *
 * <p>Every problem is an {@link IdentityRulesException} naming the file, the field and what is
 * wrong.
 */
public final class IdentityRules implements Serializable {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Set<String> TOP_KEYS =
      Set.of("blocked_values", "namespace_limits", "never_link");

  /** The longest identity value the decoder accepts (longer ones are dropped as unusable). */
  public static final int MAX_IDENTITY_LENGTH = 512;

  /** No rules. */
  public static final IdentityRules NONE =
      new IdentityRules(Map.of(), Map.of(), NeverLinkRules.NONE);

  private final TreeMap<String, TreeSet<String>> blockedValues;
  private final TreeMap<String, Integer> namespaceLimits;
  private final NeverLinkRules neverLink;

  /**
   * @param blockedValues per namespace, the blocked values in matching form ({@link #matchForm}):
   *     email and phone pseudonymised, other namespaces trimmed and lower-cased
   * @param namespaceLimits the file's namespace limits
   * @param neverLink the file's never_link rules, pseudonymised
   */
  public IdentityRules(
      Map<String, ? extends Set<String>> blockedValues,
      Map<String, Integer> namespaceLimits,
      NeverLinkRules neverLink) {
    this.blockedValues = new TreeMap<>();
    blockedValues.forEach((ns, v) -> this.blockedValues.put(ns, new TreeSet<>(v)));
    this.namespaceLimits = new TreeMap<>(namespaceLimits);
    this.neverLink = neverLink;
  }

  /** Per namespace, the blocked values in matching form. */
  public Map<String, TreeSet<String>> blockedValues() {
    return java.util.Collections.unmodifiableMap(blockedValues);
  }

  /** The namespace limits the file sets. */
  public Map<String, Integer> namespaceLimits() {
    return java.util.Collections.unmodifiableMap(namespaceLimits);
  }

  /** The never_link rules. */
  public NeverLinkRules neverLink() {
    return neverLink;
  }

  /**
   * The form a value of {@code namespace} is compared in against blocked values: the pseudonymised
   * value for email and phone, else the raw value trimmed and lower-cased.
   *
   * @param raw the raw value
   * @param pseudonymised the value as the decoder stores it ({@link Pseudonymiser#apply})
   */
  public static String matchForm(String namespace, String raw, String pseudonymised) {
    return Namespaces.isPseudonymised(namespace)
        ? pseudonymised
        : raw.trim().toLowerCase(Locale.ROOT);
  }

  /** Reads and checks a rules file; {@link Parsed#resolve} then pseudonymises it. */
  public static Parsed read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(file.toString(), in);
    } catch (IOException e) {
      throw new IdentityRulesException(file.toString(), null, "cannot be read: " + e.getMessage());
    }
  }

  /** Reads and checks rules from {@code in}; {@code file} names them in errors. */
  public static Parsed parse(String file, InputStream in) {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "unreadable" : e.getMessage().split("\n")[0];
      throw new IdentityRulesException(file, null, "not valid YAML: " + msg);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new IdentityRulesException(file, null, "the file is empty");
    }
    if (!root.isObject()) {
      throw new IdentityRulesException(
          file, null, "expected a mapping with blocked_values, namespace_limits or never_link");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!TOP_KEYS.contains(k)) {
        throw new IdentityRulesException(
            file, k, "unknown key (known: " + String.join(", ", new TreeSet<>(TOP_KEYS)) + ")");
      }
    }
    Map<String, List<String>> blocked = new TreeMap<>();
    JsonNode b = root.get("blocked_values");
    if (b != null && !b.isNull()) {
      if (!b.isObject()) {
        throw new IdentityRulesException(
            file, "blocked_values", "expected a mapping of namespace: [values]");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String field = "blocked_values." + e.getKey();
        String ns = namespace(file, field, e.getKey());
        JsonNode values = e.getValue();
        if (values == null || !values.isArray()) {
          throw new IdentityRulesException(file, field, "expected a list of values");
        }
        List<String> list = blocked.computeIfAbsent(ns, k -> new ArrayList<>());
        for (int i = 0; i < values.size(); i++) {
          list.add(scalar(file, field + "[" + i + "]", values.get(i)));
        }
      }
    }
    Map<String, Integer> limits = new TreeMap<>();
    JsonNode l = root.get("namespace_limits");
    if (l != null && !l.isNull()) {
      if (!l.isObject()) {
        throw new IdentityRulesException(
            file, "namespace_limits", "expected a mapping of namespace: limit");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String field = "namespace_limits." + e.getKey();
        String ns = namespace(file, field, e.getKey());
        JsonNode v = e.getValue();
        String text = v == null || !v.isValueNode() ? null : v.asText().trim();
        BigInteger n = null;
        if (text != null && (v.isIntegralNumber() || v.isTextual())) {
          try {
            n = new BigInteger(text);
          } catch (NumberFormatException ex) {
            n = null;
          }
        }
        if (n == null || n.signum() < 1 || n.bitLength() > 31) {
          throw new IdentityRulesException(
              file,
              field,
              "the limit must be a whole number between 1 and "
                  + Integer.MAX_VALUE
                  + ", got '"
                  + (v == null || !v.isValueNode() ? String.valueOf(v) : v.asText())
                  + "'");
        }
        if (limits.put(ns, n.intValue()) != null) {
          throw new IdentityRulesException(file, field, "namespace " + ns + " is given twice");
        }
      }
    }
    List<String[]> pairs = new ArrayList<>();
    JsonNode nl = root.get("never_link");
    if (nl != null && !nl.isNull()) {
      if (!nl.isArray()) {
        throw new IdentityRulesException(
            file,
            "never_link",
            "expected a list of pairs, e.g. - [email:alice@example.com, email:bob@example.com]");
      }
      for (int i = 0; i < nl.size(); i++) {
        String field = "never_link[" + i + "]";
        JsonNode pair = nl.get(i);
        if (!pair.isArray() || pair.size() != 2) {
          throw new IdentityRulesException(
              file,
              field,
              "expected a pair of two identities, e.g. [email:alice@example.com, email:bob@example.com]");
        }
        String[] a = identity(file, field + "[0]", pair.get(0));
        String[] c = identity(file, field + "[1]", pair.get(1));
        pairs.add(new String[] {a[0], a[1], c[0], c[1], field});
      }
    }
    return new Parsed(file, blocked, limits, pairs);
  }

  /** A namespace as the decoder reads it: trimmed, lower-cased, not empty, without ':'. */
  private static String namespace(String file, String field, String raw) {
    String ns = raw.trim().toLowerCase(Locale.ROOT);
    if (ns.isEmpty() || ns.indexOf(':') >= 0) {
      throw new IdentityRulesException(
          file, field, "'" + raw + "' is not a namespace (not empty, no ':')");
    }
    return ns;
  }

  private static String scalar(String file, String field, JsonNode v) {
    if (v == null || !v.isValueNode() || v.isNull()) {
      throw new IdentityRulesException(file, field, "expected a single value");
    }
    String s = v.asText();
    if (s.length() > MAX_IDENTITY_LENGTH) {
      throw new IdentityRulesException(
          file, field, "longer than " + MAX_IDENTITY_LENGTH + " characters");
    }
    return s;
  }

  /** {namespace, raw value} of {@code namespace:value} or a one-entry mapping. */
  private static String[] identity(String file, String field, JsonNode v) {
    String ns;
    String value;
    if (v != null && v.isObject() && v.size() == 1) {
      Map.Entry<String, JsonNode> e = v.fields().next();
      ns = e.getKey();
      value = scalar(file, field + "." + e.getKey(), e.getValue());
    } else if (v != null && v.isTextual()) {
      String s = v.asText();
      int colon = s.indexOf(':');
      if (colon < 0) {
        // the value is not echoed: it may be a raw email or phone number
        throw new IdentityRulesException(
            file,
            field,
            "not an identity (expected namespace:value, e.g. email:alice@example.com)");
      }
      ns = s.substring(0, colon);
      value = s.substring(colon + 1);
      if (value.length() > MAX_IDENTITY_LENGTH) {
        throw new IdentityRulesException(
            file, field, "longer than " + MAX_IDENTITY_LENGTH + " characters");
      }
    } else {
      throw new IdentityRulesException(
          file, field, "expected an identity: namespace:value or {namespace: value}");
    }
    ns = namespace(file, field, ns);
    if (BlockedValues.defaults().isBlocked(value)) {
      throw new IdentityRulesException(
          file,
          field,
          "'" + value.trim() + "' is a blocked placeholder value, which never links anything");
    }
    return new String[] {ns, value.trim()};
  }

  /**
   * A rules file as written, checked but not yet pseudonymised. Holds raw values: resolve it and
   * drop it.
   */
  public static final class Parsed {
    private final String file;
    private final Map<String, List<String>> blocked;
    private final Map<String, Integer> limits;
    private final List<String[]> pairs;

    Parsed(
        String file,
        Map<String, List<String>> blocked,
        Map<String, Integer> limits,
        List<String[]> pairs) {
      this.file = file;
      this.blocked = blocked;
      this.limits = limits;
      this.pairs = pairs;
    }

    /** The namespace limits the file sets. */
    public Map<String, Integer> namespaceLimits() {
      return limits;
    }

    /** How many never_link pairs the file holds. */
    public int neverLinkPairs() {
      return pairs.size();
    }

    /**
     * The rules with email and phone pseudonymised by {@code pseudonymiser}.
     *
     * @param extraBlocked the values blocked in every namespace ({@code --blocked-identity-value}):
     *     a never_link identity with one of them would never link, and is refused
     * @throws IdentityRulesException when a never_link identity is blocked, or a pair names the
     *     same identity twice
     */
    public IdentityRules resolve(Pseudonymiser pseudonymiser, List<String> extraBlocked) {
      BlockedValues everywhere = new BlockedValues(extraBlocked);
      Map<String, TreeSet<String>> blockedForms = new TreeMap<>();
      blocked.forEach(
          (ns, values) -> {
            TreeSet<String> forms = blockedForms.computeIfAbsent(ns, k -> new TreeSet<>());
            for (String v : values) {
              forms.add(matchForm(ns, v, pseudonymiser.apply(ns, v.trim())));
            }
          });
      List<NeverLinkRules.Pair> rules = new ArrayList<>();
      for (String[] p : pairs) {
        String a = key(p[0], p[1], p[4] + "[0]", pseudonymiser, everywhere, blockedForms);
        String b = key(p[2], p[3], p[4] + "[1]", pseudonymiser, everywhere, blockedForms);
        if (a.equals(b)) {
          throw new IdentityRulesException(
              file, p[4], "names the same identity twice (" + p[0] + ")");
        }
        rules.add(NeverLinkRules.Pair.of(a, b));
      }
      return new IdentityRules(blockedForms, limits, new NeverLinkRules(rules));
    }

    private String key(
        String ns,
        String raw,
        String field,
        Pseudonymiser pseudonymiser,
        BlockedValues everywhere,
        Map<String, TreeSet<String>> blockedForms) {
      String value = pseudonymiser.apply(ns, raw);
      TreeSet<String> nsBlocked = blockedForms.get(ns);
      if (everywhere.isBlocked(raw)
          || (nsBlocked != null && nsBlocked.contains(matchForm(ns, raw, value)))) {
        throw new IdentityRulesException(
            file, field, "a blocked " + ns + " value, which never links anything");
      }
      return ns + ":" + value;
    }
  }
}
