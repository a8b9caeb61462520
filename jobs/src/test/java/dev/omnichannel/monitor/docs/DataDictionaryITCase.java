package dev.omnichannel.monitor.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.testing.Duck;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dictionary's DuckDB types against the Parquet files of a real (tiny) backfill: {@code demo}
 * with 100 customers over 14 days, every written table read back with DuckDB's {@code DESCRIBE}.
 */
class DataDictionaryITCase {
  @TempDir Path dir;

  @Test
  void theDictionaryShouldDescribeTheTablesOfARealBackfill() throws Exception {
    Path out = dir.resolve("output");
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
      code = Main.execute("demo", "--output", out.toString(), "--customers", "100", "--days", "14");
    } finally {
      System.setOut(original);
    }
    assertThat(code).as(captured.toString(StandardCharsets.UTF_8)).isZero();

    Map<String, Schema> schemas = DataDictionary.schemas();
    List<String> checked = new ArrayList<>();
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      for (DataDictionary.Table t : DataDictionary.TABLES) {
        if (!Files.isDirectory(out.resolve(t.name()))) {
          continue; // not written by this run (late_events: stream only; possibly identity_merges)
        }
        Map<String, String> expected = new LinkedHashMap<>();
        for (Schema.Field f : schemas.get(t.schemaFile()).getFields()) {
          expected.put(f.name(), DataDictionary.duckDbType(f.schema()));
        }
        assertThat(DataDictionaryTest.describe(duck, Duck.table(out, t.name())))
            .as("DuckDB column types of table %s of a real backfill", t.name())
            .containsExactlyEntriesOf(expected);
        checked.add(t.name());
      }
    }
    assertThat(checked)
        .as("tables of the backfill checked against the dictionary")
        .contains(
            "events",
            "journeys",
            "journey_matches",
            "friction",
            "attribution",
            "attribution_channel",
            "dead_letters");
  }
}
