package dev.omnichannel.monitor.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.flow.Table;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data dictionary cannot drift: every schema field is documented, every output column has an
 * example, the committed {@code docs/data-dictionary.md} is what {@link DataDictionary} renders
 * now, and its DuckDB types are what DuckDB reports for Parquet files written like the job's sinks.
 *
 * <p>With {@code DATA_DICTIONARY_WRITE=1} in the environment, the test (re)writes the file instead
 * of failing on a difference.
 */
class DataDictionaryTest {
  /** The committed dictionary, relative to the module directory ({@code jobs/}). */
  private static final Path COMMITTED = Path.of("..", "docs", "data-dictionary.md");

  @Test
  void theDictionaryShouldCoverEveryTableTheJobWrites() {
    List<String> tables = new ArrayList<>(Table.backfillTables());
    tables.add("late_events"); // stream mode only
    assertThat(DataDictionary.TABLES.stream().map(DataDictionary.Table::name))
        .containsExactlyInAnyOrderElementsOf(tables);
  }

  @Test
  void everyFieldOfEverySchemaShouldHaveADoc() {
    List<String> missing = new ArrayList<>();
    DataDictionary.schemas()
        .forEach(
            (file, schema) -> {
              if (blank(schema.getDoc())) {
                missing.add(file + " (the record itself)");
              }
              for (Schema.Field f : schema.getFields()) {
                if (blank(f.doc())) {
                  missing.add(file + ": " + f.name());
                }
              }
            });
    assertThat(missing).as("schema fields without a non-blank doc").isEmpty();
  }

  @Test
  void everyOutputColumnShouldHaveAnExample() {
    Map<String, Schema> schemas = DataDictionary.schemas();
    List<String> missing = new ArrayList<>();
    for (DataDictionary.Table t : DataDictionary.TABLES) {
      for (Schema.Field f : schemas.get(t.schemaFile()).getFields()) {
        if (blank(DataDictionary.prop(f, "example"))) {
          missing.add(t.schemaFile() + " (table " + t.name() + "): " + f.name());
        }
      }
    }
    assertThat(missing).as("output columns without an example").isEmpty();
  }

  @Test
  void theCommittedDictionaryShouldBeWhatTheSchemasRender() throws Exception {
    String rendered = DataDictionary.render();
    if (System.getenv("DATA_DICTIONARY_WRITE") != null) {
      Files.createDirectories(COMMITTED.getParent());
      Files.writeString(COMMITTED, rendered, StandardCharsets.UTF_8);
    }
    assertThat(Files.exists(COMMITTED))
        .as("docs/data-dictionary.md is missing; generate it with: " + DataDictionary.REGENERATE)
        .isTrue();
    assertThat(Files.readString(COMMITTED, StandardCharsets.UTF_8))
        .as(
            "docs/data-dictionary.md differs from the schemas; regenerate it from the repository"
                + " root with: "
                + DataDictionary.REGENERATE)
        .isEqualTo(rendered);
  }

  @Test
  void theDuckDbTypesShouldBeWhatDuckDbReadsFromTheSinksParquet(@TempDir Path tmp)
      throws Exception {
    Map<String, Schema> schemas = DataDictionary.schemas();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      for (DataDictionary.Table t : DataDictionary.TABLES) {
        // the generated class's schema and data model, as io.ParquetSinks writes them
        Class<? extends SpecificRecordBase> type =
            Class.forName(schemas.get(t.schemaFile()).getFullName())
                .asSubclass(SpecificRecordBase.class);
        SpecificData model = SpecificData.getForClass(type);
        Path file = tmp.resolve(t.name() + ".parquet");
        try (ParquetWriter<SpecificRecordBase> w =
            AvroParquetWriter.<SpecificRecordBase>builder(new LocalOutputFile(file))
                .withSchema(model.getSchema(type))
                .withDataModel(model)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .withConf(new Configuration())
                .build()) {
          // no rows: the column types come from the Parquet schema alone
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (Schema.Field f : schemas.get(t.schemaFile()).getFields()) {
          expected.put(f.name(), DataDictionary.duckDbType(f.schema()));
        }
        assertThat(describe(duck, "read_parquet('" + file + "')"))
            .as("DuckDB column types of table %s", t.name())
            .containsExactlyEntriesOf(expected);
      }
    }
  }

  /** Column name to type, as DuckDB's {@code DESCRIBE} reports them. */
  static Map<String, String> describe(Connection duck, String from) throws Exception {
    Map<String, String> types = new LinkedHashMap<>();
    try (var st = duck.createStatement();
        var rs = st.executeQuery("DESCRIBE SELECT * FROM " + from)) {
      while (rs.next()) {
        types.put(rs.getString("column_name"), rs.getString("column_type"));
      }
    }
    return types;
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
  }
}
