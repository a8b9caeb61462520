package dev.omnichannel.monitor.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.testing.Duck;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A small real {@code demo} (which writes the report), then the report's HTML checked against the
 * Parquet output with DuckDB, and rendered in headless Chromium (installed by the build: see {@code
 * src/test/scripts/ensure-chromium.sh}). Saves {@code target/report-screenshot.png}.
 */
class ReportITCase {
  @TempDir static Path dir;
  static Path out;
  static String printed;
  static String html;
  static JsonNode data;

  @BeforeAll
  static void runDemo() throws Exception {
    out = dir.resolve("output");
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = Main.execute("demo", "--output", out.toString(), "--customers", "120", "--days", "20");
    } finally {
      System.setOut(original);
    }
    printed = captured.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
    Matcher m =
        Pattern.compile(
                "<script type=\"application/json\" id=\"report-data\">(.*?)</script>",
                Pattern.DOTALL)
            .matcher(html);
    assertThat(m.find()).isTrue();
    data = new ObjectMapper().readTree(m.group(1));
  }

  @Test
  void demoShouldWriteExactlyOneHtmlFileAndPrintItsPath() throws Exception {
    assertThat(printed)
        .contains("Report", out.resolve("report.html").toAbsolutePath().normalize().toString());
    try (Stream<Path> s = Files.walk(out)) {
      assertThat(s.filter(p -> p.toString().endsWith(".html")).toList())
          .containsExactly(out.resolve("report.html"));
    }
  }

  @Test
  void shouldBeSelfContainedWithEveryChartContainer() {
    assertThat(html).doesNotContainPattern("(?i)<script[^>]*\\ssrc\\s*=");
    assertThat(html).doesNotContainPattern("(?i)<link[^>]*>");
    assertThat(html).doesNotContainPattern("(?i)(src|href)\\s*=\\s*[\"']?\\s*(https?:)?//");
    assertThat(html).doesNotContainPattern("(?i)@import|url\\(\\s*[\"']?https?:");
    assertThat(html).contains("echarts"); // the library is inlined
    for (String[] c : ReportHtml.CHARTS) {
      assertThat(html).contains("<div class=\"chart\" id=\"chart-" + c[0] + "\"></div>");
    }
  }

  @Test
  void embeddedDataShouldMatchTheParquetOutput() throws Exception {
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      // funnel: distinct journeys with an event of each step
      Map<String, Long> funnel = new LinkedHashMap<>();
      for (JsonNode step : data.get("funnel")) {
        funnel.put(step.get("name").asText(), step.get("value").asLong());
      }
      assertThat(funnel.keySet())
          .containsExactly("PRODUCT_VIEW", "ADD_TO_CART", "CHECKOUT_START", "PURCHASE");
      for (Map.Entry<String, Long> e : funnel.entrySet()) {
        List<String> n =
            Duck.rows(
                duck,
                "SELECT count(DISTINCT journey_id) FROM "
                    + Duck.table(out, "events")
                    + " WHERE journey_id IS NOT NULL AND event_type = '"
                    + e.getKey()
                    + "'");
        assertThat(e.getValue() + "|").as(e.getKey()).isEqualTo(n.get(0));
      }
      assertThat(funnel.get("PURCHASE")).isPositive();
      // patterns: counts per pattern, biggest first, ties by name
      List<String> patterns = new ArrayList<>();
      for (JsonNode p : data.get("patterns")) {
        patterns.add(p.get("pattern").asText() + "|" + p.get("count").asLong() + "|");
      }
      assertThat(patterns)
          .isNotEmpty()
          .isEqualTo(
              Duck.rows(
                  duck,
                  "SELECT pattern, count(*) AS n FROM "
                      + Duck.table(out, "journey_matches")
                      + " GROUP BY pattern ORDER BY n DESC, pattern LIMIT "
                      + ReportData.TOP_PATTERNS));
      // table row counts in the header
      for (String t : List.of("events", "journeys", "attribution", "friction")) {
        assertThat(data.get("tables").get(t).asLong() + "|")
            .as(t)
            .isEqualTo(Duck.rows(duck, "SELECT count(*) FROM " + Duck.table(out, t)).get(0));
      }
      // Sankey: flows out of step 1 add up to the journeys with a path
      long fromStep1 = 0;
      for (JsonNode l : data.get("sankey").get("links")) {
        if (l.get("source").asText().startsWith("1. ")) {
          fromStep1 += l.get("value").asLong();
        }
      }
      assertThat(fromStep1 + "|")
          .isEqualTo(
              Duck.rows(
                      duck,
                      "SELECT count(*) FROM "
                          + Duck.table(out, "journeys")
                          + " WHERE channel_path <> ''")
                  .get(0));
      // timelines: converted journeys only
      assertThat(data.get("timelines").get("journeys")).isNotEmpty();
      for (JsonNode j : data.get("timelines").get("journeys")) {
        assertThat(
                Duck.rows(
                    duck,
                    "SELECT converted FROM "
                        + Duck.table(out, "journeys")
                        + " WHERE journey_id = '"
                        + j.get("journey_id").asText()
                        + "'"))
            .containsExactly("true|");
      }
    }
  }

  @Test
  void shouldGiveTheSameBytesForTheSameOutput() throws Exception {
    Path again = dir.resolve("again.html");
    assertThat(Main.execute("report", "--output", out.toString(), "--report", again.toString()))
        .isZero();
    assertThat(Files.mismatch(out.resolve("report.html"), again)).isEqualTo(-1L);
  }

  @Test
  void shouldRenderEveryChartInHeadlessChromiumWithoutErrors() throws Exception {
    String chromium = chromium();
    Path page = out.resolve("report.html").toAbsolutePath();
    String dom = runChromium(chromium, "--dump-dom", page.toUri().toString());
    Matcher body = Pattern.compile("<body([^>]*)>").matcher(dom);
    assertThat(body.find()).as(dom.substring(0, Math.min(2000, dom.length()))).isTrue();
    String attrs = body.group(1);
    assertThat(attrs).contains("data-errors=\"[]\"");
    int charts = ReportHtml.CHARTS.size();
    assertThat(attrs)
        .contains("data-charts=\"" + charts + "\"")
        .contains("data-rendered=\"" + charts + "\"");
    for (String[] c : ReportHtml.CHARTS) {
      Matcher div =
          Pattern.compile(
                  "<div class=\"chart\" id=\"chart-" + c[0] + "\"([^>]*)>(.*?)</div>\\s*</section>",
                  Pattern.DOTALL)
              .matcher(dom);
      assertThat(div.find()).as(c[0]).isTrue();
      assertThat(div.group(1)).as(c[0]).contains("_echarts_instance_");
      assertThat(div.group(2)).as(c[0]).contains("<canvas");
    }
    Path shot = Path.of(System.getProperty("basedir", ".")).resolve("target/report-screenshot.png");
    Files.createDirectories(shot.getParent());
    Files.deleteIfExists(shot);
    runChromium(
        chromium,
        "--screenshot=" + shot.toAbsolutePath(),
        "--window-size=1400,3600",
        page.toUri().toString());
    assertThat(shot).exists();
    assertThat(Files.size(shot)).isGreaterThan(10_000);
  }

  private static String chromium() {
    for (String dirName :
        System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
      Path p = Path.of(dirName, "chromium");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new AssertionError(
        "chromium is not installed: the build installs it in pre-integration-test"
            + " (jobs/src/test/scripts/ensure-chromium.sh); run it, or `apt-get install -y chromium`");
  }

  private static String runChromium(String chromium, String... args) throws Exception {
    Path profile = Files.createTempDirectory(dir, "chromium-profile");
    List<String> cmd =
        new ArrayList<>(
            List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + profile,
                "--virtual-time-budget=10000"));
    cmd.addAll(List.of(args));
    Path stdout = dir.resolve("chromium-" + System.nanoTime() + ".out");
    Path stderr = dir.resolve("chromium-" + System.nanoTime() + ".err");
    Process p =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("chromium timed out: " + Files.readString(stderr));
    }
    assertThat(p.exitValue()).as(Files.readString(stderr)).isZero();
    return Files.readString(stdout, StandardCharsets.UTF_8);
  }
}
