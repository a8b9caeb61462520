package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.io.OutputClaims;
import dev.omnichannel.monitor.io.ParquetFiles;
import dev.omnichannel.monitor.io.PartitionCommitter;
import dev.omnichannel.monitor.report.ReportData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention through the real commands: a backfill of ten generated days, then {@code expire
 * --retention-days 3 --today <the day after the data>}. Exactly the partitions dated before the
 * cutoff go, from every table; every other file is byte for byte the same; the run summary names
 * the partitions and rows removed per table; a second run removes nothing; a dry run and a run
 * refused by a live backfill over old days remove nothing.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExpireITCase {
  private static final String KEY = "expire-itcase-hmac-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final LocalDate START = LocalDate.of(2026, 3, 1);
  private static final int DAYS = 10;
  private static final LocalDate TODAY = START.plusDays(DAYS); // 2026-03-11
  private static final LocalDate KEEP_FROM = TODAY.minusDays(3); // 2026-03-08

  private Path out;

  /** Per table, per dt= folder name, its rows, before expiring. */
  private Map<String, Map<String, Long>> before;

  private Map<String, String> filesBefore;

  @BeforeAll
  void backfill(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("input");
    Generator.generate(
        new GeneratorConfig(
            60, DAYS, 9L, START, GeneratorConfig.Format.JSONL, false, 0.03, false, 0),
        input);
    Path key = Files.writeString(dir.resolve("hmac.key"), KEY + "\n");
    out = dir.resolve("out");
    assertThat(
            Main.execute(
                "backfill",
                "--input",
                input.resolve("events").toString(),
                "--output",
                out.toString(),
                "--parallelism",
                "2",
                "--hmac-key-file",
                key.toString()))
        .isZero();
    before = partitionRows();
    filesBefore = checksums();
  }

  /** Per table, per dt= folder, the rows of its Parquet files. */
  private Map<String, Map<String, Long>> partitionRows() throws Exception {
    Map<String, Map<String, Long>> m = new TreeMap<>();
    for (String table : Table.allTables()) {
      Map<String, Long> dts = new TreeMap<>();
      Path t = out.resolve(table);
      if (Files.isDirectory(t)) {
        try (Stream<Path> s = Files.list(t)) {
          for (Path p : s.toList()) {
            dts.put(
                p.getFileName().toString(),
                ParquetFiles.rowCount(PartitionCommitter.parquetFiles(p)));
          }
        }
      }
      m.put(table, dts);
    }
    return m;
  }

  /** Every file under the output but the run summaries and claims: relative path → SHA-256. */
  private Map<String, String> checksums() throws Exception {
    Map<String, String> m = new TreeMap<>();
    try (Stream<Path> s = Files.walk(out)) {
      for (Path p : s.filter(Files::isRegularFile).toList()) {
        String rel = out.relativize(p).toString();
        if (!rel.startsWith("_runs") && !rel.startsWith("_writers")) {
          m.put(
              rel,
              HexFormat.of()
                  .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p))));
        }
      }
    }
    return m;
  }

  private List<Path> summaries(String mode) throws Exception {
    List<Path> out2 = new ArrayList<>();
    try (Stream<Path> s = Files.list(out.resolve("_runs"))) {
      for (Path p : s.sorted().toList()) {
        if (JSON.readTree(p.toFile()).get("mode").asText().equals(mode)) {
          out2.add(p);
        }
      }
    }
    return out2;
  }

  private CliTest.Run expire(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "expire",
                "--output",
                out.toString(),
                "--retention-days",
                "3",
                "--today",
                TODAY.toString()));
    args.addAll(List.of(more));
    return CliTest.run(args.toArray(String[]::new));
  }

  /**
   * One test, in order, since each step works on what the one before left: refused, dry run,
   * expire, again.
   */
  @Test
  void expiresExactlyThePartitionsBeforeTheCutoffFromEveryTableOnceAndOnlyWhenFree()
      throws Exception {
    // what must go: every dt= before 2026-03-08, and the data spans 2026-03-01 .. 2026-03-10
    Map<String, Long> partitions = new LinkedHashMap<>();
    Map<String, Long> rows = new LinkedHashMap<>();
    TreeSet<String> days = new TreeSet<>();
    for (String table : Table.allTables()) {
      long p = 0;
      long n = 0;
      for (Map.Entry<String, Long> e : before.get(table).entrySet()) {
        LocalDate d = LocalDate.parse(e.getKey().substring(3));
        if (d.isBefore(KEEP_FROM)) {
          p++;
          n += e.getValue();
          days.add(d.toString());
        }
      }
      partitions.put(table, p);
      rows.put(table, n);
    }
    assertThat(before.get("events").keySet())
        .as("the backfill wrote every day")
        .hasSize(DAYS)
        .first()
        .isEqualTo("dt=" + START);
    assertThat(partitions.get("events")).isEqualTo(7);
    assertThat(rows.get("events")).isPositive();
    assertThat(rows.get("journeys")).isPositive();
    assertThat(partitions.get("late_events")).isZero(); // a backfill writes none

    // 1. a live backfill claim over an old day: refused with exit 4, nothing removed
    try (OutputClaims.Claim other =
        OutputClaims.claimBackfill(
            out, "backfill-other", START.plusDays(2), START.plusDays(2), Instant.now())) {
      CliTest.Run busy = expire();
      assertThat(busy.code()).isEqualTo(4);
      assertThat(busy.err().lines().toList()).hasSize(1);
      assertThat(busy.err()).contains("busy", "backfill-other");
    }
    assertThat(checksums()).isEqualTo(filesBefore);
    assertThat(summaries("expire")).isEmpty();

    // a live claim over kept days only does not stand in the way (checked in step 3)
    try (OutputClaims.Claim recent =
        OutputClaims.claimBackfill(out, "backfill-recent", KEEP_FROM, null, Instant.now())) {
      // 2. dry run: prints the plan, removes nothing, writes no summary
      CliTest.Run dry = expire("--dry-run");
      assertThat(dry.code()).as(dry.err()).isZero();
      long totalRows = rows.values().stream().mapToLong(Long::longValue).sum();
      long totalPartitions = partitions.values().stream().mapToLong(Long::longValue).sum();
      assertThat(dry.out())
          .contains(
              String.format(
                  "would remove       %,d partitions, %,d rows  (days %s .. %s)",
                  totalPartitions, totalRows, days.first(), days.last()))
          .contains("dry run: nothing removed");
      assertThat(checksums()).isEqualTo(filesBefore);
      assertThat(summaries("expire")).isEmpty();

      // 3. expire
      CliTest.Run run = expire();
      assertThat(run.code()).as(run.err()).isZero();
      assertThat(run.out())
          .contains(
              String.format(
                  "removed            %,d partitions, %,d rows", totalPartitions, totalRows));
    }
    Map<String, Map<String, Long>> after = partitionRows();
    for (String table : Table.allTables()) {
      Map<String, Long> kept = new TreeMap<>();
      before
          .get(table)
          .forEach(
              (dt, n) -> {
                if (!LocalDate.parse(dt.substring(3)).isBefore(KEEP_FROM)) {
                  kept.put(dt, n);
                }
              });
      assertThat(after.get(table)).as(table).isEqualTo(kept);
    }
    Map<String, String> files = checksums();
    Map<String, String> expectedFiles = new TreeMap<>();
    filesBefore.forEach(
        (f, sum) -> {
          String[] parts = f.split("/");
          boolean expired =
              parts.length >= 2
                  && parts[1].startsWith("dt=")
                  && LocalDate.parse(parts[1].substring(3)).isBefore(KEEP_FROM);
          if (!expired) {
            expectedFiles.put(f, sum);
          }
        });
    assertThat(files).isEqualTo(expectedFiles);
    assertThat(out.resolve("_trash")).doesNotExist();

    List<Path> runs = summaries("expire");
    assertThat(runs).hasSize(1);
    JsonNode s = JSON.readTree(runs.get(0).toFile());
    assertThat(s.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(s.get("range").get("to").asText()).isEqualTo(KEEP_FROM.minusDays(1).toString());
    JsonNode e = s.get("expired");
    assertThat(e.get("retention_days").asInt()).isEqualTo(3);
    assertThat(e.get("today").asText()).isEqualTo(TODAY.toString());
    assertThat(e.get("keep_from").asText()).isEqualTo(KEEP_FROM.toString());
    assertThat(JSON.convertValue(e.get("partitions_removed"), Map.class))
        .isEqualTo(toIntegers(partitions));
    assertThat(JSON.convertValue(e.get("rows_removed"), Map.class)).isEqualTo(toIntegers(rows));
    assertThat(JSON.convertValue(e.get("days_removed"), List.class))
        .isEqualTo(new ArrayList<>(days));
    JsonNode a = s.get("accounting");
    assertThat(a.get("balanced").asBoolean()).isTrue();
    assertThat(a.get("input_records").asLong()).isZero();

    // the report still describes the backfill
    @SuppressWarnings("unchecked")
    Map<String, Object> report = (Map<String, Object>) ReportData.read(out).get("run");
    assertThat(report.get("mode")).isEqualTo("backfill");

    // 4. again: nothing more to remove; a summary with zeros
    CliTest.Run again = expire();
    assertThat(again.code()).as(again.err()).isZero();
    assertThat(checksums()).isEqualTo(files);
    List<Path> two = summaries("expire");
    assertThat(two).hasSize(2);
    JsonNode s2 = JSON.readTree(two.get(1).toFile()).get("expired");
    for (String table : Table.allTables()) {
      assertThat(s2.get("partitions_removed").get(table).asLong()).as(table).isZero();
      assertThat(s2.get("rows_removed").get(table).asLong()).as(table).isZero();
    }
    assertThat(s2.get("days_removed")).isEmpty();
  }

  /** JSON numbers read back as Integer when small: compare like with like. */
  private static Map<String, Object> toIntegers(Map<String, Long> m) {
    Map<String, Object> out = new LinkedHashMap<>();
    m.forEach((k, v) -> out.put(k, v <= Integer.MAX_VALUE ? (Object) v.intValue() : (Object) v));
    return out;
  }

  @Test
  void anOutputWithoutTablesIsRefusedBeforeAnyWork(@TempDir Path empty) {
    CliTest.Run r = CliTest.run("expire", "--output", empty.toString(), "--retention-days", "3");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "error: --output "
                + empty
                + " holds no output: no table folder (events, journeys, ...) and no _runs/");
    assertThat(empty).isEmptyDirectory();
  }
}
