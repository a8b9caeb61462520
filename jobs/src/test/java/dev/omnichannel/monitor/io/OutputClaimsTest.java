package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The writers' rule of {@link OutputClaims}: overlapping backfills and live stream leases. */
class OutputClaimsTest {
  @TempDir Path output;

  private static final Instant NOW = Instant.parse("2026-03-10T02:00:00Z");

  private static LocalDate d(String s) {
    return LocalDate.parse(s);
  }

  @Test
  void shouldRefuseAnOverlappingBackfillAndNameTheHolder() throws Exception {
    try (OutputClaims.Claim a =
        OutputClaims.claimBackfill(output, "run-a", d("2026-03-01"), d("2026-03-05"), NOW)) {
      assertThatThrownBy(
              () ->
                  OutputClaims.claimBackfill(
                      output, "run-b", d("2026-03-05"), d("2026-03-09"), NOW))
          .isInstanceOf(OutputBusyException.class)
          .hasMessageContaining("output " + output + " is busy: backfill run run-a (pid ")
          .hasMessageContaining("is writing 2026-03-01..2026-03-05")
          .hasMessageContaining("overlaps this run's 2026-03-05..2026-03-09")
          .hasMessageNotContaining("\n");
      // the same run id twice (the same arguments) is an overlap too
      assertThatThrownBy(
              () ->
                  OutputClaims.claimBackfill(
                      output, "run-a", d("2026-03-01"), d("2026-03-05"), NOW))
          .isInstanceOf(OutputBusyException.class);
      // an unbounded backfill overlaps everything
      assertThatThrownBy(() -> OutputClaims.claimBackfill(output, "run-c", null, null, NOW))
          .isInstanceOf(OutputBusyException.class)
          .hasMessageContaining("overlaps this run's every day");
    }
    // released: the next one gets it, and the claim file is gone
    try (OutputClaims.Claim b =
        OutputClaims.claimBackfill(output, "run-b", d("2026-03-05"), d("2026-03-09"), NOW)) {
      assertThat(files()).containsExactly("backfill-run-b.json");
    }
    assertThat(files()).isEmpty();
  }

  @Test
  void shouldLetBackfillsOverDisjointRangesRunSideBySide() throws Exception {
    try (OutputClaims.Claim a =
            OutputClaims.claimBackfill(output, "run-a", d("2026-03-01"), d("2026-03-04"), NOW);
        OutputClaims.Claim b =
            OutputClaims.claimBackfill(output, "run-b", d("2026-03-05"), d("2026-03-09"), NOW)) {
      assertThat(files()).containsExactly("backfill-run-a.json", "backfill-run-b.json");
      assertThat(Files.readString(output.resolve("_writers/backfill-run-a.json")))
          .contains("\"run_id\":\"run-a\"", "\"from\":\"2026-03-01\"", "\"to\":\"2026-03-04\"");
    }
  }

