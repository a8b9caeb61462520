package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.testing.Duck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.flink.formats.parquet.ParquetBuilder;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;

/** Writing rows with the job's Parquet writers, and looking into the files, in tests. */
public final class ParquetTestFiles {
  /**
   * Parquet's own Avro writer of Avro-specific {@code type} rows with {@code settings}: the
   * reference the job's field-by-field writers are compared with.
   */
  static <T extends org.apache.avro.specific.SpecificRecordBase> ParquetBuilder<T> avro(
      Class<T> type, ParquetWriters.Settings settings) {
    return out -> {
      org.apache.avro.specific.SpecificData model =
          org.apache.avro.specific.SpecificData.getForClass(type);
      return settings
          .applyTo(
              org.apache.parquet.avro.AvroParquetWriter.<T>builder(out)
                  .withSchema(model.getSchema(type))
                  .withDataModel(model))
          .build();
    };
  }

  private ParquetTestFiles() {}

  /** Writes {@code rows} to {@code file} with {@code writer}, as the sink's writer factory does. */
  public static <T> void write(Path file, ParquetBuilder<T> writer, List<T> rows)
      throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (ParquetWriter<T> w = writer.createWriter(new LocalOutputFile(file))) {
      for (T r : rows) {
        w.write(r);
      }
    }
  }

  /** Each column's encodings (dot path to the union over the file's column chunks). */
  static Map<String, Set<Encoding>> encodings(Path file) throws IOException {
    Map<String, Set<Encoding>> out = new TreeMap<>();
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
      for (BlockMetaData b : r.getFooter().getBlocks()) {
        for (ColumnChunkMetaData c : b.getColumns()) {
          out.computeIfAbsent(c.getPath().toDotString(), k -> new java.util.TreeSet<>())
              .addAll(c.getEncodings());
        }
      }
    }
    return out;
  }

  /** True when the encodings include a dictionary one. */
  static boolean dictionary(Set<Encoding> encodings) {
    return encodings.stream().anyMatch(Encoding::usesDictionary);
  }

  /** Column name to type, as DuckDB's {@code DESCRIBE} reports them for the table under dir. */
  static Map<String, String> describe(Connection duck, Path dir, String table) throws Exception {
    Map<String, String> types = new LinkedHashMap<>();
    try (var st = duck.createStatement();
        var rs = st.executeQuery("DESCRIBE SELECT * FROM " + Duck.table(dir, table))) {
      while (rs.next()) {
        types.put(rs.getString("column_name"), rs.getString("column_type"));
      }
    }
    return types;
  }
}
