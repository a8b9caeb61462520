package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.AttributionRow;
import dev.omnichannel.monitor.flow.Table;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each table's writer settings are valid and reach the files. */
class ParquetWritersTest {

  @Test
  void everyPlainColumnShouldBeAColumnOfItsTable() {
    for (Table t : Table.values()) {
      List<String> columns = columns(schemaOf(t));
      assertThat(ParquetWriters.forTable(t.tableName()).plainColumns())
          .as("plain columns of %s", t.tableName())
          .isSubsetOf(columns);
    }
  }

  @Test
  void theFilesShouldUseADictionaryExactlyWhereTheSettingsSay(@TempDir Path tmp) throws Exception {
    for (Table t : Table.values()) {
      List<SpecificRecordBase> rows = randomRows(schemaOf(t), 3_000, 5);
      Path defaults = tmp.resolve(t.tableName() + "-defaults.parquet");
      Path tuned = tmp.resolve(t.tableName() + ".parquet");
      ParquetTestFiles.write(defaults, avro(t, ParquetWriters.PARQUET_DEFAULTS), rows);
      ParquetTestFiles.write(tuned, specific(t, ParquetWriters.forTable(t.tableName())), rows);
      assertDictionaryWhereConfigured(t.tableName(), defaults, tuned);
    }
  }

  @Test
  void theDirectAttributionWriterShouldUseTheAttributionSettings(@TempDir Path tmp)
      throws Exception {
    List<SpecificRecordBase> rows = randomRows(AttributionRow.getClassSchema(), 3_000, 4);
    @SuppressWarnings("unchecked")
    List<AttributionRow> credits = (List<AttributionRow>) (List<?>) rows;
    Path defaults = tmp.resolve("defaults.parquet");
    Path tuned = tmp.resolve("tuned.parquet");
    ParquetTestFiles.write(
        defaults,
        ParquetWriters.direct(AttributionWriteSupport::new, ParquetWriters.PARQUET_DEFAULTS),
        credits);
    ParquetTestFiles.write(
        tuned,
        ParquetWriters.direct(AttributionWriteSupport::new, ParquetWriters.forTable("attribution")),
        credits);
    assertDictionaryWhereConfigured("attribution", defaults, tuned);
  }

  @Test
  void theDirectEventsWriterShouldUseTheEventsSettings(@TempDir Path tmp) throws Exception {
    List<dev.omnichannel.monitor.event.Event> events = EventWriteSupportTest.randomEvents(3_000, 3);
    Path defaults = tmp.resolve("defaults.parquet");
    Path tuned = tmp.resolve("tuned.parquet");
    ParquetTestFiles.write(
        defaults, ParquetWriters.events(ParquetWriters.PARQUET_DEFAULTS), events);
    ParquetTestFiles.write(tuned, ParquetWriters.events(ParquetWriters.forTable("events")), events);
    assertDictionaryWhereConfigured("events", defaults, tuned);
    assertThat(ParquetWriters.forTable("events").plainColumns())
        .contains("event_id", "identities.array.value", "person_id", "journey_id");
  }

  @Test
  void theRowGroupSizeShouldBeBounded(@TempDir Path tmp) throws Exception {
    for (Table t : Table.values()) {
      ParquetWriters.Settings s = ParquetWriters.forTable(t.tableName());
      assertThat(s.rowGroupSize()).as(t.tableName()).isLessThanOrEqualTo(16L * 1024 * 1024);
    }
    // a row group is cut when the buffered data reaches the size: with a small size, several
    ParquetWriters.Settings small =
        new ParquetWriters.Settings(64 * 1024, 8 * 1024, 8 * 1024, List.of());
    Path file = tmp.resolve("small.parquet");
    ParquetTestFiles.write(
        file, avro(Table.EVENTS, small), randomRows(schemaOf(Table.EVENTS), 20_000, 1));
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
      List<BlockMetaData> blocks = r.getFooter().getBlocks();
      assertThat(blocks).hasSizeGreaterThan(1);
      assertThat(blocks.stream().mapToLong(BlockMetaData::getRowCount).sum()).isEqualTo(20_000);
    }
  }

  /**
   * With Parquet's defaults every column of {@code defaults} uses a dictionary (the rows have few
   * distinct values); in {@code tuned} exactly the table's plain columns do not.
   */
  private static void assertDictionaryWhereConfigured(String table, Path defaults, Path tuned)
      throws Exception {
    List<String> plain = ParquetWriters.forTable(table).plainColumns();
    Map<String, Set<Encoding>> before = ParquetTestFiles.encodings(defaults);
    Map<String, Set<Encoding>> after = ParquetTestFiles.encodings(tuned);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    for (String c : before.keySet()) {
      if (!ParquetTestFiles.dictionary(before.get(c))) {
        continue; // booleans have no dictionary
      }
      assertThat(ParquetTestFiles.dictionary(after.get(c)))
          .as("%s.%s uses a dictionary (encodings %s)", table, c, after.get(c))
          .isEqualTo(!plain.contains(c));
    }
    for (String c : plain) {
      assertThat(ParquetTestFiles.dictionary(before.get(c)))
          .as("%s.%s would use a dictionary by default in this test", table, c)
          .isTrue();
    }
  }

  private static org.apache.flink.formats.parquet.ParquetBuilder<SpecificRecordBase> specific(
      Table t, ParquetWriters.Settings s) {
    @SuppressWarnings("unchecked")
    Class<SpecificRecordBase> type = (Class<SpecificRecordBase>) t.rowType();
    return ParquetWriters.specific(type, s);
  }

  private static org.apache.flink.formats.parquet.ParquetBuilder<SpecificRecordBase> avro(
      Table t, ParquetWriters.Settings s) {
    @SuppressWarnings("unchecked")
    Class<SpecificRecordBase> type = (Class<SpecificRecordBase>) t.rowType();
    return ParquetTestFiles.avro(type, s);
  }

  private static Schema schemaOf(Table t) {
    return SpecificData.get().getSchema(t.rowType());
  }

  /** The dot paths of the Parquet columns of an Avro schema, as the Avro writer converts it. */
  static List<String> columns(Schema schema) {
    return new AvroSchemaConverter()
        .convert(schema).getColumns().stream().map(c -> String.join(".", c.getPath())).toList();
  }

  static List<SpecificRecordBase> randomRows(Schema schema, int n, long seed) {
    return RandomRows.rows(schema, n, seed, RandomRows.FEW);
  }
}
