package dev.omnichannel.monitor.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * Writes the report: one self-contained HTML file with Apache ECharts (from its WebJar) and the
 * data inlined, so it opens offline. The same data gives the same bytes.
 */
public final class ReportHtml {
  /** The chart containers, as {@code <div class="chart" id="chart-ID">}, in page order. */
  public static final List<String[]> CHARTS =
      List.of(
          new String[] {"sankey", "Channel flows between consecutive touches"},
          new String[] {"funnel", "Funnel: journeys reaching each step"},
          new String[] {"attribution", "Attribution by model and channel"},
          new String[] {"friction", "Friction by type and channel"},
          new String[] {"patterns", "Top journey patterns"},
          new String[] {"timelines", "Example converted journeys with the most channels"});

  private static final String ECHARTS_POM = "META-INF/maven/org.webjars/echarts/pom.properties";

  private static final Map<String, String> EXPLAIN =
      Map.of(
          "sankey",
          "From the journeys' channel paths. Nodes are positional (\"2. EMAIL\" is a journey's"
              + " second touch) so the graph has no cycles; paths are cut at "
              + ReportData.SANKEY_STEPS
              + " touches; the last column is the journey status.",
          "funnel",
          "Distinct journeys with at least one event of each type (events table).",
          "attribution",
          "Sum of credit per model and channel (attribution table); models only in"
              + " attribution_channel show its attributed conversions.",
          "friction",
          "Friction rows per type, stacked by the channels involved (a row with two channels"
              + " counts once for each).",
          "patterns",
          "Matches per pattern (journey_matches), top " + ReportData.TOP_PATTERNS + ".",
          "timelines",
          "The "
              + ReportData.TIMELINES
              + " converted journeys with the most distinct channels (then touches, events,"
              + " id); one dot per event, coloured by channel.");

  private ReportHtml() {}

  /** Reads {@code output} and writes the report to {@code file}. */
  public static void write(Path output, Path file) throws IOException {
    String html = render(ReportData.read(output));
    Path parent = file.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(file, html, StandardCharsets.UTF_8);
  }

  /** The page for {@code data}. */
  @SuppressWarnings("unchecked")
  public static String render(Map<String, Object> data) throws IOException {
    String json = new ObjectMapper().writeValueAsString(data);
    StringBuilder b = new StringBuilder(1 << 21);
    b.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    b.append("<title>Omnichannel Monitor report</title>\n<style>\n")
        .append("body{font-family:system-ui,sans-serif;margin:24px;color:#222;background:#fff}\n")
        .append("h1{margin:0 0 8px}h2{margin:28px 0 4px;font-size:18px}\n")
        .append("table{border-collapse:collapse;margin:8px 24px 8px 0;display:inline-table;")
        .append("vertical-align:top}td,th{border:1px solid #ddd;padding:3px 8px;text-align:left}")
        .append("td.n{text-align:right}\n")
        .append("p.explain{color:#555;margin:2px 0;font-size:13px}p.note{color:#b00;margin:2px 0}")
        .append("\n.chart{width:100%;height:460px}\n#chart-sankey{height:620px}\n")
        .append("</style>\n</head>\n<body data-errors=\"[]\">\n");
    // first thing in the body: record errors, for the browser test and for anyone debugging
    b.append("<script>\n(function(){var errs=[];function rec(m){errs.push(String(m));")
        .append("document.body.dataset.errors=JSON.stringify(errs);}")
        .append("window.addEventListener('error',function(e){rec(e.message);});")
        .append("var ce=console.error;console.error=function(){")
        .append("rec(Array.prototype.map.call(arguments,String).join(' '));")
        .append("ce.apply(console,arguments);};})();\n</script>\n");
    b.append("<h1>Omnichannel Monitor report</h1>\n");
    Map<String, Object> run = (Map<String, Object>) data.get("run");
    b.append("<p class=\"explain\">Output directory <code>")
        .append(esc(String.valueOf(data.get("output"))))
        .append("</code>.</p>\n");
    if (run == null) {
      b.append("<p class=\"note\">No run summary under _runs/.</p>\n");
    } else {
      b.append("<table><tr><th colspan=\"2\">Latest run</th></tr>\n");
      for (Map.Entry<String, Object> e : run.entrySet()) {
        if (e.getValue() instanceof Map<?, ?>) {
          continue;
        }
        row(b, e.getKey(), e.getValue());
      }
      b.append("</table>\n<table><tr><th colspan=\"2\">Accounting</th></tr>\n");
      for (Map.Entry<String, Object> e : ((Map<String, Object>) run.get("accounting")).entrySet()) {
        row(b, e.getKey(), e.getValue());
      }
      b.append("</table>\n");
    }
    b.append("<table><tr><th colspan=\"2\">Rows per table (Parquet)</th></tr>\n");
    for (Map.Entry<String, Object> e : ((Map<String, Object>) data.get("tables")).entrySet()) {
      row(b, e.getKey(), e.getValue());
    }
    b.append("</table>\n");
    Map<String, Object> notes = (Map<String, Object>) data.get("notes");
    for (String[] c : CHARTS) {
      b.append("<section>\n<h2>").append(esc(c[1])).append("</h2>\n");
      b.append("<p class=\"explain\">").append(esc(EXPLAIN.get(c[0]))).append("</p>\n");
      if (notes.containsKey(c[0])) {
        b.append("<p class=\"note\">").append(esc(notes.get(c[0]).toString())).append("</p>\n");
      }
      b.append("<div class=\"chart\" id=\"chart-").append(c[0]).append("\"></div>\n</section>\n");
    }
    b.append("<script>\n").append(scriptSafe(echarts())).append("\n</script>\n");
    b.append("<script type=\"application/json\" id=\"report-data\">")
        .append(scriptSafe(json))
        .append("</script>\n");
    b.append("<script>\n").append(scriptSafe(resource("report.js"))).append("</script>\n");
    b.append("</body>\n</html>\n");
    return b.toString();
  }

  /** The ECharts version bundled (from the WebJar's pom.properties). */
  public static String echartsVersion() throws IOException {
    try (InputStream in = ReportHtml.class.getClassLoader().getResourceAsStream(ECHARTS_POM)) {
      if (in == null) {
        throw new IOException("ECharts WebJar not on the classpath: " + ECHARTS_POM);
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    }
  }

  private static String echarts() throws IOException {
    String path = "META-INF/resources/webjars/echarts/" + echartsVersion() + "/echarts.min.js";
    try (InputStream in = ReportHtml.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IOException("ECharts bundle not on the classpath: " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = ReportHtml.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IOException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static void row(StringBuilder b, String key, Object value) {
    String v =
        value instanceof Number n && !(value instanceof Double)
            ? String.format(java.util.Locale.ROOT, "%,d", n.longValue())
            : String.valueOf(value);
    b.append("<tr><td>")
        .append(esc(key))
        .append("</td><td class=\"n\">")
        .append(esc(v))
        .append("</td></tr>\n");
  }

  /** Keeps inlined text from closing its {@code <script>} element early. */
  private static String scriptSafe(String s) {
    return s.replaceAll("(?i)</(script)", "<\\\\/$1").replace("<!--", "<\\u0021--");
  }

  private static String esc(String s) {
    return s.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
