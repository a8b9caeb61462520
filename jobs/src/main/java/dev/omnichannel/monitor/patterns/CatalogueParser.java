package dev.omnichannel.monitor.patterns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.config.Durations;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads and validates a pattern catalogue (YAML). Plain Java: no Flink. Every problem is a {@link
 * CatalogueException} naming the file, the pattern, the field and what is wrong.
 *
 * <pre>
 * parameters:            # named defaults, used as ${name}; a later file or --pattern-param overrides
 *   cart.abandon-after: 1h
 * patterns:
 *   - name: CART_ABANDONED
 *     kind: friction        # journey | friction
 *     severity: LOW         # friction only: LOW | MEDIUM | HIGH
 *     within: 72h
 *     steps:
 *       - name: cart
 *         where: {event_type: ADD_TO_CART}
 *       - name: no_purchase
 *         absent: {event_type: PURCHASE}
 * </pre>
 */
public final class CatalogueParser {
  private static final YAMLMapper YAML = new YAMLMapper();
  private static final Pattern PARAM = Pattern.compile("\\$\\{([A-Za-z0-9_.-]+)}");
  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");
  private static final Set<String> TOP_KEYS = Set.of("parameters", "patterns");
  private static final Set<String> PATTERN_KEYS =
      Set.of("name", "kind", "severity", "description", "within", "steps", "enabled");
  private static final Set<String> STEP_KEYS =
      Set.of("name", "where", "absent", "within", "contiguity", "times", "optional");
  private static final Set<String> CONDITION_KEYS =
      Set.of(
          "event_type",
          "channel",
          "not_channel",
          "topic",
          "outcome",
          "sentiment",
          "attributes",
          "contact",
          "self_service",
          "distinct_channel",
          "any_of");
  private static final Set<String> OUTCOMES =
      Set.of("RESOLVED", "UNRESOLVED", "ESCALATED", "TRANSFERRED", "ABANDONED");

  /** One catalogue file's content, before merging. */
  public record Parsed(Map<String, String> parameters, List<JsonNode> patterns, String file) {}

  private CatalogueParser() {}

