package dev.omnichannel.monitor.mapping;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A declarative mapping of a legacy export (CSV, TSV, fixed-width text or JSON objects) to {@code
 * ChannelEvent} fields, read from YAML and checked completely when read: every problem is a {@link
 * MappingException} {@code file: field: problem}. README "Mapping legacy exports" documents the
 * format; {@link RowMapper} applies a mapping to one row.
 *
 * @param format {@code csv}, {@code tsv}, {@code fixed} or {@code json} (each row one JSON object,
 *     its columns the object's top-level fields)
 * @param delimiter the column separator of csv ({@code ,} unless set) and tsv (a tab)
 * @param quote the quote character of csv and tsv
 * @param header true when each file's first line names the columns (it is skipped)
 * @param columns the column names, in order
 * @param starts fixed: each column's first character, 1-based; null otherwise
 * @param ends fixed: each column's last character, 1-based, inclusive; null otherwise
 * @param fields event field name to rule, in file order
 * @param identities the identities of each row
 * @param attributes attribute name to rule
 */
public record Mapping(
    String format,
    char delimiter,
    char quote,
    boolean header,
    List<String> columns,
    int[] starts,
    int[] ends,
    Map<String, FieldRule> fields,
    List<IdentityColumn> identities,
    Map<String, FieldRule> attributes)
    implements Serializable {

  /** The event fields a mapping may set (identities and attributes have their own sections). */
  public static final List<String> FIELDS =
      List.of(
          "event_id",
          "event_time",
          "channel",
          "event_type",
          "session_id",
          "source_system",
          "order_id",
          "product_id",
          "currency",
          "campaign",
          "topic",
          "outcome",
          "value",
          "sentiment");

  /** The outcomes of a contact (DESIGN.md). */
  public static final List<String> OUTCOMES =
      List.of("RESOLVED", "UNRESOLVED", "ESCALATED", "TRANSFERRED", "ABANDONED");

  /** The time formats that are not patterns. */
  public static final List<String> NAMED_FORMATS = List.of("iso", "epoch_millis", "epoch_seconds");

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  private static final Set<String> TOP =
      Set.of(
          "description",
          "format",
          "delimiter",
          "quote",
          "header",
          "columns",
          "time_zone",
          "fields",
          "identities",
          "attributes");
  private static final Set<String> RULE_KEYS =
      Set.of(
          "column",
          "columns",
          "separator",
          "constant",
          "values",
          "default",
          "format",
          "time_zone",
          "scale",
          "offset");

  /** Reads and checks a mapping file. */
  public static Mapping read(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return parse(file.toString(), in);
    } catch (IOException e) {
      throw new MappingException(file.toString(), null, "cannot be read: " + e.getMessage());
    }
  }

  /**
   * Reads and checks a mapping shipped on the classpath, e.g. {@code /mappings/contact-centre.yaml}
   * (the jar ships the example mappings of {@code examples/mappings/} there).
   */
  public static Mapping resource(String path) {
    try (InputStream in = Mapping.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new MappingException(path, null, "not found on the classpath");
      }
      return parse(path, in);
    } catch (IOException e) {
      throw new MappingException(path, null, "cannot be read: " + e.getMessage());
    }
  }

  /** Reads and checks a mapping from {@code in}; {@code file} names it in errors. */
  public static Mapping parse(String file, InputStream in) {
    JsonNode root;
    try {
      root = YAML.readTree(in);
    } catch (IOException e) {
      String msg = e.getMessage() == null ? "unreadable" : e.getMessage().split("\n")[0];
      throw new MappingException(file, null, "not valid YAML: " + msg);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      throw new MappingException(file, null, "the file is empty");
    }
    if (!root.isObject()) {
      throw new MappingException(file, null, "expected a mapping with format, columns and fields");
    }
    return new Parser(file).parse(root);
  }

  /** The index of a column, or -1. */
  public int columnIndex(String name) {
    return columns.indexOf(name);
  }

  /** Reads one YAML tree, naming the file and the field of every problem. */
  private static final class Parser {
    private final String file;
    private String defaultZone;

    Parser(String file) {
      this.file = file;
    }

    private MappingException error(String field, String problem) {
      return new MappingException(file, field, problem);
    }

    Mapping parse(JsonNode root) {
      for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!TOP.contains(key)) {
          throw error(key, "unknown key (expected one of " + String.join(", ", sorted(TOP)) + ")");
        }
      }
      String format = text(root, "format", "format");
      if (format == null) {
        throw error("format", "missing (expected csv, tsv, fixed or json)");
      }
      if (!List.of("csv", "tsv", "fixed", "json").contains(format)) {
        throw error("format", format + " is not a format (expected csv, tsv, fixed or json)");
      }
      char delimiter = format.equals("tsv") ? '\t' : ',';
      char quote = '"';
      if (root.has("delimiter")) {
        if (!format.equals("csv")) {
          throw error("delimiter", "applies only to format csv");
        }
        delimiter = oneChar(root, "delimiter");
      }
      if (root.has("quote")) {
        if (format.equals("fixed") || format.equals("json")) {
          throw error("quote", "does not apply to format " + format);
        }
        quote = oneChar(root, "quote");
      }
      if (quote == delimiter) {
        throw error("quote", "is the same character as the delimiter");
      }
      boolean header = false;
      if (root.has("header")) {
        JsonNode h = root.get("header");
        if (!h.isBoolean()) {
          throw error("header", h.asText() + " is not true or false");
        }
        header = h.booleanValue();
        if (header && format.equals("json")) {
          throw error("header", "does not apply to format json (each row is one JSON object)");
        }
      }
      defaultZone = zone(root, "time_zone", "time_zone");

      JsonNode cols = root.get("columns");
      if (cols == null || !cols.isArray() || cols.isEmpty()) {
        throw error(
            "columns",
            format.equals("fixed")
                ? "expected a list of {name, start, end}"
                : format.equals("json")
                    ? "expected a list of the JSON fields read"
                    : "expected a list of column names");
      }
      List<String> names = new ArrayList<>();
      int[] starts = null;
      int[] ends = null;
      if (format.equals("fixed")) {
        starts = new int[cols.size()];
        ends = new int[cols.size()];
      }
      for (int i = 0; i < cols.size(); i++) {
        JsonNode c = cols.get(i);
        String field = "columns[" + i + "]";
        String name;
        if (starts == null) {
          if (!c.isTextual() || c.asText().isBlank()) {
            throw error(field, "expected a column name");
          }
          name = c.asText().trim();
        } else {
          if (!c.isObject()) {
            throw error(field, "expected {name, start, end}");
          }
          name = text(c, "name", field + ".name");
          if (name == null || name.isBlank()) {
            throw error(field + ".name", "missing");
          }
          starts[i] = position(c, "start", field + ".start");
          ends[i] = position(c, "end", field + ".end");
          if (ends[i] < starts[i]) {
            throw error(
                field + ".end", ends[i] + " is before start " + starts[i] + " (both 1-based)");
          }
        }
        if (names.contains(name)) {
          throw error(field, "column " + name + " is named twice");
        }
        names.add(name);
      }

      JsonNode fieldsNode = root.get("fields");
      if (fieldsNode == null || !fieldsNode.isObject()) {
        throw error("fields", "expected a mapping of event field to rule");
      }
      Map<String, FieldRule> fields = new LinkedHashMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = fieldsNode.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        String name = e.getKey();
        if (!FIELDS.contains(name)) {
          throw error(
              "fields." + name,
              "not a field of ChannelEvent (expected one of "
                  + String.join(", ", FIELDS)
                  + "; identities and attributes have their own sections)");
        }
        fields.put(name, rule(e.getValue(), "fields." + name, name, names));
      }
      for (String required : List.of("event_id", "event_time")) {
        if (!fields.containsKey(required)) {
          throw error("fields." + required, "missing: every event needs one");
        }
      }

      JsonNode ids = root.get("identities");
      if (ids == null || !ids.isArray() || ids.isEmpty()) {
        throw error("identities", "expected a list of {namespace, column}: every event needs one");
      }
      List<IdentityColumn> identities = new ArrayList<>();
      for (int i = 0; i < ids.size(); i++) {
        String field = "identities[" + i + "]";
        JsonNode n = ids.get(i);
        if (!n.isObject()) {
          throw error(field, "expected {namespace, column}");
        }
        String ns = text(n, "namespace", field + ".namespace");
        if (ns == null || ns.isBlank()) {
          throw error(field + ".namespace", "missing");
        }
        if (!ns.matches("[a-z][a-z0-9_]*")) {
          throw error(field + ".namespace", ns + " is not a namespace (lower-case, e.g. phone)");
        }
        com.fasterxml.jackson.databind.node.ObjectNode rest = n.deepCopy();
        rest.remove("namespace");
        identities.add(new IdentityColumn(ns, rule(rest, field, "identity", names)));
      }

      Map<String, FieldRule> attributes = new LinkedHashMap<>();
      JsonNode attrs = root.get("attributes");
      if (attrs != null) {
        if (!attrs.isObject()) {
          throw error("attributes", "expected a mapping of attribute name to rule");
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = attrs.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          if (e.getKey().equals("raw_channel") || e.getKey().equals("raw_event_type")) {
            throw error("attributes." + e.getKey(), "is reserved for unknown enum values");
          }
          attributes.put(
              e.getKey(), rule(e.getValue(), "attributes." + e.getKey(), "attribute", names));
        }
      }
      return new Mapping(
          format,
          delimiter,
          quote,
          header,
          List.copyOf(names),
          starts,
          ends,
          fields,
          List.copyOf(identities),
          attributes);
    }

    /** One rule; {@code target} is the event field, or identity / attribute. */
    private FieldRule rule(JsonNode n, String field, String target, List<String> columns) {
      if (n.isTextual()) {
        // shorthand: the column's name
        return rule(YAML.createObjectNode().put("column", n.asText()), field, target, columns);
      }
      if (!n.isObject()) {
        throw error(field, "expected a column name or a rule {column | columns | constant, ...}");
      }
      for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
        String key = it.next();
        if (!RULE_KEYS.contains(key)) {
          throw error(
              field + "." + key,
              "unknown key (expected one of " + String.join(", ", sorted(RULE_KEYS)) + ")");
        }
      }
      String column = text(n, "column", field + ".column");
      String constant = text(n, "constant", field + ".constant");
      List<String> joined = null;
      if (n.has("columns")) {
        JsonNode c = n.get("columns");
        if (!c.isArray() || c.isEmpty()) {
          throw error(field + ".columns", "expected a list of column names");
        }
        joined = new ArrayList<>();
        for (JsonNode x : c) {
          joined.add(x.asText());
        }
      }
      int sources =
          (column != null ? 1 : 0) + (constant != null ? 1 : 0) + (joined != null ? 1 : 0);
      if (sources != 1) {
        throw error(field, "needs exactly one of column, columns or constant");
      }
      for (String c :
          column != null ? List.of(column) : joined != null ? joined : List.<String>of()) {
        if (!columns.contains(c)) {
          throw error(
              field + (column != null ? ".column" : ".columns"),
              "no column " + c + " (columns: " + String.join(", ", columns) + ")");
        }
      }
      String separator = text(n, "separator", field + ".separator");
      if (separator != null && joined == null) {
        throw error(field + ".separator", "applies only with columns");
      }
      Map<String, String> values = null;
      if (n.has("values")) {
        JsonNode v = n.get("values");
        if (!v.isObject() || v.isEmpty()) {
          throw error(field + ".values", "expected a mapping of source value to field value");
        }
        values = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          String to = e.getValue().isNull() ? null : e.getValue().asText();
          checkSymbol(target, to, field + ".values." + e.getKey());
          values.put(e.getKey(), to);
        }
      }
      String otherwise = text(n, "default", field + ".default");
      if (otherwise != null && values == null) {
        throw error(field + ".default", "applies only with values");
      }
      checkSymbol(target, otherwise, field + ".default");
      if (values == null) {
        checkSymbol(target, constant, field + ".constant");
      }
      String format = text(n, "format", field + ".format");
      String zone = zone(n, "time_zone", field + ".time_zone");
      if (!target.equals("event_time")) {
        if (format != null) {
          throw error(field + ".format", "applies only to event_time");
        }
        if (zone != null) {
          throw error(field + ".time_zone", "applies only to event_time");
        }
      } else {
        if (format == null) {
          format = "iso";
        }
        if (!NAMED_FORMATS.contains(format)) {
          try {
            RowMapper.formatter(format, ZoneId.of("UTC"));
          } catch (IllegalArgumentException e) {
            throw error(field + ".format", format + " is not a time pattern: " + e.getMessage());
          }
        }
        if (zone == null) {
          zone = defaultZone == null ? "UTC" : defaultZone;
        }
      }
      Double scale = number(n, "scale", field + ".scale", target);
      Double offset = number(n, "offset", field + ".offset", target);
      if (scale != null && scale == 0) {
        throw error(field + ".scale", "0 would make every value 0");
      }
      return new FieldRule(
          column,
          joined,
          separator == null ? "" : separator,
          constant,
          values,
          otherwise,
          format,
          zone,
          scale,
          offset);
    }

    private Double number(JsonNode n, String key, String field, String target) {
      if (!n.has(key)) {
        return null;
      }
      if (!target.equals("value") && !target.equals("sentiment")) {
        throw error(field, "applies only to value and sentiment");
      }
      JsonNode v = n.get(key);
      if (!v.isNumber() || !Double.isFinite(v.doubleValue())) {
        throw error(field, v.asText() + " is not a number");
      }
      return v.doubleValue();
    }

    /** A constant or mapped value of channel, event_type or outcome must be one of its symbols. */
    private void checkSymbol(String target, String value, String field) {
      if (value == null) {
        return;
      }
      List<String> symbols =
          switch (target) {
            case "channel" -> Arrays.stream(Channel.values()).map(Enum::name).toList();
            case "event_type" -> Arrays.stream(EventType.values()).map(Enum::name).toList();
            case "outcome" -> OUTCOMES;
            default -> null;
          };
      if (symbols != null && !symbols.contains(value)) {
        throw error(
            field,
            value
                + " is not "
                + switch (target) {
                  case "channel" -> "a channel";
                  case "event_type" -> "an event type";
                  default -> "an outcome";
                }
                + " (expected one of "
                + String.join(", ", symbols)
                + ")");
      }
    }

    private String zone(JsonNode n, String key, String field) {
      String z = text(n, key, field);
      if (z == null) {
        return null;
      }
      try {
        ZoneId.of(z);
      } catch (DateTimeException e) {
        throw error(field, z + " is not a time zone (e.g. UTC, Europe/London)");
      }
      return z;
    }

    private int position(JsonNode c, String key, String field) {
      JsonNode v = c.get(key);
      if (v == null) {
        throw error(field, "missing");
      }
      if (!v.canConvertToInt() || !v.isIntegralNumber() || v.intValue() < 1) {
        throw error(field, v.asText() + " is not a position (1 or more)");
      }
      return v.intValue();
    }

    private char oneChar(JsonNode root, String key) {
      String s = root.get(key).asText();
      if (s.length() != 1) {
        throw error(key, "'" + s + "' is not one character");
      }
      return s.charAt(0);
    }

    /** A scalar's text, null when absent; a list or mapping is a problem. */
    private String text(JsonNode n, String key, String field) {
      JsonNode v = n.get(key);
      if (v == null || v.isNull()) {
        return null;
      }
      if (!v.isValueNode()) {
        throw error(field, "expected a single value");
      }
      return v.asText();
    }

    private static List<String> sorted(Set<String> s) {
      List<String> l = new ArrayList<>(new HashSet<>(s));
      l.sort(null);
      return l;
    }
  }
}
