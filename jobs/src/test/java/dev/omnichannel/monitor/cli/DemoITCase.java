package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.generate.GroundTruth;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, minus the build: {@code demo} on an empty output directory. */
class DemoITCase {
  @TempDir Path dir;

  @Test
  void shouldWriteDatePartitionedParquetAndPrintABalancedSummary() throws Exception {
    Path out = dir.resolve("output");
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = Main.execute("demo", "--output", out.toString(), "--customers", "150", "--days", "30");
    } finally {
      System.setOut(original);
    }
    String printed = captured.toString(StandardCharsets.UTF_8);
    assertThat(code).as(printed).isZero();
    assertThat(printed)
        .contains("DEMO key", "input records", "accepted events", "persons", "journeys")
        .contains("conversions", "top channel paths", "balanced");
    for (String table : List.of("events", "journeys", "dead_letters")) {
      try (Stream<Path> parts = Files.list(out.resolve(table))) {
        List<Path> dts = parts.toList();
        assertThat(dts).isNotEmpty();
        assertThat(dts)
            .allSatisfy(
                p -> assertThat(p.getFileName().toString()).matches("dt=\\d{4}-\\d{2}-\\d{2}"));
        try (Stream<Path> files = Files.list(dts.get(0))) {
          assertThat(files.map(f -> f.getFileName().toString()))
              .allMatch(n -> n.endsWith(".parquet"));
        }
      }
    }
    Path summary;
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      summary = runs.findFirst().orElseThrow();
    }
    JsonNode s = new ObjectMapper().readTree(summary.toFile());
    assertThat(s.get("mode").asText()).isEqualTo("backfill");
    assertThat(s.get("accounting").get("balanced").asBoolean()).isTrue();
    assertThat(s.get("accounting").get("dead_letters").asLong()).isPositive();
    assertThat(out.resolve("_staging")).doesNotExist();

    // The legacy call log joins the timeline: each accepted row is one event of its person, and
    // every such person also has digital events; each broken row is a mapping dead letter.
    GroundTruth truth = GroundTruth.read(out.resolve("_demo_input").resolve("ground-truth.json"));
    List<GroundTruth.LegacyRow> rows = truth.legacyRows();
    assertThat(rows).isNotEmpty();
    assertThat(rows).allMatch(r -> r.file().equals("contact-centre-calls.csv"));
    List<GroundTruth.LegacyRow> accepted =
        rows.stream().filter(r -> r.expected().equals("accepted")).toList();
    long persons = accepted.stream().map(GroundTruth.LegacyRow::person).distinct().count();
    assertThat(printed)
        .contains(
            String.format(
                "legacy source      contact-centre: %,d events of %,d persons, %,d of them joined"
                    + " to the same person's digital events",
                accepted.size(), persons, persons));
    long broken = rows.size() - accepted.size();
    assertThat(s.get("dead_letters_by_reason").path("mapping").asLong(0)).isEqualTo(broken);
  }
}
