package dev.omnichannel.monitor.attribution;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Path-level attribution data as CSV, the exchange format of attribution tools (ChannelAttribution,
 * pychattr, ...). Plain Java.
 *
 * <p><b>Input.</b> UTF-8 (an optional byte-order mark is skipped), LF or CRLF line endings, a
 * header line, then one path per line. Columns are found by name (any order, any case; unknown
 * columns are ignored): {@code path} and {@code total_conversions} are required, {@code
 * total_conversion_value} (missing: value 0) and {@code total_null} (missing: no non-converting
 * journeys) are optional. A path is its channels joined by {@code >}, usually {@code " > "}; each
 * element is one touch and is trimmed. Counts are non-negative finite decimal numbers. A field may
 * be double-quoted (with {@code ""} for a quote) to hold the separator. Blank lines are skipped. A
 * count has at most {@value #MAX_DECIMALS} decimal places. Every problem is an {@link
 * IllegalArgumentException} of the form {@code FILE, line N: problem}.
 *
 * <p><b>Aggregation.</b> Rows with the same path are summed exactly (decimal arithmetic), and the
 * distinct paths are returned sorted by path, so the result, and any model run over it, does not
 * depend on the order of the rows or on how a path's counts are split over rows.
 *
 * <p><b>Output.</b> {@link #write} writes one line per {@link ModelCredit} under {@link #HEADER},
 * numbers with full precision (the shortest decimal that reads back as the same double, never in
 * exponent notation, at least one decimal), {@code removal_effect} and {@code value_removal_effect}
 * empty when the model has none, fields quoted as RFC 4180 requires, LF line endings.
 */
public final class PathCsv {
  /** The default field separator of path-level data. */
  public static final char DEFAULT_SEPARATOR = ';';

  /** The header of the output CSV. */
  public static final String HEADER =
      "model,channel,attributed_conversions,attributed_value,removal_effect,value_removal_effect";

  /** Most decimal places of a count (after trailing zeros): sums stay exact and small. */
  static final int MAX_DECIMALS = 64;

  static final String PATH = "path";
  static final String CONVERSIONS = "total_conversions";
  static final String VALUE = "total_conversion_value";
  static final String NULLS = "total_null";

  private PathCsv() {}

  /**
   * What a path-level file holds.
   *
   * @param paths the distinct paths with their summed counts, sorted by path
   * @param rows the number of data rows read
   * @param hasValue whether the file has a {@code total_conversion_value} column
   * @param hasNulls whether the file has a {@code total_null} column
   */
  public record Data(List<PathStat> paths, int rows, boolean hasValue, boolean hasNulls) {
    public Data {
      paths = List.copyOf(paths);
    }

    /** The total conversions. */
    public double conversions() {
      return paths.stream().mapToDouble(PathStat::conversions).sum();
    }

    /** The total conversion value. */
    public double value() {
      return paths.stream().mapToDouble(PathStat::value).sum();
    }

    /** The total non-converting journeys. */
    public double nulls() {
      return paths.stream().mapToDouble(PathStat::nulls).sum();
    }

    /** The number of distinct channels. */
    public int channels() {
      return (int) paths.stream().flatMap(p -> p.path().stream()).distinct().count();
    }
  }

  /**
   * Reads a path-level file.
   *
   * @throws IllegalArgumentException naming the file, the line and the problem
   * @throws IOException when the file cannot be read
   */
  public static Data read(Path file, char separator) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(in, file.toString(), separator);
    } catch (CharacterCodingException e) {
      throw new IllegalArgumentException(file + " is not UTF-8 text", e);
    }
  }

  /**
   * Reads path-level data.
   *
   * @param source the name used in messages (usually the file name)
   * @throws IllegalArgumentException naming {@code source}, the line and the problem
   */
  public static Data read(Reader reader, String source, char separator) throws IOException {
    checkSeparator(separator);
    BufferedReader in =
        reader instanceof BufferedReader b ? b : new BufferedReader(reader, 1 << 16);
    String header = in.readLine();
    int lineNo = 1;
    if (header != null && header.startsWith("\uFEFF")) {
      header = header.substring(1);
    }
    while (header != null && header.isBlank()) {
      header = in.readLine();
      lineNo++;
    }
    if (header == null) {
      throw new IllegalArgumentException(
          source
              + " is empty; expected a header line such as "
              + String.join(String.valueOf(separator), PATH, CONVERSIONS, VALUE, NULLS));
    }
    Columns cols = Columns.of(split(header, separator, source, lineNo), source, lineNo, separator);
    Map<List<String>, BigDecimal[]> sums = new TreeMap<>(PathCsv::comparePaths);
    int rows = 0;
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      lineNo++;
      if (line.isBlank()) {
        continue;
      }
      String where = source + ", line " + lineNo + ": ";
      List<String> f = split(line, separator, source, lineNo);
      if (f.size() != cols.count) {
        throw new IllegalArgumentException(
            where
                + "expected "
                + cols.count
                + " fields separated by '"
                + separator
                + "' as in the header, got "
                + f.size());
      }
      List<String> path = parsePath(f.get(cols.path), where);
      BigDecimal conversions = count(f.get(cols.conversions), CONVERSIONS, where);
      BigDecimal value = cols.value < 0 ? BigDecimal.ZERO : count(f.get(cols.value), VALUE, where);
      BigDecimal nulls = cols.nulls < 0 ? BigDecimal.ZERO : count(f.get(cols.nulls), NULLS, where);
      BigDecimal[] sum =
          sums.computeIfAbsent(
              path, k -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO, BigDecimal.ZERO});
      sum[0] = sum[0].add(conversions);
      sum[1] = sum[1].add(value);
      sum[2] = sum[2].add(nulls);
      rows++;
    }
    if (rows == 0) {
      throw new IllegalArgumentException(source + " has a header but no paths");
    }
    List<PathStat> paths = new ArrayList<>(sums.size());
    for (Map.Entry<List<String>, BigDecimal[]> e : sums.entrySet()) {
      double[] d = new double[3];
      for (int i = 0; i < 3; i++) {
        d[i] = e.getValue()[i].doubleValue();
        if (!Double.isFinite(d[i])) {
          throw new IllegalArgumentException(
              source
                  + ": the summed "
                  + List.of(CONVERSIONS, VALUE, NULLS).get(i)
                  + " of path '"
                  + String.join(" > ", e.getKey())
                  + "' is too large for a double");
        }
      }
      paths.add(new PathStat(e.getKey(), d[0], d[1], d[2]));
    }
    return new Data(paths, rows, cols.value >= 0, cols.nulls >= 0);
  }

  /**
   * Writes credits as CSV under {@link #HEADER}, in the given order, with LF line endings.
   *
   * @throws IOException from the writer
   */
  public static void write(Collection<ModelCredit> credits, Writer out) throws IOException {
    out.write(HEADER);
    out.write('\n');
    for (ModelCredit c : credits) {
      out.write(c.model().name());
      out.write(',');
      out.write(quote(c.channel()));
      out.write(',');
      out.write(number(c.conversions()));
      out.write(',');
      out.write(number(c.value()));
      out.write(',');
      if (c.removalEffect() != null) {
        out.write(number(c.removalEffect()));
      }
      out.write(',');
      if (c.valueRemovalEffect() != null) {
        out.write(number(c.valueRemovalEffect()));
      }
      out.write('\n');
    }
  }

  /**
   * A double with full precision in plain notation: the shortest decimal that {@link
   * Double#parseDouble} reads back as the same value, e.g. {@code 2.0}, {@code 0.000012}.
   */
  public static String number(double d) {
    if (!Double.isFinite(d)) {
      throw new IllegalArgumentException("not a finite number: " + d);
    }
    BigDecimal b = new BigDecimal(Double.toString(d)).stripTrailingZeros();
    return (b.scale() <= 0 ? b.setScale(1) : b).toPlainString();
  }

  /** A CSV field, quoted when it holds a comma, a quote or a line break (RFC 4180). */
  public static String quote(String field) {
    if (field.indexOf(',') < 0
        && field.indexOf('"') < 0
        && field.indexOf('\n') < 0
        && field.indexOf('\r') < 0) {
      return field;
    }
    return '"' + field.replace("\"", "\"\"") + '"';
  }

  /**
   * Rejects separators that cannot work: quotes, {@code >} (the path separator), line breaks and
   * blanks other than the tab.
   */
  public static void checkSeparator(char separator) {
    if (separator == '"'
        || separator == '>'
        || separator == '\n'
        || separator == '\r'
        || (separator != '\t' && Character.isWhitespace(separator))
        || Character.isISOControl(separator) && separator != '\t') {
      throw new IllegalArgumentException(
          "the separator cannot be "
              + describe(separator)
              + "; use a character such as ';', ',', '|' or a tab");
    }
  }

  private static String describe(char c) {
    return switch (c) {
      case '\n' -> "a line feed";
      case '\r' -> "a carriage return";
      case ' ' -> "a space";
      default ->
          Character.isISOControl(c) || Character.isWhitespace(c)
              ? String.format(Locale.ROOT, "U+%04X", (int) c)
              : "'" + c + "'";
    };
  }

  /** Orders paths element by element, then shorter first. */
  static int comparePaths(List<String> a, List<String> b) {
    int n = Math.min(a.size(), b.size());
    for (int i = 0; i < n; i++) {
      int c = a.get(i).compareTo(b.get(i));
      if (c != 0) {
        return c;
      }
    }
    return Integer.compare(a.size(), b.size());
  }

  private static List<String> parsePath(String field, String where) {
    String text = field.trim();
    if (text.isEmpty()) {
      throw new IllegalArgumentException(where + "the path is empty");
    }
    String[] parts = text.split(">", -1);
    List<String> path = new ArrayList<>(parts.length);
    for (int i = 0; i < parts.length; i++) {
      String channel = parts[i].trim();
      if (channel.isEmpty()) {
        throw new IllegalArgumentException(
            where
                + "path element "
                + (i + 1)
                + " of "
                + parts.length
                + " is empty in '"
                + text
                + "' (channels are joined by ' > ')");
      }
      path.add(channel);
    }
    return path;
  }

  private static BigDecimal count(String field, String column, String where) {
    String text = field.trim();
    BigDecimal d;
    try {
      d = new BigDecimal(text);
    } catch (NumberFormatException e) {
      String lower = text.toLowerCase(Locale.ROOT).replaceFirst("^[+-]", "");
      if (lower.equals("nan") || lower.startsWith("inf")) {
        throw new IllegalArgumentException(
            where + column + " must be a finite number, got '" + text + "'");
      }
      throw new IllegalArgumentException(
          where + column + " is not a number: '" + text + "'" + (text.isEmpty() ? " (empty)" : ""));
    }
    if (d.signum() < 0) {
      throw new IllegalArgumentException(
          where + column + " must not be negative, got '" + text + "'");
    }
    d = d.stripTrailingZeros();
    if (d.scale() > MAX_DECIMALS) {
      // exact sums with such a number take memory and time in proportion to its exponent
      throw new IllegalArgumentException(
          where
              + column
              + " has more than "
              + MAX_DECIMALS
              + " decimal places: '"
              + (text.length() <= 80 ? text : text.substring(0, 80) + "…")
              + "'");
    }
    if (!Double.isFinite(d.doubleValue())) {
      throw new IllegalArgumentException(
          where + column + " must be a finite number, got '" + text + "' (too large)");
    }
    return d;
  }

  /** Splits one line into fields; a field that starts with a quote runs to its closing quote. */
  static List<String> split(String line, char sep, String source, int lineNo) {
    List<String> out = new ArrayList<>();
    int i = 0;
    int n = line.length();
    while (true) {
      int start = i;
      while (i < n && line.charAt(i) == ' ') {
        i++;
      }
      if (i < n && line.charAt(i) == '"') {
        StringBuilder b = new StringBuilder();
        i++;
        while (true) {
          if (i >= n) {
            throw new IllegalArgumentException(
                source
                    + ", line "
                    + lineNo
                    + ": unterminated quoted field "
                    + (out.size() + 1)
                    + " (quoted fields cannot span lines)");
          }
          char c = line.charAt(i++);
          if (c == '"') {
            if (i < n && line.charAt(i) == '"') {
              b.append('"');
              i++;
            } else {
              break;
            }
          } else {
            b.append(c);
          }
        }
        while (i < n && line.charAt(i) == ' ') {
          i++;
        }
        if (i < n && line.charAt(i) != sep) {
          throw new IllegalArgumentException(
              source
                  + ", line "
                  + lineNo
                  + ": unexpected text after the closing quote of field "
                  + (out.size() + 1));
        }
        out.add(b.toString());
      } else {
        i = start;
        while (i < n && line.charAt(i) != sep) {
          i++;
        }
        out.add(line.substring(start, i));
      }
      if (i >= n) {
        return out;
      }
      i++; // the separator
    }
  }

  /** The positions of the known columns. */
  private record Columns(int count, int path, int conversions, int value, int nulls) {
    static Columns of(List<String> header, String source, int lineNo, char separator) {
      int path = -1;
      int conversions = -1;
      int value = -1;
      int nulls = -1;
      for (int i = 0; i < header.size(); i++) {
        String name = header.get(i).trim().toLowerCase(Locale.ROOT);
        int prev =
            switch (name) {
              case PATH -> path;
              case CONVERSIONS -> conversions;
              case VALUE -> value;
              case NULLS -> nulls;
              default -> -1;
            };
        if (prev >= 0) {
          throw new IllegalArgumentException(
              source + ", line " + lineNo + ": the header has the column '" + name + "' twice");
        }
        switch (name) {
          case PATH -> path = i;
          case CONVERSIONS -> conversions = i;
          case VALUE -> value = i;
          case NULLS -> nulls = i;
          default -> {}
        }
      }
      for (String required : List.of(PATH, CONVERSIONS)) {
        if ((required.equals(PATH) ? path : conversions) < 0) {
          String hint =
              header.size() == 1
                  ? "; the header has a single column with separator '"
                      + separator
                      + "', is that the right separator?"
                  : "";
          throw new IllegalArgumentException(
              source
                  + ", line "
                  + lineNo
                  + ": the header has no column '"
                  + required
                  + "' (columns: "
                  + String.join(", ", header.stream().map(h -> "'" + h.trim() + "'").toList())
                  + ")"
                  + hint);
        }
      }
      return new Columns(header.size(), path, conversions, value, nulls);
    }
  }
}
