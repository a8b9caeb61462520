package dev.omnichannel.monitor.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class PathCsvTest {
  private static final String HEADER = "path;total_conversions;total_conversion_value;total_null";

  private static PathCsv.Data read(String text) throws IOException {
    return PathCsv.read(new StringReader(text), "f.csv", ';');
  }

  private static PathStat stat(String path, double conversions, double value, double nulls) {
    return new PathStat(Arrays.asList(path.split(" > ")), conversions, value, nulls);
  }

  private static String dataCsv() {
    return String.join("\n", ReferenceData.lines("channelattribution-paths/Data.csv")) + "\n";
  }

  /**
   * 1e-999999999 then 1 on the same path: the exact sum needed a billion digits and threw
   * ArithmeticException (smaller exponents just took the memory and time); now a user error.
   */
  @Test
  void aCountWithMoreThan64DecimalPlacesIsRejectedBeforeItIsSummed() throws IOException {
    assertThatThrownBy(() -> read("path;total_conversions\na;1e-999999999\na;1\n"))
        .isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "f.csv, line 2: total_conversions has more than 64 decimal places: '1e-999999999'");
    PathCsv.Data ok =
        read(
            "path;total_conversions\na;1e-64\na;1.5000000000000000000000000000000000000000000000000000000000000000000000\n");
    assertThat(ok.paths()).hasSize(1);
    assertThat(ok.conversions()).isEqualTo(1.5);
  }

  @Test
  void readsChannelAttributionDataAndSumsRepeatedPaths() throws IOException {
    PathCsv.Data data = read(dataCsv());

    // The independent loader keeps every row; summing them by path must give the parsed data.
    List<PathStat> rows = ReferenceData.channelAttributionData();
    Map<List<String>, double[]> sums = new TreeMap<>(PathCsv::comparePaths);
    for (PathStat p : rows) {
      double[] s = sums.computeIfAbsent(p.path(), k -> new double[3]);
      s[0] += p.conversions();
      s[1] += p.value();
      s[2] += p.nulls();
    }
    assertThat(data.rows()).isEqualTo(10_000);
    assertThat(data.paths()).hasSize(sums.size());
    assertThat(data.channels()).isEqualTo(12);
    assertThat(data.hasValue()).isTrue();
    assertThat(data.hasNulls()).isTrue();
    assertThat(data.conversions()).isCloseTo(19_785, within(1e-9));
    assertThat(data.value()).isCloseTo(74_802.971587, within(1e-6));
    int i = 0;
    for (Map.Entry<List<String>, double[]> e : sums.entrySet()) {
      PathStat p = data.paths().get(i++);
      assertThat(p.path()).isEqualTo(e.getKey());
      assertThat(p.conversions()).isCloseTo(e.getValue()[0], within(1e-9));
      assertThat(p.value()).isCloseTo(e.getValue()[1], within(1e-9));
      assertThat(p.nulls()).isCloseTo(e.getValue()[2], within(1e-9));
    }
  }

  @Test
  void splittingRowsOrShufflingThemGivesExactlyTheSameData() throws IOException {
    List<String> lines = ReferenceData.lines("channelattribution-paths/Data.csv");
    List<String> split = new ArrayList<>();
    split.add(lines.get(0));
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(";");
      StringBuilder half = new StringBuilder(f[0]);
      StringBuilder rest = new StringBuilder(f[0]);
      for (int c = 1; c < f.length; c++) {
        BigDecimal v = new BigDecimal(f[c]);
        BigDecimal h = v.divide(BigDecimal.valueOf(2)); // exact in decimal
        half.append(';').append(h.toPlainString());
        rest.append(';').append(v.subtract(h).toPlainString());
      }
      split.add(half.toString());
      split.add(rest.toString());
    }
    List<String> reversed = new ArrayList<>(split.subList(1, split.size()));
    java.util.Collections.reverse(reversed);
    reversed.add(0, split.get(0));

    PathCsv.Data original = read(dataCsv());
    PathCsv.Data halves = read(String.join("\n", split));
    PathCsv.Data backwards = read(String.join("\n", reversed));

    assertThat(halves.rows()).isEqualTo(20_000);
    assertThat(halves.paths()).isEqualTo(original.paths());
    assertThat(backwards.paths()).isEqualTo(original.paths());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void theModelsGiveTheSameCreditsWhetherRepeatedPathsAreSummedOrNot(int order) throws IOException {
    // Every row as its own PathStat (repeats kept) versus the parsed, summed paths.
    List<PathStat> rows = ReferenceData.channelAttributionData();
    List<PathStat> doubled = new ArrayList<>();
    for (PathStat p : rows) {
      doubled.add(new PathStat(p.path(), p.conversions() / 2, p.value() / 2, p.nulls() / 2));
      doubled.add(new PathStat(p.path(), p.conversions() / 2, p.value() / 2, p.nulls() / 2));
    }
    AttributionSettings s =
        new AttributionSettings(
            EnumSet.complementOf(EnumSet.of(AttributionModel.TIME_DECAY)),
            order,
            AttributionSettings.DEFAULTS.halfLife());

    List<ModelCredit> summed = PathAttribution.attribute(read(dataCsv()).paths(), s);
    List<ModelCredit> unsummed = PathAttribution.attribute(doubled, s);

    assertThat(summed).hasSize(9 * 12);
    assertThat(unsummed).hasSize(summed.size());
    for (int i = 0; i < summed.size(); i++) {
      ModelCredit a = summed.get(i);
      ModelCredit b = unsummed.get(i);
      assertThat(b.model()).isEqualTo(a.model());
      assertThat(b.channel()).isEqualTo(a.channel());
      assertThat(b.conversions()).as(a.toString()).isCloseTo(a.conversions(), within(1e-9));
      assertThat(b.value()).as(a.toString()).isCloseTo(a.value(), within(1e-9));
      if (a.removalEffect() != null) {
        assertThat(b.removalEffect()).isCloseTo(a.removalEffect(), within(1e-12));
      }
    }
  }

  @Test
  void findsColumnsByNameInAnyOrderAndIgnoresOthers() throws IOException {
    PathCsv.Data usual = read(HEADER + "\nA > B;2;10.5;3\nB;1;4;0\n");
    PathCsv.Data shuffled =
        read(
            "Total_Null;total_cost;total_conversions;PATH;total_conversion_value\n"
                + "3;99;2;A > B;10.5\n0;1;1;B;4\n");
    assertThat(shuffled.paths()).isEqualTo(usual.paths());
    assertThat(usual.paths()).containsExactly(stat("A > B", 2, 10.5, 3), stat("B", 1, 4, 0));
  }

  @Test
  void optionalColumnsDefaultToZero() throws IOException {
    PathCsv.Data noNulls = read("path;total_conversions;total_conversion_value\nA > B;2;10\n");
    assertThat(noNulls.hasNulls()).isFalse();
    assertThat(noNulls.hasValue()).isTrue();
    assertThat(noNulls.paths()).containsExactly(stat("A > B", 2, 10, 0));

    PathCsv.Data minimal = read("total_conversions;path\n2;A > B\n");
    assertThat(minimal.hasNulls()).isFalse();
    assertThat(minimal.hasValue()).isFalse();
    assertThat(minimal.paths()).containsExactly(stat("A > B", 2, 0, 0));
  }

  @Test
  void handlesBomCrlfBlankLinesTrimmingAndQuotes() throws IOException {
    PathCsv.Data plain = read(HEADER + "\nA > B > C;2;10;1\nB;1;4;0\n");
    PathCsv.Data windows =
        read("\uFEFF" + HEADER.replace(";", " ; ") + "\r\n A>B >  C ;2; 10 ;1\r\n\r\nB;1;4;0\r\n");
    PathCsv.Data quoted = read(HEADER + "\n\"A > B > C\";\"2\";10;1\n\"B\";1;4;0\n");
    assertThat(windows.paths()).isEqualTo(plain.paths());
    assertThat(quoted.paths()).isEqualTo(plain.paths());

    PathCsv.Data comma =
        PathCsv.read(
            new StringReader(
                "path,total_conversions\n\"Search, brand > \"\"Email\"\"\",1\nSearch,2\n"),
            "f.csv",
            ',');
    assertThat(comma.paths().get(0).path()).containsExactly("Search");
    assertThat(comma.paths().get(1).path()).containsExactly("Search, brand", "\"Email\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          wrong field count   | A > B;2;10;1\\nB;1;4               | f.csv, line 3: expected 4 fields separated by ';' as in the header, got 3
          too many fields     | A > B;2;10;1;7                    | f.csv, line 2: expected 4 fields separated by ';' as in the header, got 5
          not a number        | A > B;two;10;1                    | f.csv, line 2: total_conversions is not a number: 'two'
          decimal comma       | A > B;2;10,5;1                    | f.csv, line 2: total_conversion_value is not a number: '10,5'
          empty number        | A > B;2;;1                        | f.csv, line 2: total_conversion_value is not a number: '' (empty)
          negative            | A > B;2;10;-1                     | f.csv, line 2: total_null must not be negative, got '-1'
          negative value      | A > B;2;-10;1                     | f.csv, line 2: total_conversion_value must not be negative, got '-10'
          NaN                 | A > B;NaN;10;1                    | f.csv, line 2: total_conversions must be a finite number, got 'NaN'
          Infinity            | A > B;2;Infinity;1                | f.csv, line 2: total_conversion_value must be a finite number, got 'Infinity'
          too large           | A > B;2;1e400;1                   | f.csv, line 2: total_conversion_value must be a finite number, got '1e400' (too large)
          empty element       | A >  > B;2;10;1                   | f.csv, line 2: path element 2 of 3 is empty in 'A >  > B' (channels are joined by ' > ')
          trailing separator  | A > B >;2;10;1                    | f.csv, line 2: path element 3 of 3 is empty in 'A > B >' (channels are joined by ' > ')
          empty path          | ' ;2;10;1'                        | f.csv, line 2: the path is empty
          open quote          | '"A > B;2;10;1'                   | f.csv, line 2: unterminated quoted field 1 (quoted fields cannot span lines)
          """)
  void rejectsBadRowsNamingFileLineAndProblem(String name, String rows, String message) {
    String text = HEADER + "\n" + rows.replace("\\n", "\n") + "\n";
    assertThatThrownBy(() -> read(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(message);
  }

  @Test
  void rejectsBadHeadersAndEmptyFiles() {
    assertThatThrownBy(() -> read(""))
        .hasMessage(
            "f.csv is empty; expected a header line such as"
                + " path;total_conversions;total_conversion_value;total_null");
    assertThatThrownBy(() -> read("\uFEFF\r\n\n"))
        .hasMessageStartingWith("f.csv is empty; expected a header line");
    assertThatThrownBy(() -> read(HEADER + "\n\n")).hasMessage("f.csv has a header but no paths");
    assertThatThrownBy(() -> read("path;conversions\nA;1\n"))
        .hasMessage(
            "f.csv, line 1: the header has no column 'total_conversions' (columns: 'path',"
                + " 'conversions')");
    assertThatThrownBy(() -> read("total_conversions;total_null\n1;2\n"))
        .hasMessageStartingWith("f.csv, line 1: the header has no column 'path'");
    assertThatThrownBy(() -> read("path,total_conversions\nA,1\n"))
        .hasMessage(
            "f.csv, line 1: the header has no column 'path' (columns:"
                + " 'path,total_conversions'); the header has a single column with separator"
                + " ';', is that the right separator?");
    assertThatThrownBy(() -> read("path;total_conversions;PATH\nA;1;B\n"))
        .hasMessage("f.csv, line 1: the header has the column 'path' twice");
    assertThatThrownBy(() -> PathCsv.read(new StringReader(HEADER), "f.csv", '>'))
        .hasMessageStartingWith("the separator cannot be '>'");
  }

  @Test
  void writesQuotedChannelsFullPrecisionAndEmptyRemovalEffects() throws IOException {
    List<ModelCredit> credits =
        List.of(
            new ModelCredit(AttributionModel.LINEAR, "Search, brand", 0.1 + 0.2, 2.0, null, null),
            new ModelCredit(AttributionModel.LINEAR, "say \"hi\"", 1e-7, 123456789.125, null, null),
            new ModelCredit(AttributionModel.MARKOV, "A", 2.0 / 3, 1e21, 0.5, 0.25),
            new ModelCredit(AttributionModel.MARKOV, "B", 0, 0, 0.0, 0.0));
    StringWriter w = new StringWriter();

    PathCsv.write(credits, w);

    assertThat(w.toString())
        .isEqualTo(
            """
            model,channel,attributed_conversions,attributed_value,removal_effect,value_removal_effect
            LINEAR,"Search, brand",0.30000000000000004,2.0,,
            LINEAR,"say ""hi\""",0.0000001,123456789.125,,
            MARKOV,A,0.6666666666666666,1000000000000000000000.0,0.5,0.25
            MARKOV,B,0.0,0.0,0.0,0.0
            """);
    for (ModelCredit c : credits) {
      assertThat(Double.parseDouble(PathCsv.number(c.conversions()))).isEqualTo(c.conversions());
      assertThat(Double.parseDouble(PathCsv.number(c.value()))).isEqualTo(c.value());
    }
  }
}
