package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.avro.AttributionChannelRow;
import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * For every table, the field-by-field writer writes what {@code AvroParquetWriter} writes for the
 * rows: {@code AvroParquetReader} reads the same rows back, the footers carry the same schema and
 * metadata, and DuckDB sees the same types and rows. The sinks use it for every table but {@code
 * events} and {@code attribution}, which have writers of their own; it is checked on those too.
 */
class SpecificRowWriteSupportTest {

  @ParameterizedTest
  @EnumSource(Table.class)
  void avroParquetReaderShouldReadBackTheRows(Table table, @TempDir Path tmp) throws Exception {
    List<SpecificRecordBase> rows = rows(table);
    Path file = tmp.resolve(table.tableName() + ".parquet");
    ParquetTestFiles.write(file, specific(table, ParquetWriters.forTable(table.tableName())), rows);

    List<? extends SpecificRecordBase> read = ParquetFiles.readAll(List.of(file), table.rowType());
    assertThat(new ArrayList<SpecificRecordBase>(read)).containsExactlyElementsOf(rows);
  }

  @ParameterizedTest
  @EnumSource(Table.class)
  void theFooterShouldBeWhatAvroParquetWriterWrites(Table table, @TempDir Path tmp)
      throws Exception {
    List<SpecificRecordBase> rows = rows(table);
    Path direct = tmp.resolve("direct.parquet");
    Path avro = tmp.resolve("avro.parquet");
    ParquetTestFiles.write(direct, specific(table, ParquetWriters.PARQUET_DEFAULTS), rows);
    ParquetTestFiles.write(avro, avro(table, ParquetWriters.PARQUET_DEFAULTS), rows);

    FileMetaData d = footer(direct);
    FileMetaData a = footer(avro);
    assertThat(d.getSchema()).isEqualTo(a.getSchema());
    assertThat(d.getKeyValueMetaData())
        .isEqualTo(a.getKeyValueMetaData())
        .containsEntry("writer.model.name", "avro")
        .containsKey("parquet.avro.schema");
    assertThat(d.getCreatedBy()).isEqualTo(a.getCreatedBy());
    // same values, same encodings: the files are byte for byte the same
    assertThat(direct).hasSameBinaryContentAs(avro);
  }