  @Test
  void shouldRemoveTheClaimOfABackfillWhoseProcessDied() throws Exception {
    // Another process takes a claim and dies holding it (kill -9): the file stays, unlocked.
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                ClaimAndWait.class.getName(),
                output.toString())
            .redirectErrorStream(true)
            .start();
    try {
      assertThat(new String(p.getInputStream().readNBytes(8))).isEqualTo("claimed\n");
      assertThatThrownBy(
              () ->
                  OutputClaims.claimBackfill(
                      output, "run-b", d("2026-03-03"), d("2026-03-03"), NOW))
          .isInstanceOf(OutputBusyException.class)
          .hasMessageContaining("backfill run other (pid " + p.pid() + " on ");
      p.destroyForcibly();
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      p.destroyForcibly();
    }
    assertThat(files()).containsExactly("backfill-other.json");
    try (OutputClaims.Claim b =
        OutputClaims.claimBackfill(output, "run-b", d("2026-03-03"), d("2026-03-03"), NOW)) {
      assertThat(files()).containsExactly("backfill-run-b.json");
    }
  }

  /** Takes a claim in its own process, says so, and waits to be killed. */
  public static final class ClaimAndWait {
    public static void main(String[] args) throws Exception {
      OutputClaims.claimBackfill(Path.of(args[0]), "other", null, null, Instant.now());
      System.out.print("claimed\n");
      System.out.flush();
      Thread.sleep(600_000);
    }
  }

  @Test
  void shouldRefuseToReplaceDaysALiveStreamMayStillWrite() throws Exception {
    // watermark 2026-03-09T12:00, horizon 3 days: the stream may still write 2026-03-06 on
    OutputClaims.writeStreamLease(
        output,
        "live",
        NOW.minusSeconds(60),
        Instant.parse("2026-03-09T12:00:00Z"),
        Duration.ofDays(3),
        Duration.ofHours(1));
    assertThat(Files.readString(output.resolve("_writers/stream-live.json")))
        .contains("\"writes_from\":\"2026-03-06\"", "\"stale_after_ms\":3600000");
    assertThatThrownBy(
            () -> OutputClaims.claimBackfill(output, "r", d("2026-03-04"), d("2026-03-06"), NOW))
        .isInstanceOf(OutputBusyException.class)
        .hasMessageContaining("stream run live may still write the days from 2026-03-06 on")
        .hasMessageContaining("overlaps this run's 2026-03-04..2026-03-06")
        .hasMessageContaining("delete " + output.resolve("_writers/stream-live.json"))
        .hasMessageNotContaining("\n");
    assertThat(files()).containsExactly("stream-live.json");
    // days before the stream's open days are free
    try (OutputClaims.Claim c =
        OutputClaims.claimBackfill(output, "r", d("2026-03-01"), d("2026-03-05"), NOW)) {
      assertThat(c).isNotNull();
    }
    // a lease not refreshed within stale_after: that job no longer runs
    Instant later = NOW.plus(Duration.ofHours(2));
    try (OutputClaims.Claim c =
        OutputClaims.claimBackfill(output, "r", d("2026-03-04"), d("2026-03-06"), later)) {
      assertThat(c).isNotNull();
    }
    // a finished stream removes its lease
    OutputClaims.removeStreamLease(output, "live");
    assertThat(files()).isEmpty();
  }

  @Test
  void shouldRefuseEveryDayWhileAStreamHasNoWatermarkYet() throws Exception {
    OutputClaims.writeStreamLease(
        output, "young", NOW, null, Duration.ofDays(3), Duration.ofHours(1));
    assertThatThrownBy(
            () -> OutputClaims.claimBackfill(output, "r", d("2000-01-01"), d("2000-01-01"), NOW))
        .isInstanceOf(OutputBusyException.class)
        .hasMessageContaining("may still write any day (it has no watermark yet)");
  }

  @Test
  void shouldCatchAStreamThatStartedDuringTheBackfillWhenItRechecks() throws Exception {
    try (OutputClaims.Claim c =
        OutputClaims.claimBackfill(output, "r", d("2026-03-08"), d("2026-03-09"), NOW)) {
      c.recheck(NOW);
      OutputClaims.writeStreamLease(
          output,
          "late-starter",
          NOW,
          Instant.parse("2026-03-10T01:00:00Z"),
          Duration.ofDays(1),
          Duration.ofHours(1));
      assertThatThrownBy(() -> c.recheck(NOW))
          .isInstanceOf(OutputBusyException.class)
          .hasMessageContaining("stream run late-starter may still write the days from 2026-03-09");
    }
  }

  @Test
  void overlapsTreatsNullEndsAsUnbounded() {
    assertThat(OutputClaims.overlaps(d("2026-01-01"), d("2026-01-02"), d("2026-01-03"), null))
        .isFalse();
    assertThat(OutputClaims.overlaps(d("2026-01-01"), d("2026-01-03"), d("2026-01-03"), null))
        .isTrue();
    assertThat(OutputClaims.overlaps(null, d("2026-01-02"), d("2026-01-03"), d("2026-01-04")))
        .isFalse();
    assertThat(OutputClaims.overlaps(null, null, d("2026-01-03"), d("2026-01-04"))).isTrue();
    assertThat(OutputClaims.overlaps(d("2026-01-05"), null, null, d("2026-01-04"))).isFalse();
  }

  private List<String> files() throws Exception {
    File[] fs = output.resolve("_writers").toFile().listFiles();
    return fs == null
        ? List.of()
        : java.util.Arrays.stream(fs)
            .map(File::getName)
            .filter(n -> !n.startsWith("."))
            .sorted()
            .toList();
  }
}
