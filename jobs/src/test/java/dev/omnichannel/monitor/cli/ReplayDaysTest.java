package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** {@code backfill --replay-days N [--today DATE]}: the range it resolves to, and its errors. */
class ReplayDaysTest {
  @TempDir Path dir;

  @BeforeAll
  static void cores() {
    if (System.getProperty("omni.cores") == null) {
      System.setProperty("omni.cores", "2");
    }
  }

  private static BackfillCommand parse(Clock clock, String... flags) {
    BackfillCommand cmd = new BackfillCommand();
    if (clock != null) {
      cmd.clock = clock;
    }
    List<String> args = new ArrayList<>(List.of("--input", "in", "--output", "out"));
    args.addAll(List.of(flags));
    new CommandLine(cmd).parseArgs(args.toArray(String[]::new));
    return cmd;
  }

  private static BackfillCommand.Range range(String... flags) {
    return parse(null, flags).range();
  }

  private static BackfillCommand.Range range(LocalDate from, LocalDate to) {
    return new BackfillCommand.Range(from, to);
  }

  @Test
  void shouldReplayTheLastNCompleteUtcDaysBeforeToday() {
    assertThat(range("--replay-days", "3", "--today", "2026-03-10"))
        .isEqualTo(range(LocalDate.of(2026, 3, 7), LocalDate.of(2026, 3, 9)));
    assertThat(range("--replay-days", "1", "--today", "2026-03-10"))
        .isEqualTo(range(LocalDate.of(2026, 3, 9), LocalDate.of(2026, 3, 9)));
    // Across a month end, a leap day and a year end.
    assertThat(range("--replay-days", "2", "--today", "2024-03-01"))
        .isEqualTo(range(LocalDate.of(2024, 2, 28), LocalDate.of(2024, 2, 29)));
    assertThat(range("--today", "2026-01-02", "--replay-days", "7"))
        .isEqualTo(range(LocalDate.of(2025, 12, 26), LocalDate.of(2026, 1, 1)));
  }

  @Test
  void withoutTodayShouldCountBackFromTheUtcDateOfTheClock() {
    // 23:30 UTC on 2026-01-01 is already 2026-01-02 in Kiritimati (UTC+14): the UTC date counts.
    Clock lateEvening =
        Clock.fixed(Instant.parse("2026-01-01T23:30:00Z"), ZoneId.of("Pacific/Kiritimati"));
    assertThat(parse(lateEvening, "--replay-days", "3").range())
        .isEqualTo(range(LocalDate.of(2025, 12, 29), LocalDate.of(2025, 12, 31)));
    // 00:30 UTC on 2026-03-10 is still 2026-03-09 in New York: the UTC date counts.
    Clock earlyMorning =
        Clock.fixed(Instant.parse("2026-03-10T00:30:00Z"), ZoneId.of("America/New_York"));
    assertThat(parse(earlyMorning, "--replay-days", "3").range())
        .isEqualTo(range(LocalDate.of(2026, 3, 7), LocalDate.of(2026, 3, 9)));
  }

  @Test
  void fromAndToShouldPassThroughWithoutReplayDays() {
    assertThat(range("--from", "2026-01-05", "--to", "2026-01-07"))
        .isEqualTo(range(LocalDate.of(2026, 1, 5), LocalDate.of(2026, 1, 7)));
    assertThat(range()).isEqualTo(range(null, null));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--replay-days 3 --from 2026-03-01|--replay-days 3 cannot be combined with --from 2026-03-01",
        "--replay-days 3 --to 2026-03-09|--replay-days 3 cannot be combined with --to 2026-03-09",
        "--from 2026-03-01 --to 2026-03-09 --replay-days 2"
            + "|--replay-days 2 cannot be combined with --from 2026-03-01",
        "--replay-days 0|--replay-days must be at least 1, got 0",
        "--replay-days -2|--replay-days must be at least 1, got -2",
        "--replay-days three|--replay-days must be a whole number of days, at least 1, got 'three'",
        "--replay-days 2.5|--replay-days must be a whole number of days, at least 1, got '2.5'",
        "--replay-days 99999999999"
            + "|--replay-days must be a whole number of days, at least 1, got '99999999999'",
        "--today 2026-03-10|--today 2026-03-10 applies only with --replay-days"
      })
  void shouldNameABadOrConflictingValueAndExit2(String flags, String message) throws Exception {
    Path key = dir.resolve("k");
    Files.writeString(key, "0123456789abcdef0123");
    Path events = dir.resolve("e.jsonl");
    Files.writeString(events, "{}\n");
    List<String> args =
        new ArrayList<>(
            List.of(
                "backfill",
                "--input",
                events.toString(),
                "--output",
                dir.resolve("o").toString(),
                "--hmac-key-file",
                key.toString()));
    args.addAll(List.of(flags.split(" ")));
    CliTest.Run r = CliTest.run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo("error: " + message + System.lineSeparator())
        .doesNotContain("Exception", "\tat ");
    assertThat(dir.resolve("o")).doesNotExist();
  }

  @Test
  void aBadTodayShouldBeNamed() {
    CliTest.Run r =
        CliTest.run(
            "backfill", "--input", "x", "--output", "y", "--replay-days", "3", "--today", "3/10");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("'3/10'", "--today").doesNotContain("\tat ");
  }

  @Test
  void helpShouldExplainBothFlags() {
    CliTest.Run r = CliTest.run("backfill", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out().replaceAll("\\s+", " "))
        .contains("--replay-days=N", "--today=DATE", "(default: the current UTC date)");
  }

  @Test
  void theRangeErrorShouldBeAUserException() {
    assertThat(catchThrowable(() -> range("--replay-days", "0")))
        .isInstanceOf(UserException.class)
        .hasMessage("--replay-days must be at least 1, got 0");
  }
}
