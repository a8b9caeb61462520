package dev.omnichannel.monitor.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.io.ManifestCommitter;
import dev.omnichannel.monitor.io.ObjectStores;
import dev.omnichannel.monitor.testing.Await;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.S3Server;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A backfill to an object store (a real S3 API, S3Proxy) through Flink's S3 file system plugin,
 * read back the documented way (each partition's manifest, via {@code files}) with DuckDB: equal to
 * the same backfill to a local folder; a re-run publishes the same rows and leaves no old file; a
 * run killed midway leaves the published data as it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObjectStoreBackfillITCase {
  private static final LocalDate D1 = LocalDate.of(2026, 3, 1);
  private static final String OUT = "s3://lake/warehouse/omni";
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path dir;
  private Path input;
  private Path key;
  private Path local;
  private S3Server s3;
  private Connection duck;

  @BeforeAll
  void start(@TempDir Path dir) throws Exception {
    this.dir = dir;
    input = dir.resolve("input");
    Generator.generate(
        new GeneratorConfig(300, 5, 11L, D1, GeneratorConfig.Format.JSONL, false, 0.0, false, 0),
        input);
    key = dir.resolve("hmac.key");
    Files.writeString(key, "object-store-itcase-key-0123456789abcdef\n");
    s3 = S3Server.start(dir.resolve("s3"), "lake");
    Configuration conf = new Configuration();
    for (String line : s3.flinkConfig().split("\n")) {
      int c = line.indexOf(": ");
      conf.setString(line.substring(0, c), line.substring(c + 2));
    }
    ObjectStores.initialize(conf, Path.of("target/plugins"));
    duck = DriverManager.getConnection("jdbc:duckdb:");
    local = dir.resolve("local");
    assertThat(execute(args(input.resolve("events").toString(), local.toString())).code()).isZero();
  }

  @AfterAll
  void stop() throws Exception {
    duck.close();
    s3.close();
  }

  private String[] args(String in, String out) {
    return new String[] {
      "backfill",
      "--input",
      in,
      "--output",
      out,
      "--from",
      D1.toString(),
      "--to",
      D1.plusDays(4).toString(),
      "--parallelism",
      "2",
      "--hmac-key-file",
      key.toString()
    };
  }

  private record Exit(int code, String out, String err) {}

  private static Exit execute(String... args) {
    StringWriter err = new StringWriter();
    StringWriter out = new StringWriter();
    CommandLine cl = Main.commandLine();
    cl.setErr(new PrintWriter(err, true));
    cl.setOut(new PrintWriter(out, true));
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      int code = cl.execute(args);
      return new Exit(
          code, captured.toString(StandardCharsets.UTF_8) + out, err.toString().strip());
    } finally {
      System.setOut(stdout);
    }
  }

  /** The keys under the output, with their bytes' lengths, and the manifests' contents. */
  private Map<String, String> published() throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (String k : s3.keys("lake", "warehouse/omni/")) {
      if (k.contains("/_runs/") || k.contains("/_writers/")) {
        continue;
      }
      out.put(
          k,
          k.endsWith(ManifestCommitter.MANIFEST)
              ? new String(
                  s3.blobs().getBlob("lake", k).getPayload().openStream().readAllBytes(),
                  StandardCharsets.UTF_8)
              : String.valueOf(s3.blobs().blobMetadata("lake", k).getSize()));
    }
    return out;
  }

  /**
   * Downloads the files {@code files --table T} lists for every table into {@code target}, the way
   * an analyst's sync would, and returns it.
   */
  private Path mirror(String name) throws Exception {
    Path target = dir.resolve(name);
    for (String table : Table.backfillTables()) {
      Exit listed = execute("files", "--output", OUT, "--table", table);
      assertThat(listed.code()).as(listed.err()).isZero();
      for (String uri : listed.out().strip().lines().filter(l -> !l.isBlank()).toList()) {
        assertThat(uri).startsWith(OUT + "/" + table + "/dt=");
        String key = uri.substring("s3://lake/".length());
        s3.download("lake", key, target.resolve(key.substring("warehouse/omni/".length())));
      }
    }
    return target;
  }

  private void assertEqualsLocal(Path mirror) throws Exception {
    int compared = 0;
    for (String table : Table.backfillTables()) {
      if (ParquetFilesUnder.none(local.resolve(table))) {
        // a table this input fills with no rows: no committed file on the store either
        assertThat(mirror.resolve(table)).as(table).doesNotExist();
        continue;
      }
      List<String> expected = Duck.comparableRows(duck, local, table);
      assertThat(Duck.comparableRows(duck, mirror, table)).as(table).isEqualTo(expected);
      compared++;
    }
    assertThat(compared).as("tables with rows").isGreaterThanOrEqualTo(7);
  }

  /** Whether a folder holds no Parquet file at any depth. */
  private static final class ParquetFilesUnder {
    static boolean none(Path dir) throws java.io.IOException {
      if (!Files.isDirectory(dir)) {
        return true;
      }
      try (Stream<Path> s = Files.walk(dir)) {
        return s.noneMatch(p -> p.toString().endsWith(".parquet"));
      }
    }
  }

  @Test
  @Order(1)
  void aBackfillToS3ShouldReadBackEqualToTheLocalRunAndARerunShouldReplaceItExactly()
      throws Exception {
    Exit first = execute(args(input.resolve("events").toString(), OUT));
    assertThat(first.code()).as(first.err()).isZero();
    assertThat(first.out()).contains("output             " + OUT + "/<table>/dt=");
    assertEqualsLocal(mirror("mirror-1"));
    Map<String, String> afterFirst = published();
    // the run summary is on the store, balanced
    List<String> runs = s3.keys("lake", "warehouse/omni/_runs/");
    assertThat(runs).hasSize(1);
    JsonNode summary =
        JSON.readTree(s3.blobs().getBlob("lake", runs.get(0)).getPayload().openStream());
    assertThat(summary.get("status").asText()).isEqualTo("SUCCEEDED");
    assertThat(summary.get("accounting").get("balanced").asBoolean()).isTrue();
    // no staging, no claim left
    assertThat(s3.keys("lake", "warehouse/omni/_staging/")).isEmpty();
    assertThat(s3.keys("lake", "warehouse/omni/_writers/")).isEmpty();

    // a re-run: the same rows under new names, each partition's old files gone
    Exit second = execute(args(input.resolve("events").toString(), OUT));
    assertThat(second.code()).as(second.err()).isZero();
    assertEqualsLocal(mirror("mirror-2"));
    Map<String, String> afterSecond = published();
    List<String> firstFiles = parquetKeys(afterFirst);
    List<String> secondFiles = parquetKeys(afterSecond);
    assertThat(secondFiles).hasSameSizeAs(firstFiles).doesNotContainAnyElementsOf(firstFiles);
    for (Map.Entry<String, String> e : afterSecond.entrySet()) {
      if (e.getKey().endsWith(ManifestCommitter.MANIFEST)) {
        // every parquet object of the partition is in its manifest, and no other
        String partition = e.getKey().substring(0, e.getKey().lastIndexOf('/') + 1);
        List<String> listed = new ArrayList<>();
        JSON.readTree(e.getValue()).get("files").forEach(f -> listed.add(partition + f.asText()));
        assertThat(
                secondFiles.stream()
                    .filter(k -> k.startsWith(partition) && k.indexOf('/', partition.length()) < 0)
                    .toList())
            .as(partition)
            .containsExactlyInAnyOrderElementsOf(listed);
      }
    }
  }

  private static List<String> parquetKeys(Map<String, String> published) {
    return published.keySet().stream().filter(k -> k.endsWith(".parquet")).sorted().toList();
  }

  @Test
  @Order(2)
  void aRunKilledMidwayShouldLeavePublishedDataAsItWasAndTheNextRunShouldSucceed()
      throws Exception {
    // the input on the store too: read through the same plugin
    try (Stream<Path> files = Files.list(input.resolve("events"))) {
      for (Path f : files.sorted().toList()) {
        s3.blobs()
            .putBlob(
                "lake",
                s3.blobs()
                    .blobBuilder("landing/events/" + f.getFileName())
                    .payload(Files.readAllBytes(f))
                    .build());
      }
    }
    Map<String, String> before = published();
    assertThat(parquetKeys(before)).isNotEmpty();
    List<String> runsBefore = s3.keys("lake", "warehouse/omni/_runs/");

    Path conf = dir.resolve("flink-conf");
    Files.createDirectories(conf);
    Files.writeString(conf.resolve("config.yaml"), s3.flinkConfig());
    ProcessBuilder pb =
        new ProcessBuilder(
            new ArrayList<>(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-jar",
                    Path.of("target/omnichannel-monitor.jar").toAbsolutePath().toString())));
    pb.command().addAll(List.of(args("s3://lake/landing/events", OUT)));
    pb.environment().put("FLINK_CONF_DIR", conf.toString());
    pb.environment()
        .put("FLINK_PLUGINS_DIR", Path.of("target/plugins").toAbsolutePath().toString());
    pb.redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("killed-run.log").toFile());
    Process run = pb.start();
    try {
      // its claim is up: it has checked its flags and is running the job
      Await.until(
          "the claim of the backfill to kill",
          () -> !s3.keys("lake", "warehouse/omni/_writers/").isEmpty() || !run.isAlive());
      Thread.sleep(1500);
      assertThat(run.isAlive()).as(Files.readString(dir.resolve("killed-run.log"))).isTrue();
    } finally {
      run.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
    // killed before it published: no summary of its own, and the published data is as it was
    assertThat(s3.keys("lake", "warehouse/omni/_runs/")).isEqualTo(runsBefore);
    assertThat(published()).isEqualTo(before);
    assertEqualsLocal(mirror("mirror-killed"));

    // the next run over the same days is not refused by the dead run's claim, and publishes
    Exit next = execute(args("s3://lake/landing/events", OUT));
    assertThat(next.code()).as(next.err()).isZero();
    assertEqualsLocal(mirror("mirror-after"));
    assertThat(s3.keys("lake", "warehouse/omni/_staging/")).isEmpty();
    assertThat(s3.keys("lake", "warehouse/omni/_writers/")).isEmpty();
  }
}
