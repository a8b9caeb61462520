package dev.omnichannel.monitor.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;

/**
 * Fuzzes what {@code attribute} does with a path-level CSV: read it ({@link PathCsv}), run every
 * path-level model over it at a Markov order 1 to 4, and write the credits as CSV. Invariant: the
 * file is either read and attributed, or rejected with an {@link IllegalArgumentException} whose
 * message names the file (the command prints it and exits 2); nothing else is thrown, nothing
 * hangs. The first byte of an input picks the separator and the order, the rest is the file. The
 * committed seeds under {@code src/test/resources/.../PathCsvFuzzTestInputs/} run as tests.
 */
class PathCsvFuzzTest {
  private static final char[] SEPARATORS = {';', ',', '\t', '|'};
  private static final EnumSet<AttributionModel> MODELS =
      EnumSet.complementOf(EnumSet.of(AttributionModel.TIME_DECAY));

  @FuzzTest
  void pathCsv(byte[] input) throws Exception {
    if (input.length == 0) {
      return;
    }
    char separator = SEPARATORS[input[0] & 3];
    int order = 1 + ((input[0] >> 2) & 3);
    PathCsv.Data data;
    // UTF-8 read strictly, as Files.newBufferedReader reads the file for the command
    BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(
                new ByteArrayInputStream(input, 1, input.length - 1),
                StandardCharsets.UTF_8.newDecoder()));
    try {
      data = PathCsv.read(reader, "paths.csv", separator);
    } catch (CharacterCodingException e) {
      return; // PathCsv.read(Path, char) reports "paths.csv is not UTF-8 text"
    } catch (IllegalArgumentException e) {
      assertThat(e.getMessage()).startsWith("paths.csv");
      return;
    }
    assertThat(data.rows()).isPositive();
    assertThat(data.paths()).isNotEmpty();
    for (PathStat p : data.paths()) {
      assertThat(p.path()).isNotEmpty().allSatisfy(c -> assertThat(c).isNotBlank());
      assertThat(p.conversions()).isNotNegative().isFinite();
      assertThat(p.value()).isNotNegative().isFinite();
      assertThat(p.nulls()).isNotNegative().isFinite();
    }
    List<ModelCredit> credits =
        PathAttribution.attribute(
            data.paths(),
            new AttributionSettings(MODELS, order, AttributionSettings.DEFAULTS.halfLife()));
    for (ModelCredit c : credits) {
      assertThat(c.conversions()).as("%s", c).isFinite();
      assertThat(c.value()).as("%s", c).isFinite();
    }
    StringWriter out = new StringWriter();
    PathCsv.write(credits, out);
    assertThat(out.toString()).startsWith(PathCsv.HEADER + "\n");
  }
}
