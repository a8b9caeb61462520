package dev.omnichannel.monitor.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetReader;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.io.LocalInputFile;

/** Reads back Parquet output: row counts from footers, rows as generic Avro records. */
public final class ParquetFiles {
  private ParquetFiles() {}

  /**
   * Hadoop settings for the readers, parsed once: a reader built without them parses Hadoop's
   * default XML resources again for every file.
   */
  private static final org.apache.hadoop.conf.Configuration CONF =
      ParquetWriters.HadoopSettings.copy();

  /** The files as Parquet input files. */
  public static List<org.apache.parquet.io.InputFile> local(List<Path> files) {
    List<org.apache.parquet.io.InputFile> out = new ArrayList<>(files.size());
    for (Path f : files) {
      out.add(new LocalInputFile(f));
    }
    return out;
  }

  /** Total rows of the files, from their footers. */
  public static long rowCount(List<Path> files) throws IOException {
    return rowCountOf(local(files));
  }

  /** Total rows of the files, from their footers. */
  public static long rowCountOf(List<org.apache.parquet.io.InputFile> files) throws IOException {
    long n = 0;
    for (org.apache.parquet.io.InputFile f : files) {
      try (ParquetFileReader r =
          ParquetFileReader.open(f, org.apache.parquet.HadoopReadOptions.builder(CONF).build())) {
        n += r.getRecordCount();
      }
    }
    return n;
  }

  /** Calls {@code sink} for every row of the files, in file order. */
  public static void forEach(List<Path> files, Consumer<GenericRecord> sink) throws IOException {
    for (Path f : files) {
      try (ParquetReader<GenericRecord> r =
          AvroParquetReader.<GenericRecord>builder(new LocalInputFile(f)).withConf(CONF).build()) {
        GenericRecord rec;
        while ((rec = r.read()) != null) {
          sink.accept(rec);
        }
      }
    }
  }

  /**
   * Calls {@code sink} for every row of the files, reading only {@code columns} (top-level fields
   * of the table's schema {@code schema}); the other fields of each record are null.
   */
  public static void forEach(
      List<Path> files,
      org.apache.avro.Schema schema,
      List<String> columns,
      Consumer<GenericRecord> sink)
      throws IOException {
    forEachOf(local(files), schema, columns, sink);
  }

  /** As {@link #forEach(List, org.apache.avro.Schema, List, Consumer)}, on any input files. */
  public static void forEachOf(
      List<org.apache.parquet.io.InputFile> files,
      org.apache.avro.Schema schema,
      List<String> columns,
      Consumer<GenericRecord> sink)
      throws IOException {
    List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
    for (String c : columns) {
      org.apache.avro.Schema.Field f = schema.getField(c);
      if (f == null) {
        throw new IllegalArgumentException(schema.getName() + " has no column " + c);
      }
      fields.add(new org.apache.avro.Schema.Field(f, f.schema()));
    }
    org.apache.avro.Schema projection =
        org.apache.avro.Schema.createRecord(
            schema.getName(), schema.getDoc(), schema.getNamespace(), false, fields);
    org.apache.hadoop.conf.Configuration conf = new org.apache.hadoop.conf.Configuration(CONF);
    org.apache.parquet.avro.AvroReadSupport.setRequestedProjection(conf, projection);
    for (org.apache.parquet.io.InputFile f : files) {
      try (ParquetReader<GenericRecord> r =
          AvroParquetReader.<GenericRecord>builder(f).withConf(conf).build()) {
        GenericRecord rec;
        while ((rec = r.read()) != null) {
          sink.accept(rec);
        }
      }
    }
  }

  /**
   * Every row of the files as Avro-specific records of {@code type}. Map columns keep the order of
   * their entries in the file (Parquet's reader would put them in a {@code HashMap}), so rows
   * written back are the rows read.
   */
  public static <T extends org.apache.avro.specific.SpecificRecordBase> List<T> readAll(
      List<Path> files, Class<T> type) throws IOException {
    List<T> out = new ArrayList<>();
    org.apache.avro.specific.SpecificData model = orderedMaps(type);
    for (Path f : files) {
      try (ParquetReader<T> r =
          AvroParquetReader.<T>builder(new LocalInputFile(f))
              .withDataModel(model)
              .withConf(CONF)
              .build()) {
        T rec;
        while ((rec = r.read()) != null) {
          out.add(rec);
        }
      }
    }
    return out;
  }

  /**
   * The data model of {@code type} (with its logical-type conversions) that reads map columns into
   * a {@link java.util.LinkedHashMap}: parquet-avro asks the model for a map's class.
   */
  private static org.apache.avro.specific.SpecificData orderedMaps(Class<?> type) {
    org.apache.avro.specific.SpecificData base =
        org.apache.avro.specific.SpecificData.getForClass(type);
    org.apache.avro.specific.SpecificData model =
        new org.apache.avro.specific.SpecificData(type.getClassLoader()) {
          @Override
          public Class<?> getClass(org.apache.avro.Schema schema) {
            return schema.getType() == org.apache.avro.Schema.Type.MAP
                ? java.util.LinkedHashMap.class
                : super.getClass(schema);
          }
        };
    base.getConversions().forEach(model::addLogicalTypeConversion);
    return model;
  }

  /** Every Parquet file under {@code dir}, sorted. */
  public static List<Path> under(Path dir) throws IOException {
    if (!java.nio.file.Files.isDirectory(dir)) {
      return List.of();
    }
    try (java.util.stream.Stream<Path> s = java.nio.file.Files.walk(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
  }

  /** Every row of the files. */
  public static List<GenericRecord> readAll(List<Path> files) throws IOException {
    List<GenericRecord> out = new ArrayList<>();
    forEach(files, out::add);
    return out;
  }
}