  @ParameterizedTest
  @EnumSource(Table.class)
  void duckDbShouldSeeTheSameTypesAndRowsAsFromTheAvroWriter(Table table, @TempDir Path tmp)
      throws Exception {
    List<SpecificRecordBase> rows = rows(table);
    String name = table.tableName();
    ParquetTestFiles.write(
        tmp.resolve("old/" + name + "/dt=2026-01-05/part-0.parquet"),
        avro(table, ParquetWriters.PARQUET_DEFAULTS),
        rows);
    ParquetTestFiles.write(
        tmp.resolve("new/" + name + "/dt=2026-01-05/part-0.parquet"),
        specific(table, ParquetWriters.forTable(name)),
        rows);

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      Map<String, String> oldTypes = ParquetTestFiles.describe(duck, tmp.resolve("old"), name);
      assertThat(ParquetTestFiles.describe(duck, tmp.resolve("new"), name))
          .containsExactlyEntriesOf(oldTypes);
      List<String> oldRows = Duck.rows(duck, tmp.resolve("old"), name, "*");
      assertThat(oldRows).hasSize(rows.size());
      assertThat(Duck.rows(duck, tmp.resolve("new"), name, "*")).containsExactlyElementsOf(oldRows);
    }
  }

  @Test
  void duckDbShouldSeeTheTableTypes(@TempDir Path tmp) throws Exception {
    ParquetTestFiles.write(
        tmp.resolve("journeys/dt=2026-01-05/part-0.parquet"),
        ParquetWriters.specific(JourneyRow.class, ParquetWriters.forTable("journeys")),
        RandomRows.rows(JourneyRow.class, 10, 1, RandomRows.EDGES));
    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      assertThat(ParquetTestFiles.describe(duck, tmp, "journeys"))
          .containsEntry("journey_id", "VARCHAR")
          .containsEntry("end_time", "TIMESTAMP WITH TIME ZONE")
          .containsEntry("event_count", "INTEGER")
          .containsEntry("channels", "VARCHAR[]")
          .containsEntry("converted", "BOOLEAN")
          .containsEntry("conversion_value", "DOUBLE");
    }
  }

  @Test
  void aNullInARequiredFieldShouldFailWithTheFieldsName(@TempDir Path tmp) {
    FrictionRow row = RandomRows.rows(FrictionRow.class, 1, 1, RandomRows.FEW).get(0);
    row.setSeverity(null);
    assertThatThrownBy(
            () ->
                ParquetTestFiles.write(
                    tmp.resolve("x.parquet"),
                    ParquetWriters.specific(FrictionRow.class, ParquetWriters.forTable("friction")),
                    List.of(row)))
        .hasMessageContaining("FrictionRow")
        .hasMessageContaining("severity");
  }

  @Test
  void aNullListElementShouldFail(@TempDir Path tmp) {
    FrictionRow row = RandomRows.rows(FrictionRow.class, 1, 1, RandomRows.FEW).get(0);
    row.setChannels(java.util.Arrays.asList("WEB", null));
    assertThatThrownBy(
            () ->
                ParquetTestFiles.write(
                    tmp.resolve("x.parquet"),
                    ParquetWriters.specific(FrictionRow.class, ParquetWriters.forTable("friction")),
                    List.of(row)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("channels");
  }

  @Test
  void theThreeLevelListStructureShouldBeRefused() {
    Configuration conf = new Configuration(false);
    conf.setBoolean("parquet.avro.write-old-list-structure", false);
    assertThatThrownBy(() -> SpecificRowWriteSupport.of(JourneyRow.class).init(conf))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("two-level");
  }

  @Test
  void typesNoTableUsesShouldBeRefused() {
    var withEnum =
        SchemaBuilder.record("R")
            .fields()
            .name("e")
            .type()
            .enumeration("E")
            .symbols("A", "B")
            .noDefault()
            .endRecord();
    assertThatThrownBy(() -> new SpecificRowWriteSupport<>(withEnum).init(new Configuration(false)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("enum");
  }

  @Test
  void attributionChannelRowsShouldRoundTripWithNullEffects(@TempDir Path tmp) throws Exception {
    AttributionChannelRow row =
        new AttributionChannelRow(
            Instant.parse("2026-01-05T00:00:00Z"),
            Instant.parse("2026-01-06T00:00:00Z"),
            "SHAPLEY",
            "WEB",
            null,
            null,
            12.5,
            748.75);
    Path file = tmp.resolve("x.parquet");
    ParquetTestFiles.write(
        file,
        ParquetWriters.specific(
            AttributionChannelRow.class, ParquetWriters.forTable("attribution_channel")),
        List.of(row));
    assertThat(ParquetFiles.readAll(List.of(file), AttributionChannelRow.class))
        .containsExactly(row);
  }

  /** A row of nulls and empty lists and maps, then edge cases among ordinary values. */
  private static List<SpecificRecordBase> rows(Table table) {
    var schema = org.apache.avro.specific.SpecificData.get().getSchema(table.rowType());
    List<SpecificRecordBase> out =
        new ArrayList<>(RandomRows.rows(schema, 1, 0, RandomRows.MINIMAL));
    out.addAll(RandomRows.rows(schema, 1_500, table.ordinal(), RandomRows.EDGES));
    return out;
  }

  @SuppressWarnings("unchecked")
  private static ParquetBuilder<SpecificRecordBase> specific(Table t, ParquetWriters.Settings s) {
    return ParquetWriters.specific((Class<SpecificRecordBase>) t.rowType(), s);
  }

  @SuppressWarnings("unchecked")
  private static ParquetBuilder<SpecificRecordBase> avro(Table t, ParquetWriters.Settings s) {
    return ParquetTestFiles.avro((Class<SpecificRecordBase>) t.rowType(), s);
  }

  private static FileMetaData footer(Path file) throws Exception {
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
      return r.getFooter().getFileMetaData();
    }
  }
}
