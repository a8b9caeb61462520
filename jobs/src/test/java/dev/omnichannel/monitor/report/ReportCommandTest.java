package dev.omnichannel.monitor.report;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.cli.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code report} on bad input: one line naming the path, exit 2; empty tables render notes. */
class ReportCommandTest {
  @TempDir Path dir;

  private record Run(int code, String err) {}

  private static Run run(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    int code = cl.execute(args);
    return new Run(code, err.toString());
  }

  @Test
  void shouldFailWithOneLineNamingAMissingDirectory() {
    Path missing = dir.resolve("nope");
    Run r = run("report", "--output", missing.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).doesNotContain("\n").contains(missing.toString());
    assertThat(r.err()).doesNotContain("Exception", "\tat ");
    assertThat(missing).doesNotExist();
  }

  @Test
  void shouldFailWithOneLineOnAnEmptyDirectory() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("empty"));
    Run r = run("report", "--output", empty.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip()).doesNotContain("\n").contains(empty.toString(), "empty");
    assertThat(empty.resolve("report.html")).doesNotExist();
  }

  @Test
  void shouldFailWithOneLineNamingAMissingTable() throws Exception {
    Path out = dir.resolve("out");
    Files.createDirectories(out.resolve("events"));
    Run r = run("report", "--output", out.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .doesNotContain("\n")
        .contains("journeys", out.resolve("journeys").toString());
  }

  @Test
  void shouldRenderEmptyTablesAsEmptyChartsWithANote() throws Exception {
    Path out = dir.resolve("out");
    for (String t : ReportData.TABLES) {
      Files.createDirectories(out.resolve(t));
    }
    Path file = dir.resolve("r/report.html");
    Run r = run("report", "--output", out.toString(), "--report", file.toString());
    assertThat(r.code()).as(r.err()).isZero();
    String html = Files.readString(file, StandardCharsets.UTF_8);
    for (String[] c : ReportHtml.CHARTS) {
      assertThat(html).contains("<div class=\"chart\" id=\"chart-" + c[0] + "\"></div>");
    }
    assertThat(html)
        .contains("The journeys table has no rows.", "The events table has no rows.")
        .contains("The friction table has no rows.", "The journey_matches table has no rows.")
        .contains("The attribution tables have no rows.", "No converted journeys to show.")
        .contains("No run summary under _runs/.");
  }

  @Test
  void shouldAcceptAMissingTableThatTheRunSummaryRecordsAsEmpty() throws Exception {
    Path out = dir.resolve("out");
    for (String t : ReportData.TABLES) {
      if (!t.equals("friction")) {
        Files.createDirectories(out.resolve(t));
      }
    }
    Files.createDirectories(out.resolve("_runs"));
    Files.writeString(
        out.resolve("_runs/r1.json"),
        "{\"run_id\":\"r1\",\"started_at\":\"2026-01-01T00:00:00Z\",\"tables\":{\"friction\":0}}");
    Run r = run("report", "--output", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(Files.readString(out.resolve("report.html"))).contains("r1");
  }
}
