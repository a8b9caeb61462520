package dev.omnichannel.monitor.patterns;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.apache.flink.cep.nfa.compiler.NFACompiler;

/**
 * Fuzzes the pattern catalogue as {@code --patterns FILE} loads it: the built-in catalogue, then
 * the fuzzed file, merged and validated ({@link CatalogueParser}), and every pattern in force then
 * compiled to a Flink CEP pattern and its NFA, as the job does when it opens. Invariant: either
 * every pattern compiles, or the file is rejected with a {@link CatalogueException} whose message
 * names the file (the command prints it and exits 2). Nothing else may be thrown: a catalogue that
 * passes validation and then fails in the job is a bug. The committed seeds under {@code
 * src/test/resources/.../CatalogueFuzzTestInputs/} run as tests.
 */
class CatalogueFuzzTest {
  private static final String FILE = "fuzz.yaml";
  private static final CatalogueParser.Parsed BUILTIN = builtin();

  @FuzzTest
  void catalogue(byte[] yaml) throws Exception {
    List<PatternDef> patterns;
    try {
      CatalogueParser.Parsed file = CatalogueParser.read(FILE, new ByteArrayInputStream(yaml));
      patterns = CatalogueParser.build(List.of(BUILTIN, file), Map.of());
    } catch (CatalogueException e) {
      // a parameter of the file may break a built-in pattern: the message then names that
      assertThat(e.getMessage()).matches("(?s)(fuzz\\.yaml|built-in): .*\\S.*");
      return;
    }
    for (PatternDef def : patterns) {
      PatternCompiler.CompiledPattern compiled = PatternCompiler.compile(def);
      NFACompiler.compileFactory(compiled.pattern(), false).createNFA();
      def.absenceDeadline(1_700_000_000_000L);
    }
  }

  private static CatalogueParser.Parsed builtin() {
    try (InputStream in =
        CatalogueFuzzTest.class.getClassLoader().getResourceAsStream(PatternCatalogue.BUILTIN)) {
      return CatalogueParser.read("built-in", in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
