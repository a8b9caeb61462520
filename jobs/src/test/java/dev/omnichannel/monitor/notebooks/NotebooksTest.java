package dev.omnichannel.monitor.notebooks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The notebooks in {@code notebooks/} are valid nbformat-4 JSON committed without outputs, and they
 * and the SQL files in {@code notebooks/sql/} reference each other completely.
 */
class NotebooksTest {
  private static final Path NOTEBOOKS = Path.of("..", "notebooks");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** {@code query("name")} or a literal {@code sql/name.sql}. */
  private static final Pattern REFERENCE =
      Pattern.compile("query\\(\"([a-z0-9_]+)\"|sql/([a-z0-9_]+)\\.sql");

  private static List<Path> notebooks() throws Exception {
    try (Stream<Path> s = Files.list(NOTEBOOKS)) {
      return s.filter(p -> p.toString().endsWith(".ipynb")).sorted().toList();
    }
  }

  private static Set<String> sqlFiles() throws Exception {
    try (Stream<Path> s = Files.list(NOTEBOOKS.resolve("sql"))) {
      Set<String> names = new TreeSet<>();
      s.map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".sql"))
          .forEach(n -> names.add(n.substring(0, n.length() - 4)));
      return names;
    }
  }

  private static String source(JsonNode cell) {
    JsonNode src = cell.get("source");
    if (src.isTextual()) {
      return src.asText();
    }
    StringBuilder b = new StringBuilder();
    src.forEach(line -> b.append(line.asText()));
    return b.toString();
  }

  @Test
  void everyNotebookShouldBeValidNbformat4WithoutOutputs() throws Exception {
    assertThat(notebooks()).hasSizeGreaterThanOrEqualTo(4);
    for (Path nb : notebooks()) {
      JsonNode root = JSON.readTree(nb.toFile());
      assertThat(root.path("nbformat").asInt()).as(nb + " nbformat").isEqualTo(4);
      assertThat(root.path("nbformat_minor").isInt()).as(nb + " nbformat_minor").isTrue();
      assertThat(root.path("metadata").path("kernelspec").path("name").asText())
          .as(nb + " metadata.kernelspec")
          .startsWith("python");
      JsonNode cells = root.path("cells");
      assertThat(cells.isArray() && cells.size() > 0).as(nb + " cells").isTrue();
      boolean hasCode = false;
      boolean hasMarkdown = false;
      for (JsonNode cell : cells) {
        String type = cell.path("cell_type").asText();
        assertThat(type).as(nb + " cell_type").isIn("markdown", "code");
        JsonNode src = cell.get("source");
        assertThat(src != null && (src.isTextual() || src.isArray())).as(nb + " source").isTrue();
        if (type.equals("code")) {
          hasCode = true;
          assertThat(cell.path("outputs").isArray()).as(nb + " outputs").isTrue();
          assertThat(cell.path("outputs")).as(nb + " outputs are empty").isEmpty();
          assertThat(cell.has("execution_count") && cell.get("execution_count").isNull())
              .as(nb + " execution_count is null")
              .isTrue();
        } else {
          hasMarkdown = true;
        }
      }
      assertThat(hasCode && hasMarkdown).as(nb + " has code and markdown").isTrue();
      assertThat(source(cells.get(1)).contains("OUTPUT = Path(\"../output\")"))
          .as(nb + " sets OUTPUT at the top")
          .isTrue();
    }
  }

  @Test
  void notebooksAndSqlFilesShouldReferenceEachOtherCompletely() throws Exception {
    Set<String> referenced = new TreeSet<>();
    for (Path nb : notebooks()) {
      Set<String> own = new TreeSet<>();
      for (JsonNode cell : JSON.readTree(nb.toFile()).path("cells")) {
        if (!cell.path("cell_type").asText().equals("code")) {
          continue;
        }
        Matcher m = REFERENCE.matcher(source(cell));
        while (m.find()) {
          own.add(m.group(1) != null ? m.group(1) : m.group(2));
        }
      }
      assertThat(own).as(nb + " uses some SQL file").isNotEmpty();
      for (String name : own) {
        assertThat(NOTEBOOKS.resolve("sql").resolve(name + ".sql"))
            .as(nb + " references sql/" + name + ".sql")
            .exists();
      }
      referenced.addAll(own);
    }
    assertThat(referenced).as("SQL files used by a notebook").containsAll(sqlFiles());
  }
}
