package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import picocli.CommandLine;

/** Flags and configuration errors: a one-line message naming the bad value, a non-zero exit. */
class CliTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    if (System.getProperty("omni.cores") == null) {
      System.setProperty("omni.cores", "2");
    }
    CommandLine cl = Main.commandLine();
    cl.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    cl.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    int code = cl.execute(args);
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @ParameterizedTest
  @CsvSource({"demo", "generate", "backfill", "stream", "attribute", "bench", "explain"})
  void shouldExplainEverySubcommand(String command) {
    Run r = run(command, "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("Usage:", command, "--help");
  }

  @Test
  void shouldListSubcommandsAtTheTop() {
    Run r = run("--help");
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("demo", "generate", "backfill", "bench");
  }

  private Path events() throws Exception {
    Path f = dir.resolve("e.jsonl");
    Files.writeString(f, "{}\n");
    return f;
  }

  @Test
  void shouldNameAnUnknownFlag() {
    Run r = run("backfill", "--input", "x", "--output", "y", "--inptu", "z");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--inptu").doesNotContain("Exception", "\tat ");
  }

  @Test
  void shouldRefuseAnOutputUriItCannotWriteAndAcceptAFileUri() throws Exception {
    for (List<String> args : List.of(List.of("demo"))) {
      String cmd = args.get(0);
      List<String> all = new java.util.ArrayList<>(args);
      all.addAll(List.of("--output", "s3://bucket/omni"));
      Run r = run(all.toArray(String[]::new));
      assertThat(r.code()).as(cmd).isEqualTo(2);
      assertThat(r.err()).as(cmd).contains("s3://bucket/omni", "mount").doesNotContain("\tat ");
    }
    // backfill writes to object stores, but not through a scheme the S3 plugin does not serve
    Run gs = run("backfill", "--input", events().toString(), "--output", "gs://bucket/omni");
    assertThat(gs.code()).isEqualTo(2);
    assertThat(gs.err())
        .contains("gs://bucket/omni", "S3 interoperability")
        .doesNotContain("\tat ");
    Run keys = run("backfill", "--input", events().toString(), "--output", "s3://k:s3cr3t@bkt/x");
    assertThat(keys.code()).isEqualTo(2);
    assertThat(keys.err()).contains("no user, password or port").doesNotContain("s3cr3t", "\tat ");
    assertThat(new OutputLocation.Converter().convert("s3://lake/a/b/").uri())
        .isEqualTo("s3://lake/a/b");
    assertThat(new OutputLocation.Converter().convert(dir.toUri().toString()).local())
        .isEqualTo(dir);
    assertThat(new LocalPathConverter().convert(dir.toUri().toString())).isEqualTo(dir);
    assertThat(new LocalPathConverter().convert("out/x")).isEqualTo(Path.of("out/x"));
  }

  @Test
  void streamShouldTakeAnS3OutputAndRefuseOtherSchemesByName() {
    OutputLocation s3 = OutputLocation.parse("s3://lake/omni/out/");
    assertThat(s3.isObjectStore()).isTrue();
    assertThat(s3.value()).isEqualTo("s3://lake/omni/out");
    assertThat(s3.resolve("_checkpoints")).isEqualTo("s3://lake/omni/out/_checkpoints");
    assertThat(OutputLocation.parse("S3A://lake").value()).isEqualTo("s3a://lake");
    assertThat(OutputLocation.parse(dir.toUri().toString()).local()).isEqualTo(dir);
    assertThat(OutputLocation.parse("out/x").local()).isEqualTo(Path.of("out/x"));
    for (String[] c :
        new String[][] {
          {"gs://lake/out", "S3 interoperability endpoint"},
          {"hdfs://namenode/out", "s3://BUCKET/PREFIX"},
          {"s3:///out", "names no bucket"}
        }) {
      Run r = run("stream", "--bootstrap-servers", "127.0.0.1:9", "--topic", "t", "--output", c[0]);
      assertThat(r.code()).as(c[0]).isEqualTo(2);
      assertThat(r.err().lines().toList()).as(c[0]).hasSize(1);
      assertThat(r.err()).as(c[0]).contains("--output", c[0], c[1]).doesNotContain("\tat ");
    }
  }

  /**
   * Without Flink's S3 plugin, a stream to an object store stops before any work with one line
   * saying where the plugin was looked for: a user error, exit 2, no stack trace. (In a process of
   * its own: the file systems are registered once per process.)
   */
  @Test
  void aMissingS3PluginShouldBeAUserError() throws Exception {
    Path plugins = Files.createDirectories(dir.resolve("no-plugins"));
    Path key = Files.writeString(dir.resolve("hmac.key"), "cli-test-hmac-key-0123456789abcdef\n");
    ProcessBuilder pb =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "stream",
                "--bootstrap-servers",
                "127.0.0.1:9",
                "--topic",
                "t",
                "--hmac-key-file",
                key.toString(),
                "--output",
                "s3://lake/out")
            .redirectError(dir.resolve("err.txt").toFile())
            .redirectOutput(dir.resolve("out.txt").toFile());
    pb.environment().put("FLINK_PLUGINS_DIR", plugins.toString());
    pb.environment().remove("FLINK_CONF_DIR");
    pb.environment().remove("OMNI_DEBUG");
    Process p = pb.start();
    try {
      assertThat(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
      String err = Files.readString(dir.resolve("err.txt"));
      assertThat(p.exitValue()).as(err).isEqualTo(2);
      assertThat(err.lines().filter(l -> l.startsWith("error: ")).toList())
          .singleElement()
          .asString()
          .contains("S3 file system plugin", plugins.toAbsolutePath().toString());
      assertThat(err).doesNotContain("\tat ", "Exception");
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void shouldNameABadDate() throws Exception {
    Run r =
        run(
            "backfill",
            "--input",
            events().toString(),
            "--output",
            dir.toString(),
            "--from",
            "2026-13-01");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("2026-13-01").doesNotContain("\tat ");
  }

  @Test
  void shouldNameAMissingInput() {
    Run r =
        run(
            "backfill",
            "--input",
            dir.resolve("nope").toString(),
            "--output",
            dir.toString(),
            "--hmac-key-file",
            dir.resolve("k").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("error:").doesNotContain("\tat ");
  }

  @Test
  void shouldNameAnInputOfTheWrongKind() throws Exception {
    Path csv = dir.resolve("data.csv");
    Files.writeString(csv, "a,b\n");
    Path key = dir.resolve("k");
    Files.writeString(key, "0123456789abcdef0123");
    Run r =
        run(
            "backfill",
            "--input",
            csv.toString(),
            "--output",
            dir.resolve("o").toString(),
            "--hmac-key-file",
            key.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "error: --input "
                + csv
                + " is not an event file (expected *.avro, *.jsonl or *.jsonl.gz)"
                + System.lineSeparator());
  }

  @Test
  void shouldRefuseAReversedRange() throws Exception {
    Path key = dir.resolve("k");
    Files.writeString(key, "0123456789abcdef0123");
    Run r =
        run(
            "backfill",
            "--input",
            events().toString(),
            "--output",
            dir.resolve("o").toString(),
            "--from",
            "2026-02-01",
            "--to",
            "2026-01-01",
            "--hmac-key-file",
            key.toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--to 2026-01-01 is before --from 2026-02-01");
  }

  @Test
  void shouldNameABadDuration() throws Exception {
    Run r =
        run(
            "backfill",
            "--input",
            events().toString(),
            "--output",
            dir.toString(),
            "--touch-visit-timeout",
            "soon");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("'soon' is not a duration").doesNotContain("\tat ");
  }

  @Test
  void shouldNameABadNamespaceLimitAndDimension() throws Exception {
    Path key = dir.resolve("k");
    Files.writeString(key, "0123456789abcdef0123");
    Run r =
        run(
            "backfill",
            "--input",
            events().toString(),
            "--output",
            dir.resolve("o").toString(),
            "--hmac-key-file",
            key.toString(),
            "--namespace-limit",
            "cookie_id=lots");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--namespace-limit cookie_id=lots");
    r =
        run(
            "backfill",
            "--input",
            events().toString(),
            "--output",
            dir.resolve("o").toString(),
            "--hmac-key-file",
            key.toString(),
            "--attribution-dimension",
            "weather");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("'weather'");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--attribution-models|LINEAR,MAGIC|unknown attribution model 'MAGIC'",
        "--markov-order|5|--markov-order must be between 1 and 4, got 5",
        "--markov-order|0|--markov-order must be between 1 and 4, got 0",
        "--attribution-window|month|--attribution-window must be range, day or week, got 'month'",
        "--attribution-half-life|0s|'0s' is not a positive duration"
      })
  void shouldNameABadAttributionSetting(String flag, String value, String message)
      throws Exception {
    Path key = dir.resolve("k");
    Files.writeString(key, "0123456789abcdef0123");
    Run r =
        run(
            "backfill",
            "--input",
            events().toString(),
            "--output",
            dir.resolve("o").toString(),
            "--hmac-key-file",
            key.toString(),
            flag,
            value);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains(message).doesNotContain("Exception", "\tat ");
  }

  @Test
  void benchShouldTimeTheAttributionModelsOverPathData() throws Exception {
    Path csv = Path.of("src/test/resources/reference-data/channelattribution-paths/Data.csv");
    Run r = run("bench", "--attribution-paths", csv.toString(), "--repeat", "1");
    assertThat(r.code()).as(r.err()).isZero();
    // 12 channels: (start) plus 12 one-channel states at order 1.
    assertThat(r.out())
        .contains("10,000 rows", "12 channels", "| MARKOV order 1 | 13 |", "| MARKOV order 4 |");
    assertThat(run("bench", "--attribution-paths", "nope.csv").err())
        .contains("--attribution-paths nope.csv does not exist");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--group-id g|give either --topic (one or more) or --topic-pattern",
        "--topic t --topic-pattern x.*|give either --topic (one or more) or --topic-pattern",
        "--topic t --attribution-window range|--attribution-window range covers the whole input",
        "--topic t --starting-offsets yesterday|'yesterday'",
        "--topic t --max-restarts -1|--max-restarts must be at least 0, got -1",
        "--topic t --stitch-delay -5m|-5m",
        "--topic bad/name|bad/name"
      })
  void streamShouldNameABadSetting(String flags, String message) throws Exception {
    Path key = dir.resolve("k");
    Files.writeString(key, "0123456789abcdef0123");
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "stream",
                "--bootstrap-servers",
                "127.0.0.1:9",
                "--output",
                dir.resolve("o").toString(),
                "--hmac-key-file",
                key.toString()));
    args.addAll(List.of(flags.split(" ")));
    Run r = run(args.toArray(String[]::new));
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).contains(message).doesNotContain("Exception", "\tat ");
  }

  @Test
  void shouldRequireAnHmacKeyOfSomeLength() throws Exception {
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(() -> HmacKeys.resolve(null, Map.of())))
        .isInstanceOf(UserException.class)
        .hasMessageContaining("OMNI_HMAC_KEY");
    Path shortKey = dir.resolve("short");
    Files.writeString(shortKey, "abc\n");
    assertThat(
            org.assertj.core.api.Assertions.catchThrowable(
                () -> HmacKeys.resolve(shortKey, Map.of())))
        .hasMessage(
            "the HMAC key from --hmac-key-file " + shortKey + " is 3 bytes; use at least 16");
    assertThat(
            new String(
                HmacKeys.resolve(null, Map.of("OMNI_HMAC_KEY", "0123456789abcdef")),
                StandardCharsets.UTF_8))
        .isEqualTo("0123456789abcdef");
  }

  @Test
  void shouldParseDurationsInBothForms() {
    assertThat(DurationConverter.parse("30d")).isEqualTo(Duration.ofDays(30));
    assertThat(DurationConverter.parse("30m")).isEqualTo(Duration.ofMinutes(30));
    assertThat(DurationConverter.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(DurationConverter.parse("PT1H")).isEqualTo(Duration.ofHours(1));
    assertThat(DurationConverter.parse("2w")).isEqualTo(Duration.ofDays(14));
  }

  @Test
  void shouldResolveDirectoriesAndGlobsSkippingHiddenAndUnderscoreFiles() throws Exception {
    Path d = dir.resolve("data");
    Files.createDirectories(d.resolve("_staging"));
    Files.createDirectories(d.resolve("sub"));
    Files.writeString(d.resolve("a-2026-01-01.jsonl"), "");
    Files.writeString(d.resolve("sub/b-2026-01-02.jsonl.gz"), "");
    Files.writeString(d.resolve("c.avro"), "");
    Files.writeString(d.resolve("ground-truth.json.txt"), "");
    Files.writeString(d.resolve("_staging/x.jsonl"), "");
    Files.writeString(d.resolve(".hidden.jsonl"), "");
    assertThat(InputResolver.resolve(java.util.List.of(d.toString())))
        .containsExactly(
            d.resolve("a-2026-01-01.jsonl").toString(),
            d.resolve("c.avro").toString(),
            d.resolve("sub/b-2026-01-02.jsonl.gz").toString());
    assertThat(InputResolver.resolve(java.util.List.of(d + "/*-2026-01-0[12].jsonl*")))
        .containsExactly(d.resolve("a-2026-01-01.jsonl").toString());
    assertThat(InputResolver.resolve(java.util.List.of(d + "/**/*.jsonl*")))
        .containsExactly(d.resolve("sub/b-2026-01-02.jsonl.gz").toString());
  }
}
