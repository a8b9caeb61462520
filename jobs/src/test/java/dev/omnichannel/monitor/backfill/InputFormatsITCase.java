package dev.omnichannel.monitor.backfill;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.io.ParquetFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The other input encodings through the real backfill: Avro container files and gzipped JSON Lines,
 * each with broken records, against the generator's ground truth.
 */
class InputFormatsITCase {
  @TempDir Path dir;

  @ParameterizedTest(name = "{0} gzip={1}")
  @CsvSource({"AVRO, false", "JSONL, true"})
  void shouldAccountForEveryRecordAndRebuildTheJourneys(GeneratorConfig.Format format, boolean gzip)
      throws Exception {
    Path input = dir.resolve("input");
    GroundTruth truth =
        Generator.generate(
            new GeneratorConfig(
                150, 45, 5L, GeneratorConfig.defaults().start(), format, gzip, 0.05, true, 0),
            input);
    Path key = dir.resolve("key");
    Files.writeString(key, "input-formats-itcase-key-0123");
    Path out = dir.resolve("out");
    int code =
        Main.execute(
            "backfill",
            "--input",
            input.resolve("events").toString(),
            "--output",
            out.toString(),
            "--parallelism",
            "2",
            "--hmac-key-file",
            key.toString());
    assertThat(code).isZero();
    RunSummary s;
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      s = RunSummary.read(runs.findFirst().orElseThrow());
    }
    assertThat(s.accounting.inputRecords).isEqualTo(truth.counts().records());
    assertThat(s.accounting.acceptedEvents).isEqualTo(truth.counts().acceptedEvents());
    assertThat(s.accounting.duplicates).isEqualTo(truth.counts().duplicates());
    assertThat(s.accounting.deadLetters).isEqualTo(truth.counts().deadLetters()).isPositive();
    assertThat(s.accounting.balanced()).isTrue();

    Map<String, Long> expectedReasons =
        truth.badRecords().stream()
            .filter(b -> b.expected().equals("dead_letter"))
            .collect(
                Collectors.groupingBy(
                    GroundTruth.BadRecord::reasonCode, TreeMap::new, Collectors.counting()));
    assertThat(s.deadLettersByReason).isEqualTo(expectedReasons);

    long journeys = truth.persons().stream().mapToLong(p -> p.journeys().size()).sum();
    long converted =
        truth.persons().stream()
            .flatMap(p -> p.journeys().stream())
            .filter(j -> j.status().equals("CONVERTED"))
            .count();
    assertThat(s.journeysByStatus.values().stream().mapToLong(Long::longValue).sum())
        .isEqualTo(journeys);
    assertThat(s.conversions).isEqualTo(converted);
    assertThat(s.persons).isEqualTo(truth.persons().size());

    List<Path> files = new java.util.ArrayList<>();
    try (Stream<Path> parts = Files.walk(out.resolve("events"))) {
      parts.filter(p -> p.toString().endsWith(".parquet")).forEach(files::add);
    }
    List<GenericRecord> rows = ParquetFiles.readAll(files);
    assertThat(rows).hasSize((int) truth.counts().acceptedEvents());
  }

  @Test
  void damagedFilesShouldBeDeadLettersAndTheRunShouldGoOn() throws Exception {
    Path input = dir.resolve("input");
    GroundTruth truth =
        Generator.generate(
            new GeneratorConfig(
                80,
                10,
                6L,
                GeneratorConfig.defaults().start(),
                GeneratorConfig.Format.JSONL,
                false,
                0.0,
                true,
                0),
            input);
    Path events = input.resolve("events");
    // a file named as gzip that is not, and one cut off midway: everything before the damage
    // counts, the damage itself is one dead letter each
    Files.writeString(events.resolve("notgz.jsonl.gz"), "{\"event_id\":\"x\"}\n");
    Path cut = events.resolve("cut.jsonl.gz");
    try (java.io.OutputStream o = new java.util.zip.GZIPOutputStream(Files.newOutputStream(cut))) {
      for (int i = 0; i < 5_000; i++) {
        o.write(("{\"pad\":\"" + Integer.toHexString(i * 7919) + "\"}\n").getBytes());
      }
    }
    byte[] whole = Files.readAllBytes(cut);
    Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2));
    Path key = dir.resolve("key");
    Files.writeString(key, "input-formats-itcase-key-0123");
    Path out = dir.resolve("out-damaged");
    assertThat(
            Main.execute(
                "backfill",
                "--input",
                events.toString(),
                "--output",
                out.toString(),
                "--hmac-key-file",
                key.toString()))
        .isZero();
    RunSummary s;
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      s = RunSummary.read(runs.findFirst().orElseThrow());
    }
    assertThat(s.accounting.balanced()).isTrue();
    assertThat(s.accounting.acceptedEvents).isEqualTo(truth.counts().acceptedEvents());
    assertThat(s.unreadableFiles)
        .hasSize(2)
        .anySatisfy(f -> assertThat(f).startsWith(cut + ":").contains("EOFException"))
        .anySatisfy(
            f ->
                assertThat(f)
                    .startsWith(events.resolve("notgz.jsonl.gz") + " (")
                    .contains("ZipException"));
    // a scheduler that wants to hear about it: same run, exit 3, tables published all the same
    Path strict = dir.resolve("out-strict");
    assertThat(
            Main.execute(
                "backfill",
                "--input",
                events.toString(),
                "--output",
                strict.toString(),
                "--hmac-key-file",
                key.toString(),
                "--fail-on-unreadable-input"))
        .isEqualTo(3);
    assertThat(strict.resolve("events")).isDirectory();
    // the cut file's readable lines are records without an event: dead letters of their own
    long cutLines = s.accounting.inputRecords - truth.counts().records() - 2;
    assertThat(cutLines).isPositive().isLessThan(5_000);
    assertThat(s.accounting.deadLetters).isEqualTo(cutLines + 2);

    List<Path> files = new java.util.ArrayList<>();
    try (Stream<Path> parts = Files.walk(out.resolve("dead_letters"))) {
      parts.filter(p -> p.toString().endsWith(".parquet")).forEach(files::add);
    }
    List<String> unreadable =
        ParquetFiles.readAll(files).stream()
            .map(r -> r.get("source") + " | " + r.get("reason"))
            .filter(x -> x.contains("unreadable file"))
            .sorted()
            .toList();
    assertThat(unreadable)
        .hasSize(2)
        .anySatisfy(
            x ->
                assertThat(x)
                    .startsWith(cut + ":" + (cutLines + 1) + " | ")
                    .contains("from line " + (cutLines + 1) + " on: EOFException"))
        .anySatisfy(
            x ->
                assertThat(x)
                    .startsWith(events.resolve("notgz.jsonl.gz") + " | ")
                    .contains("ZipException: Not in GZIP format"));
  }
}