  /** Reads the YAML of one file (no validation of patterns yet: parameters may come later). */
  public static Parsed read(String file, InputStream in) {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "unreadable" : e.getMessage().split("\n")[0];
      throw new CatalogueException(file, null, null, "not valid YAML: " + msg);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new CatalogueException(file, null, null, "the file is empty");
    }
    if (!root.isObject()) {
      throw new CatalogueException(file, null, null, "expected a mapping with 'patterns'");
    }
    unknownKeys(root, TOP_KEYS, file, null, "");
    Map<String, String> params = new LinkedHashMap<>();
    JsonNode p = root.get("parameters");
    if (p != null && !p.isNull()) {
      if (!p.isObject()) {
        throw new CatalogueException(file, null, "parameters", "expected a mapping of name: value");
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isValueNode()) {
          throw new CatalogueException(
              file, null, "parameters." + e.getKey(), "expected a single value");
        }
        params.put(e.getKey(), e.getValue().asText());
      }
    }
    List<JsonNode> patterns = new ArrayList<>();
    JsonNode list = root.get("patterns");
    if (list != null && !list.isNull()) {
      if (!list.isArray()) {
        throw new CatalogueException(file, null, "patterns", "expected a list of patterns");
      }
      list.forEach(patterns::add);
    }
    return new Parsed(params, patterns, file);
  }

  /**
   * Merges files in order (later files override parameters and replace patterns of the same name;
   * {@code enabled: false} removes one), applies {@code overrides} to the parameters, and validates
   * every pattern.
   */
  public static List<PatternDef> build(List<Parsed> files, Map<String, String> overrides) {
    Map<String, String> params = new TreeMap<>();
    for (Parsed f : files) {
      params.putAll(f.parameters());
    }
    for (String k : overrides.keySet()) {
      if (!params.containsKey(k)) {
        throw new CatalogueException(
            "--pattern-param",
            null,
            k,
            "unknown parameter (known: " + String.join(", ", params.keySet()) + ")");
      }
    }
    params.putAll(overrides);
    Map<String, PatternDef> byName = new LinkedHashMap<>();
    for (Parsed f : files) {
      Set<String> inThisFile = new HashSet<>();
      for (JsonNode node : f.patterns()) {
        String name = patternName(node, f.file());
        if (!inThisFile.add(name)) {
          throw new CatalogueException(f.file(), name, "name", "defined twice in this file");
        }
        JsonNode enabled = node.get("enabled");
        if (enabled != null && !enabled.isBoolean()) {
          throw new CatalogueException(f.file(), name, "enabled", "expected true or false");
        }
        if (enabled != null && !enabled.asBoolean()) {
          byName.remove(name);
          continue;
        }
        byName.remove(name);
        byName.put(name, pattern(node, name, f.file(), params));
      }
    }
    return List.copyOf(byName.values());
  }

  private static String patternName(JsonNode node, String file) {
    if (!node.isObject()) {
      throw new CatalogueException(file, null, "patterns", "each pattern must be a mapping");
    }
    JsonNode n = node.get("name");
    if (n == null || !n.isTextual() || n.asText().isBlank()) {
      throw new CatalogueException(file, null, "name", "every pattern needs a name");
    }
    String name = n.asText();
    if (!NAME.matcher(name).matches()) {
      throw new CatalogueException(
          file, name, "name", "use letters, digits and '_', starting with a letter");
    }
    return name;
  }

  private static PatternDef pattern(
      JsonNode node, String name, String file, Map<String, String> params) {
    Ctx ctx = new Ctx(file, name, params);
    unknownKeys(node, PATTERN_KEYS, file, name, "");
    PatternDef.Kind kind = enumValue(ctx, node, "kind", PatternDef.Kind.class, true);
    PatternDef.Severity severity =
        enumValue(ctx, node, "severity", PatternDef.Severity.class, false);
    if (kind == PatternDef.Kind.FRICTION && severity == null) {
      throw ctx.error("severity", "a friction pattern needs a severity (LOW, MEDIUM or HIGH)");
    }
    if (kind == PatternDef.Kind.JOURNEY && severity != null) {
      throw ctx.error("severity", "only friction patterns have a severity");
    }
    JsonNode w = node.get("within");
    if (w == null || w.isNull()) {
      throw ctx.error("within", "missing: every pattern needs an overall window (e.g. 7d)");
    }
    Duration within = duration(ctx, "within", w);
    String description = node.hasNonNull("description") ? node.get("description").asText() : "";
    JsonNode stepsNode = node.get("steps");
    if (stepsNode == null || !stepsNode.isArray() || stepsNode.isEmpty()) {
      throw ctx.error("steps", "expected a non-empty list of steps");
    }
    List<StepDef> steps = new ArrayList<>();
    Set<String> stepNames = new HashSet<>();
    for (int i = 0; i < stepsNode.size(); i++) {
      StepDef s = step(ctx, stepsNode.get(i), i, i == stepsNode.size() - 1);
      if (!stepNames.add(s.name())) {
        throw ctx.error("steps[" + i + "].name", "'" + s.name() + "' is used by another step");
      }
      if (s.absent() && (i == 0 || steps.get(i - 1).absent())) {
        throw ctx.error(
            "steps[" + i + "].absent",
            i == 0 ? "a pattern cannot start with an absence step" : "two absence steps in a row");
      }
      steps.add(s);
    }
    StepDef first = steps.get(0);
    if (first.optional()) {
      throw ctx.error("steps[0].optional", "the first step cannot be optional");
    }
    if (first.where().distinctChannel() && first.maxTimes() != null && first.maxTimes() == 1) {
      throw ctx.error(
          "steps[0].where.distinct_channel",
          "the first step has no earlier channel to differ from (unless it repeats: times)");
    }
    StepDef last = steps.get(steps.size() - 1);
    if (last.optional()) {
      throw ctx.error(
          "steps[" + (steps.size() - 1) + "].optional", "the last step cannot be optional");
    }
    if (last.absent() && last.absentWithin() != null) {
      throw ctx.error(
          "steps[" + (steps.size() - 1) + "].within",
          "a trailing absence step uses the pattern's within; remove this field");
    }
    return new PatternDef(name, kind, severity, description, within, steps, file);
  }

  private static StepDef step(Ctx ctx, JsonNode node, int i, boolean isLast) {
    String at = "steps[" + i + "]";
    if (!node.isObject()) {
      throw ctx.error(at, "each step must be a mapping");
    }
    unknownKeys(node, STEP_KEYS, ctx.file, ctx.pattern, at + ".");
    JsonNode n = node.get("name");
    String name = n != null && n.isTextual() ? n.asText() : "step" + i;
    if (!NAME.matcher(name).matches()) {
      throw ctx.error(at + ".name", "use letters, digits and '_', starting with a letter");
    }
    boolean absent = node.has("absent");
    if (absent && node.has("where")) {
      throw ctx.error(at, "a step has either 'where' or 'absent', not both");
    }
    if (!absent && !node.has("where")) {
      throw ctx.error(at, "a step needs 'where' (or 'absent' for an absence step)");
    }
    Condition where =
        condition(
            ctx,
            absent ? node.get("absent") : node.get("where"),
            at + (absent ? ".absent" : ".where"));
    StepDef.Contiguity contiguity = StepDef.Contiguity.FOLLOWED_BY;
    if (node.has("contiguity")) {
      if (i == 0) {
        throw ctx.error(at + ".contiguity", "the first step follows nothing");
      }
      String c = node.get("contiguity").asText().trim().toUpperCase(Locale.ROOT);
      try {
        contiguity = StepDef.Contiguity.valueOf(c);
      } catch (IllegalArgumentException e) {
        throw ctx.error(
            at + ".contiguity",
            "'"
                + node.get("contiguity").asText()
                + "' is not one of next, followed_by, followed_by_any");
      }
    }
    int min = 1;
    Integer max = 1;
    if (node.has("times")) {
      if (absent) {
        throw ctx.error(at + ".times", "an absence step takes no quantifier");
      }
      JsonNode t = node.get("times");
      if (t.isObject()) {
        unknownKeys(t, Set.of("min", "max"), ctx.file, ctx.pattern, at + ".times.");
        min = positiveInt(ctx, at + ".times.min", t.get("min"), 1);
        max = t.has("max") ? positiveInt(ctx, at + ".times.max", t.get("max"), null) : null;
        if (max != null && max < min) {
          throw ctx.error(at + ".times", "max " + max + " is less than min " + min);
        }
      } else {
        min = positiveInt(ctx, at + ".times", t, null);
        max = min;
      }
    }
    if (node.has("optional")) {
      if (!node.get("optional").isBoolean()) {
        throw ctx.error(at + ".optional", "expected true or false");
      }
      if (node.get("optional").asBoolean()) {
        if (absent) {
          throw ctx.error(at + ".optional", "an absence step cannot be optional");
        }
        min = 0;
      }
    }
    Duration absentWithin = null;
    if (node.has("within")) {
      if (!absent) {
        throw ctx.error(
            at + ".within", "only absence steps have their own window; the pattern has 'within'");
      }
      absentWithin = duration(ctx, at + ".within", node.get("within"));
    }
    return new StepDef(name, where, contiguity, min, max, absent, absentWithin);
  }

  private static Condition condition(Ctx ctx, JsonNode node, String at) {
    if (node == null || !node.isObject()) {
      throw ctx.error(at, "expected a mapping of conditions, e.g. {event_type: PURCHASE}");
    }
    unknownKeys(node, CONDITION_KEYS, ctx.file, ctx.pattern, at + ".");
    Set<String> types = values(ctx, node, "event_type", at, names(EventType.values()));
    Set<String> channels = values(ctx, node, "channel", at, names(Channel.values()));
    Set<String> notChannels = values(ctx, node, "not_channel", at, names(Channel.values()));
    Set<String> topics = values(ctx, node, "topic", at, null);
    Set<String> outcomes = values(ctx, node, "outcome", at, OUTCOMES);
    Double smin = null;
    Double smax = null;
    if (node.has("sentiment")) {
      JsonNode s = node.get("sentiment");
      if (!s.isObject()) {
        throw ctx.error(at + ".sentiment", "expected {min: X, max: Y} within [-1, 1]");
      }
      unknownKeys(s, Set.of("min", "max"), ctx.file, ctx.pattern, at + ".sentiment.");
      smin = sentiment(ctx, at + ".sentiment.min", s.get("min"));
      smax = sentiment(ctx, at + ".sentiment.max", s.get("max"));
      if (smin == null && smax == null) {
        throw ctx.error(at + ".sentiment", "give min, max or both");
      }
      if (smin != null && smax != null && smin > smax) {
        throw ctx.error(at + ".sentiment", "min " + smin + " is greater than max " + smax);
      }
    }
    Map<String, String> attributes = new TreeMap<>();
    if (node.has("attributes")) {
      JsonNode a = node.get("attributes");
      if (!a.isObject()) {
        throw ctx.error(at + ".attributes", "expected a mapping of attribute: value");
      }
      a.fields()
          .forEachRemaining(e -> attributes.put(e.getKey(), ctx.subst(e.getValue().asText())));
    }
    boolean contact = bool(ctx, node, "contact", at);
    boolean selfService = bool(ctx, node, "self_service", at);
    boolean distinct = bool(ctx, node, "distinct_channel", at);
    List<Condition> anyOf = new ArrayList<>();
    if (node.has("any_of")) {
      JsonNode list = node.get("any_of");
      if (!list.isArray() || list.size() < 2) {
        throw ctx.error(at + ".any_of", "expected a list of at least two conditions");
      }
      for (int i = 0; i < list.size(); i++) {
        Condition c = condition(ctx, list.get(i), at + ".any_of[" + i + "]");
        if (c.distinctChannel()) {
          throw ctx.error(
              at + ".any_of[" + i + "].distinct_channel",
              "put distinct_channel on the step, not inside any_of");
        }
        anyOf.add(c);
      }
    }
    return new Condition(
        types,
        channels,
        notChannels,
        topics,
        outcomes,
        smin,
        smax,
        attributes,
        contact,
        selfService,
        distinct,
        anyOf);
  }

  private static Set<String> values(
      Ctx ctx, JsonNode node, String key, String at, Set<String> allowed) {
    JsonNode v = node.get(key);
    Set<String> out = new LinkedHashSet<>();
    if (v == null) {
      return out;
    }
    List<JsonNode> items = new ArrayList<>();
    if (v.isArray()) {
      v.forEach(items::add);
      if (items.isEmpty()) {
        throw ctx.error(at + "." + key, "the list is empty");
      }
    } else {
      items.add(v);
    }
    for (JsonNode item : items) {
      if (!item.isValueNode() || item.isNull()) {
        throw ctx.error(at + "." + key, "expected a value or a list of values");
      }
      String s = ctx.subst(item.asText()).trim();
      if (allowed != null) {
        s = s.toUpperCase(Locale.ROOT);
        if (!allowed.contains(s)) {
          throw ctx.error(
              at + "." + key,
              "unknown value '"
                  + item.asText()
                  + "' (expected one of "
                  + String.join(", ", new TreeMap<>(toMap(allowed)).keySet())
                  + ")");
        }
      }
      out.add(s);
    }
    return out;
  }

  private static Map<String, Boolean> toMap(Set<String> s) {
    Map<String, Boolean> m = new TreeMap<>();
    s.forEach(x -> m.put(x, true));
    return m;
  }

  private static Set<String> names(Enum<?>[] values) {
    Set<String> s = new HashSet<>();
    Arrays.stream(values).forEach(v -> s.add(v.name()));
    return s;
  }

  private static boolean bool(Ctx ctx, JsonNode node, String key, String at) {
    JsonNode v = node.get(key);
    if (v == null) {
      return false;
    }
    if (!v.isBoolean()) {
      throw ctx.error(at + "." + key, "expected true or false, got '" + v.asText() + "'");
    }
    return v.asBoolean();
  }

  private static Double sentiment(Ctx ctx, String at, JsonNode v) {
    if (v == null || v.isNull()) {
      return null;
    }
    double d;
    try {
      d = Double.parseDouble(ctx.subst(v.asText()).trim());
    } catch (NumberFormatException e) {
      throw ctx.error(at, "'" + v.asText() + "' is not a number");
    }
    if (!(d >= -1 && d <= 1)) {
      throw ctx.error(at, d + " is outside [-1, 1]");
    }
    return d;
  }

  private static int positiveInt(Ctx ctx, String at, JsonNode v, Integer dflt) {
    if (v == null || v.isNull()) {
      if (dflt != null) {
        return dflt;
      }
      throw ctx.error(at, "missing");
    }
    String s = ctx.subst(v.asText()).trim();
    int n;
    try {
      n = Integer.parseInt(s);
    } catch (NumberFormatException e) {
      throw ctx.error(at, "'" + v.asText() + "' is not a whole number");
    }
    if (n < 1) {
      throw ctx.error(at, "must be at least 1, got " + n);
    }
    return n;
  }

  private static <E extends Enum<E>> E enumValue(
      Ctx ctx, JsonNode node, String key, Class<E> type, boolean required) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      if (required) {
        throw ctx.error(key, "missing");
      }
      return null;
    }
    try {
      return Enum.valueOf(type, v.asText().trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw ctx.error(key, "unknown value '" + v.asText() + "'");
    }
  }

  /** Parses a duration field (after parameter substitution); see {@link Durations}. */
  static Duration duration(Ctx ctx, String at, JsonNode v) {
    String text = ctx.subst(v.asText());
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw ctx.error(at, e.getMessage());
    }
  }

  private static void unknownKeys(
      JsonNode node, Set<String> known, String file, String pattern, String prefix) {
    for (Iterator<String> it = ((ObjectNode) node).fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!known.contains(k)) {
        throw new CatalogueException(
            file,
            pattern,
            prefix + k,
            "unknown field (known: "
                + String.join(", ", new TreeMap<>(toMap(known)).keySet())
                + ")");
      }
    }
  }

  /** The file, pattern and parameters in scope while one pattern is read. */
  static final class Ctx {
    final String file;
    final String pattern;
    final Map<String, String> params;

    Ctx(String file, String pattern, Map<String, String> params) {
      this.file = file;
      this.pattern = pattern;
      this.params = params;
    }

    CatalogueException error(String field, String problem) {
      return new CatalogueException(file, pattern, field, problem);
    }

    String subst(String text) {
      Matcher m = PARAM.matcher(text);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String v = params.get(m.group(1));
        if (v == null) {
          throw error(null, "unknown parameter ${" + m.group(1) + "}");
        }
        m.appendReplacement(sb, Matcher.quoteReplacement(v));
      }
      m.appendTail(sb);
      return sb.toString();
    }
  }
}
