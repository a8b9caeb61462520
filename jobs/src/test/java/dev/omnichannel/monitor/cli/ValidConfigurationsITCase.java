package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.patterns.PatternCatalogue;
import dev.omnichannel.monitor.patterns.PatternDef;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Legitimate but unusual configurations run through the real {@code backfill} command: no patterns
 * at all, no attribution model, a single model, a range without events. Each exits 0, balances its
 * books and writes exactly the tables its configuration asks for, with the same events and journeys
 * as a run with everything on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ValidConfigurationsITCase {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Path dir;
  private Path input;
  private Path key;
  private JsonNode full;

  @BeforeAll
  void generateAndRunEverything(@TempDir Path dir) throws Exception {
    this.dir = dir;
    input = dir.resolve("input");
    Generator.generate(
        new GeneratorConfig(
            200,
            10,
            9L,
            LocalDate.of(2026, 3, 1),
            GeneratorConfig.Format.JSONL,
            false,
            0.0,
            false,
            0),
        input);
    key = dir.resolve("hmac.key");
    Files.writeString(key, "valid-configurations-itcase-key-0123456789\n");
    full = backfill("full");
    assertThat(tables(full).get("journey_matches").asLong()).isPositive();
    assertThat(tables(full).get("friction").asLong()).isPositive();
    assertThat(tables(full).get("attribution_channel").asLong()).isPositive();
  }

  @Test
  void noPatternsAtAllShouldRunAndWriteNoMatches() throws Exception {
    Path off = dir.resolve("off.yaml");
    Files.writeString(
        off,
        "patterns:\n"
            + PatternCatalogue.builtin().patterns().stream()
                .map(PatternDef::name)
                .map(n -> "  - {name: " + n + ", enabled: false}\n")
                .collect(Collectors.joining()));
    JsonNode s = backfill("no-patterns", "--patterns", off.toString());
    assertThat(tables(s).get("journey_matches").asLong()).isZero();
    assertThat(tables(s).get("friction").asLong()).isZero();
    assertSameEventsAndJourneys(s);
    assertThat(tables(s).get("attribution").asLong())
        .isEqualTo(tables(full).get("attribution").asLong());
  }

  @Test
  void noAttributionModelShouldRunAndWriteNoCredit() throws Exception {
    JsonNode s = backfill("no-models", "--attribution-models", "none");
    assertThat(tables(s).get("attribution").asLong()).isZero();
    assertThat(tables(s).get("attribution_channel").asLong()).isZero();
    assertSameEventsAndJourneys(s);
    assertThat(tables(s).get("journey_matches").asLong())
        .isEqualTo(tables(full).get("journey_matches").asLong());
  }

  @Test
  void oneRuleBasedModelShouldCreditEveryConversionOnce() throws Exception {
    JsonNode s = backfill("linear", "--attribution-models", "LINEAR");
    assertThat(tables(s).get("attribution_channel").asLong()).isZero();
    assertThat(tables(s).get("attribution").asLong()).isPositive();
    assertThat(s.get("attributed_conversions").size()).as("models").isEqualTo(1);
    double credited = 0;
    for (JsonNode channel : s.get("attributed_conversions").get("LINEAR")) {
      assertThat(channel.asDouble()).isPositive();
      credited += channel.asDouble();
    }
    // the summary rounds each channel's credit to two decimals
    int channels = s.get("attributed_conversions").get("LINEAR").size();
    assertThat(credited).isCloseTo(s.get("conversions").asDouble(), within(0.005 * channels));
    assertSameEventsAndJourneys(s);
  }

  @Test
  void aRangeWithoutEventsShouldWriteEmptyTablesAndBalance() throws Exception {
    JsonNode s = backfill("empty-range", "--from", "2020-01-01", "--to", "2020-01-02");
    assertThat(tables(s).size()).isPositive();
    tables(s)
        .fields()
        .forEachRemaining(t -> assertThat(t.getValue().asLong()).as(t.getKey()).isZero());
    assertThat(s.get("accounting").get("out_of_range").asLong())
        .isEqualTo(s.get("accounting").get("input_records").asLong())
        .isEqualTo(full.get("accounting").get("input_records").asLong());
  }

  @Test
  void anEmptyInputDirectoryShouldWriteEmptyTablesAndBalance() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("no-exports-today"));
    JsonNode s = backfillOf(empty, "empty-input");
    assertThat(s.get("accounting").get("input_records").asLong()).isZero();
    assertThat(tables(s).size()).isPositive();
    tables(s)
        .fields()
        .forEachRemaining(t -> assertThat(t.getValue().asLong()).as(t.getKey()).isZero());
    assertThat(s.get("range").size()).as("no range: nothing published").isZero();
    // a directory with other files only is most likely the wrong one: refused
    Files.writeString(empty.resolve("README.txt"), "exports land here\n");
    assertThat(
            Main.execute(
                "backfill",
                "--input",
                empty.toString(),
                "--output",
                dir.resolve("out-readme").toString(),
                "--hmac-key-file",
                key.toString()))
        .isEqualTo(2);
  }

  private void assertSameEventsAndJourneys(JsonNode s) {
    assertThat(tables(s).get("events")).isEqualTo(tables(full).get("events"));
    assertThat(tables(s).get("journeys")).isEqualTo(tables(full).get("journeys"));
    assertThat(s.get("persons")).isEqualTo(full.get("persons"));
  }

  private static JsonNode tables(JsonNode summary) {
    return summary.get("tables");
  }

  private static org.assertj.core.data.Offset<Double> within(double d) {
    return org.assertj.core.data.Offset.offset(d);
  }

  private JsonNode backfill(String name, String... extra) throws Exception {
    return backfillOf(input.resolve("events"), name, extra);
  }

  private JsonNode backfillOf(Path events, String name, String... extra) throws Exception {
    Path out = dir.resolve("out-" + name);
    List<String> args =
        new ArrayList<>(
            List.of(
                "backfill",
                "--input",
                events.toString(),
                "--output",
                out.toString(),
                "--parallelism",
                "2",
                "--hmac-key-file",
                key.toString()));
    args.addAll(List.of(extra));
    assertThat(Main.execute(args.toArray(String[]::new))).as(name).isZero();
    JsonNode s;
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      s = JSON.readTree(runs.findFirst().orElseThrow().toFile());
    }
    assertThat(s.get("accounting").get("balanced").asBoolean()).as(name + " balanced").isTrue();
    return s;
  }
}
