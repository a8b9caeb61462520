package dev.omnichannel.monitor.mapping;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Applies a {@link Mapping} to one row of a legacy export: splits the line into its columns and
 * builds the event as the JSON object the JSON Lines decoder reads, so that mapped rows pass the
 * same validation and pseudonymisation as any other input. A row that does not fit the mapping (a
 * wrong number of columns, a time or number that does not parse, a value missing from a value map)
 * is a {@link Result#problem()} naming the column and the value. Plain Java; one instance per task
 * (not thread-safe).
 */
public final class RowMapper {
  /** The longest cell value a problem repeats. */
  private static final int MAX_SHOWN = 80;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Mapping mapping;
  private final ObjectReader csv;
  private final Map<FieldRule, DateTimeFormatter> formatters = new HashMap<>();

  /**
   * The event as JSON text and its event time (null when the row has none), or why the row does not
   * fit (then {@code json} is null).
   */
  public record Result(String json, String problem, Long eventTime) {
    Result(String problem) {
      this(null, problem, null);
    }
  }

  /** A cell that does not fit its rule. */
  private static final class Misfit extends Exception {
    Misfit(String message) {
      super(message, null, false, false);
    }
  }

  public RowMapper(Mapping mapping) {
    this.mapping = mapping;
    if (mapping.format().equals("fixed") || mapping.format().equals("json")) {
      this.csv = null;
    } else {
      CsvMapper m = new CsvMapper();
      m.enable(CsvParser.Feature.WRAP_AS_ARRAY);
      this.csv =
          m.readerFor(String[].class)
              .with(
                  CsvSchema.emptySchema()
                      .withColumnSeparator(mapping.delimiter())
                      .withQuoteChar(mapping.quote()));
    }
  }

  /** Maps one line (without its line end). */
  public Result map(String line) {
    String[] cells;
    try {
      cells = split(line);
    } catch (Misfit e) {
      return new Result(e.getMessage());
    }
    try {
      ObjectNode event = event(cells);
      JsonNode time = event.get("event_time");
      return new Result(
          JSON.writeValueAsString(event), null, time == null ? null : time.longValue());
    } catch (Misfit e) {
      return new Result(e.getMessage());
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
  }

  /**
   * Null when a file's header line names the mapping's columns, in order (cells trimmed, case
   * ignored), else what differs: a changed export layout would otherwise fill fields from the wrong
   * columns.
   */
  public String headerProblem(String line) {
    String[] cells;
    try {
      cells = cells(line);
    } catch (Misfit e) {
      return "header " + e.getMessage().replaceFirst("^row ", "");
    }
    List<String> names = mapping.columns();
    for (int i = 0; i < Math.max(cells.length, names.size()); i++) {
      String found = i < cells.length ? cells[i].trim() : null;
      String expected = i < names.size() ? names.get(i) : null;
      if (found == null || expected == null || !found.equalsIgnoreCase(expected)) {
        return "header column "
            + (i + 1)
            + " is "
            + (found == null ? "missing" : "\"" + found + "\"")
            + ", the mapping expects "
            + (expected == null ? "no more columns" : expected)
            + " (header: "
            + String.join(", ", Arrays.stream(cells).map(String::trim).toList())
            + ")";
      }
    }
    return null;
  }

  /** The line's cells, one per column of the mapping. */
  String[] split(String line) throws Misfit {
    if (mapping.format().equals("json")) {
      return fields(line);
    }
    String[] cells = cells(line);
    int n = mapping.columns().size();
    if (cells.length != n) {
      throw new Misfit("row has " + cells.length + " columns, expected " + n);
    }
    return cells;
  }

  /**
   * The cells of a JSON row: each column's top-level field of the object as text (a string as it
   * is, a number or boolean as written, an object or array as JSON); a missing or null field is an
   * empty cell. Other fields are ignored.
   */
  private String[] fields(String line) throws Misfit {
    JsonNode row;
    try {
      row = JSON.readTree(line.startsWith("\uFEFF") ? line.substring(1) : line);
    } catch (JsonProcessingException e) {
      String why = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
      throw new Misfit("row is not json: " + why.split("\n")[0]);
    }
    if (row == null || !row.isObject()) {
      throw new Misfit(
          "row is not a JSON object but "
              + (row == null || row.isMissingNode() ? "empty" : row.getNodeType().name()));
    }
    List<String> names = mapping.columns();
    String[] cells = new String[names.size()];
    for (int i = 0; i < cells.length; i++) {
      JsonNode v = row.get(names.get(i));
      cells[i] = v == null || v.isNull() ? "" : v.isValueNode() ? v.asText() : v.toString();
    }
    return cells;
  }

  /** The line's cells as the format splits it (fixed: always one per column). */
  private String[] cells(String line) throws Misfit {
    if (line.startsWith("\uFEFF")) {
      line = line.substring(1); // a byte order mark, as spreadsheet exports write
    }
    int n = mapping.columns().size();
    if (csv == null) {
      String[] cells = new String[n];
      for (int i = 0; i < n; i++) {
        int from = Math.min(mapping.starts()[i] - 1, line.length());
        int to = Math.min(mapping.ends()[i], line.length());
        cells[i] = line.substring(from, to);
      }
      return cells;
    }
    String[] cells;
    try (MappingIterator<String[]> it = csv.readValues(line)) {
      cells = it.hasNext() ? it.next() : new String[0];
    } catch (IOException | RuntimeException e) {
      String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      throw new Misfit("row is not " + mapping.format() + ": " + why.split("\n")[0]);
    }
    return cells;
  }

  private ObjectNode event(String[] cells) throws Misfit {
    ObjectNode e = JSON.createObjectNode();
    for (Map.Entry<String, FieldRule> f : mapping.fields().entrySet()) {
      String name = f.getKey();
      FieldRule rule = f.getValue();
      String v = value(rule, cells, name);
      if (v == null) {
        continue;
      }
      switch (name) {
        case "event_time" -> e.put(name, millis(rule, v));
        case "value", "sentiment" -> e.put(name, number(rule, v, name));
        default -> e.put(name, v);
      }
    }
    ArrayNode ids = e.putArray("identities");
    for (IdentityColumn id : mapping.identities()) {
      String v = value(id.rule(), cells, "identity " + id.namespace());
      if (v != null) {
        ids.addObject().put("namespace", id.namespace()).put("value", v);
      }
    }
    if (!mapping.attributes().isEmpty()) {
      ObjectNode attrs = e.putObject("attributes");
      for (Map.Entry<String, FieldRule> a : mapping.attributes().entrySet()) {
        String v = value(a.getValue(), cells, "attribute " + a.getKey());
        if (v != null) {
          attrs.put(a.getKey(), v);
        }
      }
    }
    return e;
  }

  /**
   * The rule's value for this row after its value map, or null when the cell is empty (or maps to
   * nothing).
   */
  private String value(FieldRule rule, String[] cells, String target) throws Misfit {
    String v;
    if (rule.constant() != null) {
      v = rule.constant();
    } else if (rule.column() != null) {
      v = cells[mapping.columnIndex(rule.column())].trim();
    } else {
      StringBuilder b = new StringBuilder();
      for (String c : rule.columns()) {
        String part = cells[mapping.columnIndex(c)].trim();
        if (part.isEmpty()) {
          throw new Misfit(
              "column " + c + " value \"\": empty, but " + target + " is built from it");
        }
        if (b.length() > 0) {
          b.append(rule.separator());
        }
        b.append(part);
      }
      v = b.toString();
    }
    if (v.isEmpty()) {
      return null;
    }
    if (rule.values() == null) {
      return v;
    }
    if (rule.values().containsKey(v)) {
      return rule.values().get(v);
    }
    if (rule.otherwise() != null) {
      return rule.otherwise();
    }
    throw misfit(
        rule,
        v,
        "not a known value for "
            + target
            + " (expected one of "
            + String.join(", ", rule.values().keySet())
            + ")");
  }

  private long millis(FieldRule rule, String v) throws Misfit {
    ZoneId zone = ZoneId.of(rule.timeZone());
    try {
      return switch (rule.format()) {
        case "epoch_millis" -> Long.parseLong(v);
        case "epoch_seconds" -> Math.multiplyExact(Long.parseLong(v), 1000L);
        case "iso" -> iso(v, zone).toEpochMilli();
        default -> {
          DateTimeFormatter f = formatters.computeIfAbsent(rule, r -> formatter(r.format(), zone));
          yield Instant.from(f.parse(v)).toEpochMilli();
        }
      };
    } catch (DateTimeException | ArithmeticException | NumberFormatException e) {
      throw misfit(rule, v, "not a time in format " + rule.format());
    }
  }

  /**
   * The formatter of a time pattern: strict (31/02 is no date; {@code yyyy} needs no era), local
   * times in {@code zone}.
   */
  static DateTimeFormatter formatter(String pattern, ZoneId zone) {
    return new DateTimeFormatterBuilder()
        .appendPattern(pattern)
        .parseDefaulting(ChronoField.ERA, 1)
        .toFormatter(Locale.ROOT)
        .withResolverStyle(ResolverStyle.STRICT)
        .withZone(zone);
  }

  private static Instant iso(String v, ZoneId zone) {
    try {
      return OffsetDateTime.parse(v).toInstant();
    } catch (DateTimeException e) {
      return LocalDateTime.parse(v).atZone(zone).toInstant();
    }
  }

  private double number(FieldRule rule, String v, String target) throws Misfit {
    double d;
    try {
      d = Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw misfit(rule, v, "not a number (" + target + ")");
    }
    if (!Double.isFinite(d)) {
      throw misfit(rule, v, "not a finite number (" + target + ")");
    }
    if (rule.scale() != null) {
      d *= rule.scale();
    }
    if (rule.offset() != null) {
      d += rule.offset();
    }
    return d;
  }

  private static Misfit misfit(FieldRule rule, String v, String problem) {
    String shown = v.length() > MAX_SHOWN ? v.substring(0, MAX_SHOWN) + "..." : v;
    String where = rule.column() != null ? "column " + rule.column() : "columns " + rule.columns();
    if (rule.constant() != null) {
      where = "constant";
    }
    return new Misfit(where + " value \"" + shown + "\": " + problem);
  }
}
