package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.AttributionRow;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The direct attribution writer writes what {@code AvroParquetWriter} writes for the rows. */
class AttributionWriteSupportTest {

  @Test
  void avroParquetReaderShouldReadBackTheRows(@TempDir Path tmp) throws Exception {
    List<AttributionRow> rows = rows();
    Path file = tmp.resolve("attribution.parquet");
    ParquetTestFiles.write(file, direct(ParquetWriters.forTable("attribution")), rows);

    assertThat(ParquetFiles.readAll(List.of(file), AttributionRow.class))
        .containsExactlyElementsOf(rows);
  }

  @Test
  void theFooterShouldBeWhatAvroParquetWriterWrites(@TempDir Path tmp) throws Exception {
    List<AttributionRow> rows = rows();
    Path direct = tmp.resolve("direct.parquet");
    Path avro = tmp.resolve("avro.parquet");
    ParquetTestFiles.write(direct, direct(ParquetWriters.PARQUET_DEFAULTS), rows);
    ParquetTestFiles.write(
        avro, ParquetTestFiles.avro(AttributionRow.class, ParquetWriters.PARQUET_DEFAULTS), rows);

    FileMetaData d = footer(direct);
    FileMetaData a = footer(avro);
    assertThat(d.getSchema()).isEqualTo(a.getSchema());
    assertThat(d.getKeyValueMetaData())
        .isEqualTo(a.getKeyValueMetaData())
        .containsEntry("writer.model.name", "avro")
        .containsEntry("parquet.avro.schema", AttributionRow.getClassSchema().toString());
  }

  @Test
  void duckDbShouldSeeTheSameTypesAndRowsAsFromTheAvroWriter(@TempDir Path tmp) throws Exception {
    List<AttributionRow> rows = rows();
    ParquetTestFiles.write(
        tmp.resolve("old/attribution/dt=2026-01-05/part-0.parquet"),
        ParquetTestFiles.avro(AttributionRow.class, ParquetWriters.PARQUET_DEFAULTS),
        rows);
    ParquetTestFiles.write(
        tmp.resolve("new/attribution/dt=2026-01-05/part-0.parquet"),
        direct(ParquetWriters.forTable("attribution")),
        rows);

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      var oldTypes = ParquetTestFiles.describe(duck, tmp.resolve("old"), "attribution");
      assertThat(ParquetTestFiles.describe(duck, tmp.resolve("new"), "attribution"))
          .containsExactlyEntriesOf(oldTypes);
      assertThat(oldTypes)
          .containsEntry("conversion_time", "TIMESTAMP WITH TIME ZONE")
          .containsEntry("credited_value", "DOUBLE");
      List<String> oldRows = Duck.rows(duck, tmp.resolve("old"), "attribution", "*");
      assertThat(oldRows).hasSize(rows.size());
      assertThat(Duck.rows(duck, tmp.resolve("new"), "attribution", "*"))
          .containsExactlyElementsOf(oldRows);
    }
  }

  private static org.apache.flink.formats.parquet.ParquetBuilder<AttributionRow> direct(
      ParquetWriters.Settings s) {
    return ParquetWriters.direct(AttributionWriteSupport::new, s);
  }

  private static FileMetaData footer(Path file) throws Exception {
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
      return r.getFooter().getFileMetaData();
    }
  }

  /** Edge cases (no value, unicode, extreme numbers, times around 1970) and random rows. */
  static List<AttributionRow> rows() {
    List<AttributionRow> out = new ArrayList<>();
    out.add(row("e-1", "LINEAR", "WEB", 0.5, null, 1_767_225_600_000L));
    out.add(row("e-1", "LINEAR", "CHAT", 0.5, 19.95, 1_767_225_600_000L));
    out.add(row("e-ünï-😀", "TIME_DECAY", "campagne-été-«x»-😀", 1.0, -0.0, -1L));
    out.add(row("e-3", "PARTICIPATION", "", 0.0, Double.MAX_VALUE, 0L));
    out.add(row("e-4", "MARKOV", "x".repeat(3_000), Double.MIN_VALUE, 0.0, 4_102_444_799_999L));
    for (SpecificRecordBase r :
        RandomRows.rows(AttributionRow.getClassSchema(), 2_000, 9, RandomRows.EDGES)) {
      out.add((AttributionRow) r);
    }
    return out;
  }

  private static AttributionRow row(
      String conversion, String model, String channel, double credit, Double value, long time) {
    return AttributionRow.newBuilder()
        .setConversionEventId(conversion)
        .setJourneyId("j-" + conversion)
        .setPersonId("p-" + conversion)
        .setConversionTime(Instant.ofEpochMilli(time))
        .setModel(model)
        .setChannel(channel)
        .setCredit(credit)
        .setCreditedValue(value)
        .build();
  }
}
