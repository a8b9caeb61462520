package dev.omnichannel.monitor.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.io.OutputBusyException;
import dev.omnichannel.monitor.io.OutputClaims;
import dev.omnichannel.monitor.testing.Duck;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Two backfills into the same output (README "Concurrent writers"): one over days another holds is
 * refused with exit 4 and a line naming the other run, and publishes nothing; two started together
 * over overlapping ranges never mix their partitions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConcurrentBackfillsITCase {
  private static final LocalDate D1 = LocalDate.of(2026, 3, 1);

  private Path dir;
  private Path input;
  private Path key;
  private Connection duck;

  @BeforeAll
  void generate(@TempDir Path dir) throws Exception {
    this.dir = dir;
    input = dir.resolve("input");
    Generator.generate(
        new GeneratorConfig(150, 6, 5L, D1, GeneratorConfig.Format.JSONL, false, 0.0, false, 0),
        input);
    key = dir.resolve("hmac.key");
    Files.writeString(key, "concurrent-backfills-itcase-key-0123456789\n");
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void close() throws Exception {
    duck.close();
  }

  private String[] args(Path out, LocalDate from, LocalDate to) {
    return new String[] {
      "backfill",
      "--input",
      input.resolve("events").toString(),
      "--output",
      out.toString(),
      "--from",
      from.toString(),
      "--to",
      to.toString(),
      "--parallelism",
      "1",
      "--hmac-key-file",
      key.toString()
    };
  }

  private record Exit(int code, String err) {}

  private static Exit execute(String... args) {
    StringWriter err = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    return new Exit(cl.execute(args), err.toString().strip());
  }

  @Test
  void aBackfillOverDaysAnotherHoldsShouldBeRefusedAndPublishNothing() throws Exception {
    Path out = dir.resolve("held");
    assertThat(execute(args(out, D1, D1.plusDays(5))).code()).isZero();
    Map<Path, byte[]> before = files(out);

    // Another backfill (here: its claim, taken as the runner takes it) holds days 3 to 4.
    try (OutputClaims.Claim other =
        OutputClaims.claimBackfill(out, "nightly", D1.plusDays(2), D1.plusDays(3), Instant.now())) {
      Exit refused = execute(args(out, D1.plusDays(3), D1.plusDays(5)));
      assertThat(refused.code()).isEqualTo(OutputBusyException.EXIT_CODE);
      assertThat(refused.err())
          .startsWith("error: output " + out + " is busy: backfill run nightly (pid ")
          .contains("is writing 2026-03-03..2026-03-04")
          .contains("overlaps this run's 2026-03-04..2026-03-06")
          .doesNotContain("\n", "Exception");
      // nothing published, nothing staged: the output is byte for byte as it was
      assertThat(files(out)).containsOnlyKeys(before.keySet());
      Map<Path, byte[]> after = files(out);
      before.forEach((p, b) -> assertThat(after.get(p)).as(p.toString()).isEqualTo(b));
      assertThat(out.resolve("_staging")).doesNotExist();

      // a backfill over other days runs beside it
      assertThat(execute(args(out, D1, D1.plusDays(1))).code()).isZero();
    }
    // released: the refused run now runs
    assertThat(execute(args(out, D1.plusDays(3), D1.plusDays(5))).code()).isZero();
    assertThat(out.resolve(OutputClaims.DIR)).isDirectoryNotContaining("glob:**.json");
  }

  @Test
  void twoBackfillsStartedTogetherOverOverlappingRangesShouldNeverMixPartitions() throws Exception {
    LocalDate aFrom = D1;
    LocalDate aTo = D1.plusDays(3);
    LocalDate bFrom = D1.plusDays(2);
    LocalDate bTo = D1.plusDays(5);
    Path refA = dir.resolve("ref-a");
    Path refB = dir.resolve("ref-b");
    assertThat(execute(args(refA, aFrom, aTo)).code()).isZero();
    assertThat(execute(args(refB, bFrom, bTo)).code()).isZero();

    Path out = dir.resolve("together");
    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    try {
      Future<Exit> a =
          pool.submit(
              () -> {
                go.await();
                return execute(args(out, aFrom, aTo));
              });
      Future<Exit> b =
          pool.submit(
              () -> {
                go.await();
                return execute(args(out, bFrom, bTo));
              });
      go.countDown();
      List<Exit> exits = List.of(a.get(), b.get());
      System.out.println("two backfills started together: " + exits);
      // Each either ran or was refused (exit 4, naming the other); at least one ran.
      assertThat(exits).extracting(Exit::code).allMatch(c -> c == 0 || c == 4).contains(0);
      for (Exit e : exits) {
        if (e.code() == 4) {
          assertThat(e.err()).contains("is busy: backfill run ").doesNotContain("\n");
        }
      }
      // Every published partition is whole: the rows of one run's partition, never a mix.
      for (String table : Table.backfillTables()) {
        for (String dt : partitions(out.resolve(table))) {
          List<String> rows = rows(out, table, dt);
          List<String> fromA = rows(refA, table, dt);
          List<String> fromB = rows(refB, table, dt);
          assertThat(rows.equals(fromA) || rows.equals(fromB))
              .as(table + "/" + dt + " is one run's partition")
              .isTrue();
        }
      }
      assertThat(partitions(out.resolve("events"))).isNotEmpty();
      assertThat(out.resolve("_staging")).doesNotExist();
      assertThat(out.resolve("_trash")).doesNotExist();
    } finally {
      pool.shutdownNow();
    }
  }

  private List<String> rows(Path out, String table, String dt) throws Exception {
    Path p = out.resolve(table).resolve(dt);
    if (!Files.isDirectory(p)) {
      return List.of();
    }
    return Duck.rows(
        duck,
        "SELECT "
            + Duck.comparable(table)
            + " FROM read_parquet('"
            + p
            + "/*.parquet') ORDER BY ALL");
  }

  private static List<String> partitions(Path table) throws Exception {
    if (!Files.isDirectory(table)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(table)) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("dt="))
          .sorted()
          .toList();
    }
  }

  private static Map<Path, byte[]> files(Path out) throws Exception {
    Map<Path, byte[]> m = new TreeMap<>();
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(out)) {
      s.filter(Files::isRegularFile)
          .filter(p -> !p.startsWith(out.resolve(OutputClaims.DIR)))
          .forEach(all::add);
    }
    for (Path p : all) {
      m.put(out.relativize(p), Files.readAllBytes(p));
    }
    return m;
  }
}
