package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.attribution.AttributionModel;
import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.attribution.ChannelCredit;
import dev.omnichannel.monitor.attribution.MarkovModel;
import dev.omnichannel.monitor.attribution.ModelCredit;
import dev.omnichannel.monitor.attribution.PathAttribution;
import dev.omnichannel.monitor.attribution.PathCsv;
import dev.omnichannel.monitor.attribution.PathStat;
import dev.omnichannel.monitor.cli.CliTest.Run;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code attribute} command end to end: files in, the printed table and the CSV out. */
class AttributeCommandTest {
  private static final String HEADER = "path;total_conversions;total_conversion_value;total_null";
  private static final double EXACT = 1e-12;

  @TempDir Path dir;

  /** One line of the output CSV. */
  record Row(
      String model,
      String channel,
      double conversions,
      double value,
      String removal,
      String valueRemoval) {}

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(AttributeCommandTest.class.getResource("/reference-data/" + name).toURI());
  }

  private static Path dataCsv() throws URISyntaxException {
    return resource("channelattribution-paths/Data.csv");
  }

  private Path write(String name, String text) throws Exception {
    Path f = dir.resolve(name);
    Files.writeString(f, text, StandardCharsets.UTF_8);
    return f;
  }

  /** Runs {@code attribute --input in --output out [args]} and checks it succeeded. */
  private Run attribute(Path in, Path out, String... args) {
    List<String> all = new ArrayList<>(List.of("attribute", "--input", in.toString()));
    if (out != null) {
      all.addAll(List.of("--output", out.toString()));
    }
    all.addAll(Arrays.asList(args));
    Run r = CliTest.run(all.toArray(String[]::new));
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    return r;
  }

  /** Reads the output CSV back (RFC 4180 quoting, one record per line). */
  static List<Row> readOutput(Path f) throws Exception {
    List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
    assertThat(lines.get(0))
        .isEqualTo(
            "model,channel,attributed_conversions,attributed_value,removal_effect,"
                + "value_removal_effect");
    List<Row> rows = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      List<String> f5 = new ArrayList<>();
      StringBuilder b = new StringBuilder();
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (quoted) {
          if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
            b.append('"');
            i++;
          } else if (c == '"') {
            quoted = false;
          } else {
            b.append(c);
          }
        } else if (c == '"') {
          quoted = true;
        } else if (c == ',') {
          f5.add(b.toString());
          b.setLength(0);
        } else {
          b.append(c);
        }
      }
      f5.add(b.toString());
      assertThat(f5).as(line).hasSize(6);
      // the value removal effect is there exactly when the removal effect is (MARKOV)
      assertThat(f5.get(5).isEmpty()).as(line).isEqualTo(f5.get(4).isEmpty());
      rows.add(
          new Row(
              f5.get(0),
              f5.get(1),
              Double.parseDouble(f5.get(2)),
              Double.parseDouble(f5.get(3)),
              f5.get(4),
              f5.get(5)));
    }
    return rows;
  }

  private static Map<String, Row> model(List<Row> rows, AttributionModel m) {
    return rows.stream()
        .filter(r -> r.model().equals(m.name()))
        .collect(Collectors.toMap(Row::channel, r -> r, (a, b) -> a, LinkedHashMap::new));
  }

  /** Data.csv read without PathCsv: one PathStat per row, repeats kept. */
  private static List<PathStat> independentRows() throws Exception {
    List<String> lines = Files.readAllLines(dataCsv());
    List<PathStat> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(";");
      out.add(
          new PathStat(
              List.of(f[0].split(" > ")),
              Double.parseDouble(f[1]),
              Double.parseDouble(f[2]),
              Double.parseDouble(f[3])));
    }
    return out;
  }

  private static AttributionSettings settings(int order) {
    return new AttributionSettings(
        EnumSet.complementOf(EnumSet.of(AttributionModel.TIME_DECAY)),
        order,
        AttributionSettings.DEFAULTS.halfLife());
  }

  @Test
  void toyExampleGivesMarkovTwoAndOne() throws Exception {
    JsonNode toy;
    try (InputStream in =
        Files.newInputStream(resource("channelattribution-paths/toy_two_channel_example.json"))) {
      toy = new ObjectMapper().readTree(in);
    }
    StringBuilder csv = new StringBuilder("path;total_conversions;total_conversion_value\n");
    for (JsonNode p : toy.at("/input/paths")) {
      csv.append(p.get("path").asText())
          .append(';')
          .append(p.get("conversions").asText())
          .append(';')
          .append(p.get("revenue").asText())
          .append('\n');
    }
    Path out = dir.resolve("toy-out.csv");

    Run r = attribute(write("toy.csv", csv.toString()), out);

    List<Row> rows = readOutput(out);
    Map<String, Row> markov = model(rows, AttributionModel.MARKOV);
    assertThat(markov.keySet()).containsExactly("A", "B");
    assertThat(markov.get("A").conversions()).isCloseTo(2.0, within(EXACT));
    assertThat(markov.get("B").conversions()).isCloseTo(1.0, within(EXACT));
    assertThat(markov.get("A").value()).isCloseTo(2.0, within(EXACT));
    assertThat(markov.get("B").value()).isCloseTo(1.0, within(EXACT));
    assertThat(Double.parseDouble(markov.get("A").removal())).isCloseTo(1.0, within(EXACT));
    assertThat(Double.parseDouble(markov.get("B").removal())).isCloseTo(0.5, within(EXACT));
    // ChannelAttribution 2.2.4's heuristics on the same input (recorded in the json).
    JsonNode heuristic = toy.at("/ChannelAttribution_2.2.4_run_here/heuristic");
    for (String c : List.of("A", "B")) {
      assertThat(model(rows, AttributionModel.FIRST_TOUCH).get(c).conversions())
          .isCloseTo(heuristic.at("/first_touch_conversions/" + c).asDouble(), within(EXACT));
      assertThat(model(rows, AttributionModel.LAST_TOUCH).get(c).conversions())
          .isCloseTo(heuristic.at("/last_touch_conversions/" + c).asDouble(), within(EXACT));
      assertThat(model(rows, AttributionModel.LINEAR).get(c).conversions())
          .isCloseTo(heuristic.at("/linear_touch_conversions/" + c).asDouble(), within(EXACT));
    }
    // Nine models (no TIME_DECAY) x two channels; the table says so.
    assertThat(rows).hasSize(18);
    assertThat(rows).noneMatch(row -> row.model().equals("TIME_DECAY"));
    assertThat(r.out())
        .contains("MARKOV_REMOVAL_EFFECT", "TOTAL", "TIME_DECAY is not computed")
        .contains("no total_null column")
        .contains("Wrote 18 rows to " + out);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  void channelAttributionDataWritesWhatTheModelsGive(int order) throws Exception {
    Path out = dir.resolve("out.csv");

    Run r = attribute(dataCsv(), out, "--order", String.valueOf(order));

    List<Row> rows = readOutput(out);
    // Exactly the numbers of the model code for the parsed paths, in its order.
    List<ModelCredit> expected =
        PathAttribution.attribute(PathCsv.read(dataCsv(), ';').paths(), settings(order));
    assertThat(rows).hasSize(expected.size()).hasSize(9 * 12);
    for (int i = 0; i < rows.size(); i++) {
      ModelCredit e = expected.get(i);
      Row a = rows.get(i);
      assertThat(a.model()).isEqualTo(e.model().name());
      assertThat(a.channel()).isEqualTo(e.channel());
      assertThat(a.conversions()).isEqualTo(e.conversions());
      assertThat(a.value()).isEqualTo(e.value());
      if (e.removalEffect() == null) {
        assertThat(a.removal()).isEmpty();
      } else {
        assertThat(Double.parseDouble(a.removal())).isEqualTo(e.removalEffect());
      }
    }
    // The same (up to rounding) as the model code over the raw rows, read without PathCsv.
    List<PathStat> raw = independentRows();
    List<ModelCredit> fromRaw = PathAttribution.attribute(raw, settings(order));
    for (int i = 0; i < rows.size(); i++) {
      assertThat(rows.get(i).conversions())
          .isCloseTo(fromRaw.get(i).conversions(), within(1e-9 * 19_785));
      assertThat(rows.get(i).value()).isCloseTo(fromRaw.get(i).value(), within(1e-9 * 74_803));
    }
    Map<String, Row> markov = model(rows, AttributionModel.MARKOV);
    for (ChannelCredit c : MarkovModel.attribute(raw, order)) {
      assertThat(markov.get(c.channel()).conversions())
          .isCloseTo(c.conversions(), within(1e-9 * 19_785));
      assertThat(Double.parseDouble(markov.get(c.channel()).removal()))
          .isCloseTo(c.removalEffect(), within(1e-12));
    }
    // Every model but PARTICIPATION hands out exactly the totals.
    double conversions = raw.stream().mapToDouble(PathStat::conversions).sum();
    double value = raw.stream().mapToDouble(PathStat::value).sum();
    assertThat(conversions).isEqualTo(19_785);
    for (AttributionModel m : settings(order).enabled()) {
      if (m == AttributionModel.PARTICIPATION) {
        continue;
      }
      Map<String, Row> credits = model(rows, m);
      assertThat(credits).as(m.name()).hasSize(12);
      assertThat(credits.values().stream().mapToDouble(Row::conversions).sum())
          .as(m.name())
          .isCloseTo(conversions, within(1e-6));
      assertThat(credits.values().stream().mapToDouble(Row::value).sum())
          .as(m.name())
          .isCloseTo(value, within(1e-6));
    }
    assertThat(r.out())
        .contains("10000 rows", "12 channels", "19785.00 conversions", "value 74802.97")
        .contains("Markov order " + order)
        .contains("TIME_DECAY is not computed for path data");
  }

  private static final String TINY =
      HEADER
          + "\n"
          + "A > B > C;2;10;1\n"
          + "B;1;4;0\n"
          + "C > A > B > A;1;6;0\n"
          + "A > C;0;0;5\n";

  @Test
  void tinyFileGivesTheHandComputedRuleBasedCredits() throws Exception {
    Path out = dir.resolve("tiny-out.csv");

    Run r = attribute(write("tiny.csv", TINY), out);

    List<Row> rows = readOutput(out);
    // {conversions, value} for A, B, C, worked out by hand from the four paths:
    // A>B>C (2 conversions, value 10), B (1, 4), C>A>B>A (1, 6), A>C (non-converting).
    Map<AttributionModel, double[][]> expected = new LinkedHashMap<>();
    expected.put(AttributionModel.FIRST_TOUCH, new double[][] {{2, 10}, {1, 4}, {1, 6}});
    expected.put(AttributionModel.LAST_TOUCH, new double[][] {{1, 6}, {1, 4}, {2, 10}});
    // 2/3 each from A>B>C; B 1; C>A>B>A: C 1/4, A 2/4, B 1/4.
    expected.put(
        AttributionModel.LINEAR,
        new double[][] {
          {2.0 / 3 + 0.5, 10.0 / 3 + 3},
          {2.0 / 3 + 1 + 0.25, 10.0 / 3 + 4 + 1.5},
          {2.0 / 3 + 0.25, 10.0 / 3 + 1.5}
        });
    // A>B>C: .4/.2/.4; B: 1; C>A>B>A: C .4, A .1 + .4, B .1.
    expected.put(
        AttributionModel.POSITION_BASED,
        new double[][] {{0.8 + 0.5, 4 + 3}, {0.4 + 1 + 0.1, 2 + 4 + 0.6}, {0.8 + 0.4, 4 + 2.4}});
    // 1.0 per distinct channel per conversion: A 2+1, B 2+1+1, C 2+1.
    expected.put(AttributionModel.PARTICIPATION, new double[][] {{3, 16}, {4, 20}, {3, 16}});
    List<String> channels = List.of("A", "B", "C");
    expected.forEach(
        (m, credits) -> {
          Map<String, Row> got = model(rows, m);
          assertThat(got.keySet()).as(m.name()).containsExactlyElementsOf(channels);
          for (int i = 0; i < 3; i++) {
            Row row = got.get(channels.get(i));
            assertThat(row.conversions()).as(m + " " + row).isCloseTo(credits[i][0], within(EXACT));
            assertThat(row.value()).as(m + " " + row).isCloseTo(credits[i][1], within(EXACT));
            assertThat(row.removal()).isEmpty();
          }
        });
    assertThat(model(rows, AttributionModel.MARKOV).values())
        .allSatisfy(row -> assertThat(row.removal()).isNotEmpty());
    // The table: one row per channel and the totals (PARTICIPATION counts 10 here).
    assertThat(r.out().lines().filter(l -> l.startsWith("TOTAL")).findFirst().orElseThrow())
        .contains(" 10.00 ", " 4.00 ");
    assertThat(r.out().lines().filter(l -> l.matches("[ABC] .*")).count()).isEqualTo(3);
  }

  @Test
  void shuffledOrSplitRowsGiveByteIdenticalOutput() throws Exception {
    List<String> lines = Files.readAllLines(dataCsv());
    List<String> body = new ArrayList<>(lines.subList(1, lines.size()));
    Collections.shuffle(body, new Random(20260101));
    List<String> shuffled = new ArrayList<>(List.of(lines.get(0)));
    shuffled.addAll(body);
    // The same paths with every row split in two (decimal halves) and the halves apart.
    List<String> split = new ArrayList<>(List.of(lines.get(0)));
    List<String> secondHalves = new ArrayList<>();
    for (String line : body) {
      String[] f = line.split(";");
      StringBuilder a = new StringBuilder(f[0]);
      StringBuilder b = new StringBuilder(f[0]);
      for (int i = 1; i < 4; i++) {
        java.math.BigDecimal v = new java.math.BigDecimal(f[i]);
        java.math.BigDecimal h = v.divide(java.math.BigDecimal.valueOf(2));
        a.append(';').append(h.toPlainString());
        b.append(';').append(v.subtract(h).toPlainString());
      }
      split.add(a.toString());
      secondHalves.add(b.toString());
    }
    split.addAll(secondHalves);

    Path base = dir.resolve("base.csv");
    Path shuf = dir.resolve("shuffled-out.csv");
    Path halves = dir.resolve("split-out.csv");
    Run r0 = attribute(dataCsv(), base, "--order", "2");
    Run r1 = attribute(write("shuffled.csv", String.join("\n", shuffled)), shuf, "--order", "2");
    Run r2 = attribute(write("split.csv", String.join("\n", split)), halves, "--order", "2");

    assertThat(shuffled).isNotEqualTo(lines);
    assertThat(Files.readAllBytes(shuf)).isEqualTo(Files.readAllBytes(base));
    assertThat(Files.readAllBytes(halves)).isEqualTo(Files.readAllBytes(base));
    assertThat(table(r1)).isEqualTo(table(r0));
    assertThat(r2.out()).contains("20000 rows");
  }

  /** The printed table without the summary line and the "Wrote" line. */
  private static List<String> table(Run r) {
    List<String> lines = r.out().lines().toList();
    return lines.subList(1, lines.size() - 1);
  }

  @Test
  void headerOrderBomAndCrlfDoNotChangeTheOutput() throws Exception {
    List<String> lines = Files.readAllLines(dataCsv());
    StringBuilder reordered =
        new StringBuilder("total_null;path;total_conversion_value;total_conversions\n");
    StringBuilder windows = new StringBuilder("\uFEFF");
    for (String line : lines) {
      windows.append(line).append("\r\n");
    }
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(";");
      reordered.append(String.join(";", f[3], f[0], f[2], f[1])).append('\n');
    }
    Path base = dir.resolve("base.csv");
    Path a = dir.resolve("reordered-out.csv");
    Path b = dir.resolve("windows-out.csv");

    attribute(dataCsv(), base);
    attribute(write("reordered.csv", reordered.toString()), a);
    attribute(write("windows.csv", windows.toString()), b);

    assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(base));
    assertThat(Files.readAllBytes(b)).isEqualTo(Files.readAllBytes(base));
  }

  @Test
  void withoutTheNullColumnMarkovSeesOnlyConvertingPaths() throws Exception {
    List<String> lines = Files.readAllLines(dataCsv());
    StringBuilder noNulls = new StringBuilder();
    for (String line : lines) {
      noNulls.append(line, 0, line.lastIndexOf(';')).append('\n');
    }
    Path base = dir.resolve("base.csv");
    Path out = dir.resolve("no-nulls-out.csv");

    attribute(dataCsv(), base);
    Run r = attribute(write("no-nulls.csv", noNulls.toString()), out);

    List<Row> with = readOutput(base);
    List<Row> without = readOutput(out);
    List<PathStat> converting =
        independentRows().stream()
            .map(p -> new PathStat(p.path(), p.conversions(), p.value(), 0))
            .toList();
    Map<String, Row> markov = model(without, AttributionModel.MARKOV);
    for (ChannelCredit c : MarkovModel.attribute(converting, 1)) {
      assertThat(markov.get(c.channel()).conversions())
          .isCloseTo(c.conversions(), within(1e-9 * 19_785));
      assertThat(Double.parseDouble(markov.get(c.channel()).removal()))
          .isCloseTo(c.removalEffect(), within(1e-12));
    }
    // The nulls matter to Markov (by more than rounding), and to no other model here.
    double diff = 0;
    for (int i = 0; i < with.size(); i++) {
      Row w = with.get(i);
      Row wo = without.get(i);
      if (w.model().equals("MARKOV")) {
        diff = Math.max(diff, Math.abs(w.conversions() - wo.conversions()));
      } else {
        assertThat(wo).isEqualTo(w);
      }
    }
    assertThat(diff).isGreaterThan(1);
    assertThat(r.out()).contains("no total_null column");
  }

  @Test
  void modelsAndSeparatorCanBeChosen() throws Exception {
    String comma = TINY.replace(';', ',').replace("C > A > B > A", "\"C > A > B > A\"");
    Path out = dir.resolve("out.csv");

    Run r =
        attribute(
            write("tiny-comma.csv", comma), out, "--separator", ",", "--models", "linear,markov");

    List<Row> rows = readOutput(out);
    assertThat(rows.stream().map(Row::model).distinct()).containsExactly("LINEAR", "MARKOV");
    assertThat(r.out()).contains("LINEAR", "MARKOV_REMOVAL_EFFECT").doesNotContain("SHAPLEY");

    Run ruleBased = attribute(write("tiny.csv", TINY), null, "--models", "rule-based");
    assertThat(ruleBased.out())
        .contains("INVERSE_J", "TIME_DECAY is not computed")
        .doesNotContain("MARKOV", "Wrote");
  }

  @Test
  void helpDescribesTheCommand() {
    Run r = CliTest.run("attribute", "--help");
    assertThat(r.code()).isZero();
    assertThat(r.out())
        .contains("Usage:", "--input", "--order", "--models", "--separator", "--output")
        .contains("total_conversions", "TIME_DECAY");
    assertThat(CliTest.run("--help").out()).contains("attribute");
  }

  private void assertUserError(Run r, String... fragments) {
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.out()).isEmpty();
    assertThat(r.err().lines().toList()).hasSize(1);
    assertThat(r.err()).startsWith("error: ").contains(fragments);
    assertThat(r.err()).doesNotContain("Exception", "\tat ");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          column count  | A > B;2;10;1\\nB;1;4                      | line 3: | expected 4 fields
          not a number  | A > B;2;10;1\\nB;one;4;0                  | line 3: | 'one'
          negative      | A > B;2;-10;1                            | line 2: | '-10'
          not finite    | A > B;2;10;NaN                           | line 2: | 'NaN'
          empty element | A > > B;2;10;1                           | line 2: | 'A > > B'
          """)
  void badRowsExitTwoNamingFileLineAndValue(String name, String rows, String line, String value)
      throws Exception {
    Path in = write("bad.csv", HEADER + "\n" + rows.replace("\\n", "\n") + "\n");

    Run r = CliTest.run("attribute", "--input", in.toString(), "--output", dir + "/o.csv");

    assertUserError(r, in + ", " + line, value);
    assertThat(dir.resolve("o.csv")).doesNotExist();
  }

  @Test
  void badFilesExitTwoNamingTheFile() throws Exception {
    Path empty = write("empty.csv", "");
    assertUserError(CliTest.run("attribute", "--input", empty.toString()), empty + " is empty");
    Path noColumn = write("no-column.csv", "path;conversions\nA;1\n");
    assertUserError(
        CliTest.run("attribute", "--input", noColumn.toString()),
        noColumn + ", line 1:",
        "no column 'total_conversions'");
    Path missing = dir.resolve("nope.csv");
    assertUserError(
        CliTest.run("attribute", "--input", missing.toString()),
        "--input " + missing + " does not exist");
    assertUserError(
        CliTest.run("attribute", "--input", dir.toString()), "--input " + dir + " is a directory");
    Path tiny = write("tiny.csv", TINY);
    assertUserError(
        CliTest.run(
            "attribute", "--input", tiny.toString(), "--output", dir + "/no/such/dir/out.csv"),
        "--output " + dir + "/no/such/dir/out.csv",
        "does not exist");
    assertUserError(
        CliTest.run("attribute", "--input", tiny.toString(), "--output", dir.toString()),
        "--output " + dir + " is a directory");
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          --order     | 0              | --order must be 1..4, got 0
          --order     | 5              | --order must be 1..4, got 5
          --order     | two            | --order must be a whole number 1..4, got 'two'
          --order     | 1.5            | --order must be a whole number 1..4, got '1.5'
          --models    | time-decay     | TIME_DECAY needs touch times, which path-level data does not have
          --models    | linear,TIME_DECAY | --models linear,TIME_DECAY: TIME_DECAY needs touch times
          --models    | linaer         | unknown attribution model 'linaer'
          --models    | none           | --models none selects no model
          --separator | ab             | --separator must be one character (or 'tab'), got 'ab'
          --separator | '>'            | --separator: the separator cannot be '>'
          """)
  void badFlagValuesExitTwoNamingTheValue(String flag, String value, String message)
      throws Exception {
    Path tiny = write("tiny.csv", TINY);

    Run r = CliTest.run("attribute", "--input", tiny.toString(), flag, value);

    assertUserError(r, message);
  }
}
