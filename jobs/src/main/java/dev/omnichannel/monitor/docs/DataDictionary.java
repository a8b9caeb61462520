package dev.omnichannel.monitor.docs;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;

/**
 * Renders the data dictionary ({@code docs/data-dictionary.md}) from the Avro schemas in {@code
 * schemas/}, which the build also copies onto the classpath under {@code /schemas}. Every column's
 * meaning, unit and example come from the schema's {@code doc}, {@code unit} and {@code example}
 * field properties, so the dictionary cannot drift from the schemas ({@code DataDictionaryTest}
 * fails when the committed file differs from what this class renders).
 *
 * <p>Usage: {@code DataDictionary <out.md>}; see {@code docs/data-dictionary.md} for the command.
 */
public final class DataDictionary {
  /** An output table: its name, schema file, partition date and which modes write it. */
  public record Table(String name, String schemaFile, String partitionDate, String writtenBy) {}

  /** The output tables, in the order of {@code BackfillPipeline.TABLES}, then stream-only ones. */
  public static final List<Table> TABLES =
      List.of(
          new Table("events", "event_row.avsc", "`event_time`", "backfill and stream"),
          new Table("journeys", "journey_row.avsc", "`end_time`", "backfill and stream"),
          new Table(
              "journey_matches",
              "journey_match_row.avsc",
              "`last_event_time` (the last matched event)",
              "backfill and stream"),
          new Table(
              "friction",
              "friction_row.avsc",
              "`detected_at` (the last evidence event)",
              "backfill and stream"),
          new Table(
              "attribution", "attribution_row.avsc", "`conversion_time`", "backfill and stream"),
          new Table(
              "attribution_channel",
              "attribution_channel_row.avsc",
              "`window_end` minus 1 ms (the window's last day)",
              "backfill and stream"),
          new Table(
              "identity_merges",
              "identity_merge_row.avsc",
              "`event_time`",
              "backfill (rejected links) and stream (rejected links and applied merges)"),
          new Table(
              "persons",
              "person_row.avsc",
              "`last_seen` (the person's last event)",
              "backfill (one row per person) and stream (a row per profile update)"),
          new Table(
              "dead_letters",
              "dead_letter_row.avsc",
              "`event_time` when it parsed and was plausible; else the backfill's `--from` date (the"
                  + " range's first date without `--from`), or the processing date in stream mode",
              "backfill and stream"),
          new Table("late_events", "late_event_row.avsc", "`event_time`", "stream only"));

  /** The input schema. */
  public static final String INPUT_SCHEMA = "channel_event.avsc";

  private static final String IDENTITY_SCHEMA = "identity.avsc";

  private DataDictionary() {}

  /** Writes the dictionary to {@code args[0]} (default {@code docs/data-dictionary.md}). */
  public static void main(String[] args) throws IOException {
    Path out = Path.of(args.length > 0 ? args[0] : "docs/data-dictionary.md");
    if (out.getParent() != null) {
      Files.createDirectories(out.getParent());
    }
    Files.writeString(out, render(), StandardCharsets.UTF_8);
    System.out.println("wrote " + out.toAbsolutePath());
  }

  /** Every schema of {@code schemas/}, by file name, parsed from the classpath. */
  public static Map<String, Schema> schemas() {
    Schema.Parser parser = new Schema.Parser();
    Map<String, Schema> schemas = new LinkedHashMap<>();
    schemas.put(IDENTITY_SCHEMA, parse(parser, IDENTITY_SCHEMA));
    schemas.put(INPUT_SCHEMA, parse(parser, INPUT_SCHEMA));
    for (Table t : TABLES) {
      schemas.put(t.schemaFile(), parse(parser, t.schemaFile()));
    }
    return schemas;
  }

  private static Schema parse(Schema.Parser parser, String file) {
    try (InputStream in = DataDictionary.class.getResourceAsStream("/schemas/" + file)) {
      if (in == null) {
        throw new IllegalStateException("schema /schemas/" + file + " is not on the classpath");
      }
      return parser.parse(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The Markdown of the dictionary. */
  public static String render() {
    Map<String, Schema> schemas = schemas();
    StringBuilder b = new StringBuilder();
    b.append("# Data dictionary\n\n")
        .append(
            "<!-- Generated from schemas/*.avsc by dev.omnichannel.monitor.docs.DataDictionary;")
        .append(" do not edit by hand. -->\n\n")
        .append("Generated from the Avro schemas in [`schemas/`](../schemas) (each field's `doc`,")
        .append(
            " `unit` and `example`). To change a description, edit the schema and regenerate:\n\n")
        .append("```sh\n")
        .append(REGENERATE)
        .append("\n```\n\n")
        .append("`DataDictionaryTest` fails when this file differs from the schemas, when a field")
        .append(" has no `doc` or an output column no `example`, and when the DuckDB types below")
        .append(
            " differ from what DuckDB reports for Parquet files written like the job's sinks.\n\n")
        .append("Every table lives under `<output>/<table>/dt=YYYY-MM-DD/*.parquet`")
        .append(
            " (Snappy-compressed); `dt` is the UTC date of the table's partition date, given below.")
        .append(" Read a table with")
        .append(" `SELECT * FROM read_parquet('<output>/<table>/**/*.parquet')`.")
        .append(" Types are as DuckDB reports them (`DESCRIBE`); enums are written as strings;")
        .append(" times are UTC instants with millisecond precision. DuckDB itself reports every")
        .append(" Parquet column as nullable; the *nullable* column below says whether the job can")
        .append(" write a null.\n\n");
    b.append(
        "## Tables\n\n| table | one row per | partition date (`dt`) | written by |\n|---|---|---|---|\n");
    for (Table t : TABLES) {
      b.append("| [`")
          .append(t.name())
          .append("`](#")
          .append(t.name())
          .append(") | ")
          .append(cell(onePer(schemas.get(t.schemaFile()))))
          .append(" | ")
          .append(cell(t.partitionDate()))
          .append(" | ")
          .append(t.writtenBy())
          .append(" |\n");
    }
    b.append("| [input: `ChannelEvent`](#input-channelevent) | input record | | |\n\n");
    for (Table t : TABLES) {
      Schema s = schemas.get(t.schemaFile());
      b.append("## ").append(t.name()).append("\n\n");
      b.append(s.getDoc()).append("\n\n");
      b.append("- Path: `<output>/").append(t.name()).append("/dt=YYYY-MM-DD/*.parquet`\n");
      b.append("- Partition date `dt`: UTC date of ").append(t.partitionDate()).append('\n');
      b.append("- Written by: ").append(t.writtenBy()).append('\n');
      b.append("- Schema: [`schemas/")
          .append(t.schemaFile())
          .append("`](../schemas/")
          .append(t.schemaFile())
          .append(") (`")
          .append(s.getFullName())
          .append("`)\n\n");
      b.append("| column | DuckDB type | nullable | meaning | unit | example |\n");
      b.append("|---|---|---|---|---|---|\n");
      for (Schema.Field f : s.getFields()) {
        row(b, f, "`" + cell(duckDbType(f.schema())) + "`");
      }
      b.append('\n');
    }
    Schema in = schemas.get(INPUT_SCHEMA);
    b.append("## Input: ChannelEvent\n\n").append(in.getDoc()).append("\n\n");
    b.append("- Schema: [`schemas/")
        .append(INPUT_SCHEMA)
        .append("`](../schemas/")
        .append(INPUT_SCHEMA)
        .append(") (`")
        .append(in.getFullName())
        .append("`), with `Identity` from [`schemas/")
        .append(IDENTITY_SCHEMA)
        .append("`](../schemas/")
        .append(IDENTITY_SCHEMA)
        .append(")\n\n");
    b.append("| field | Avro type | nullable | meaning | unit | example |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (Schema.Field f : in.getFields()) {
      row(b, f, cell(avroType(f.schema())));
    }
    Schema identity = schemas.get(IDENTITY_SCHEMA);
    b.append("\n### Identity\n\n").append(identity.getDoc()).append("\n\n");
    b.append("| field | Avro type | nullable | meaning | unit | example |\n");
    b.append("|---|---|---|---|---|---|\n");
    for (Schema.Field f : identity.getFields()) {
      row(b, f, cell(avroType(f.schema())));
    }
    return b.toString();
  }

  /** One field as a table row: name, {@code type}, nullable, meaning, unit, example. */
  private static void row(StringBuilder b, Schema.Field f, String type) {
    b.append("| `")
        .append(f.name())
        .append("` | ")
        .append(type)
        .append(" | ")
        .append(nullable(f.schema()) ? "yes" : "no")
        .append(" | ")
        .append(cell(f.doc()))
        .append(" | ")
        .append(cell(prop(f, "unit")))
        .append(" | ")
        .append(code(prop(f, "example")))
        .append(" |\n");
  }

  /** The command that regenerates the dictionary, run from the repository root. */
  public static final String REGENERATE =
      "DATA_DICTIONARY_WRITE=1 mvn -B -q -o -pl jobs test -Dtest=DataDictionaryTest";

  /** "one row per ..." from a table schema's doc ("Table x: one row per y. ..."). */
  private static String onePer(Schema s) {
    String doc = s.getDoc();
    int i = doc.indexOf("one row per ");
    if (i < 0) {
      return "";
    }
    int end = doc.indexOf(". ", i);
    return doc.substring(i + "one row per ".length(), end < 0 ? doc.length() : end);
  }

  /** A field property as a string, or empty. */
  public static String prop(Schema.Field f, String name) {
    Object v = f.getObjectProp(name);
    return v == null ? "" : v.toString();
  }

  /** Whether the schema is a union with null. */
  public static boolean nullable(Schema s) {
    return s.getType() == Schema.Type.UNION
        && s.getTypes().stream().anyMatch(t -> t.getType() == Schema.Type.NULL);
  }

  /** The type DuckDB reports for a Parquet column written by parquet-avro from {@code s}. */
  public static String duckDbType(Schema s) {
    LogicalType logical = s.getLogicalType();
    switch (s.getType()) {
      case UNION:
        List<Schema> branches =
            s.getTypes().stream().filter(t -> t.getType() != Schema.Type.NULL).toList();
        if (branches.size() != 1) {
          throw new IllegalArgumentException("unsupported union " + s);
        }
        return duckDbType(branches.get(0));
      case STRING:
      case ENUM:
        return "VARCHAR";
      case LONG:
        if (logical instanceof LogicalTypes.TimestampMillis) {
          return "TIMESTAMP WITH TIME ZONE";
        }
        return "BIGINT";
      case INT:
        return "INTEGER";
      case DOUBLE:
        return "DOUBLE";
      case FLOAT:
        return "FLOAT";
      case BOOLEAN:
        return "BOOLEAN";
      case ARRAY:
        return duckDbType(s.getElementType()) + "[]";
      case MAP:
        return "MAP(VARCHAR, " + duckDbType(s.getValueType()) + ")";
      case RECORD:
        List<String> members = new ArrayList<>();
        for (Schema.Field f : s.getFields()) {
          members.add(quote(f.name()) + " " + duckDbType(f.schema()));
        }
        return "STRUCT(" + String.join(", ", members) + ")";
      default:
        throw new IllegalArgumentException("unsupported type " + s);
    }
  }

  /** DuckDB quotes struct member names that are keywords. */
  private static String quote(String name) {
    return name.equals("value") ? "\"" + name + "\"" : name;
  }

  /** The Avro type as written in the schema, compactly. */
  public static String avroType(Schema s) {
    LogicalType logical = s.getLogicalType();
    switch (s.getType()) {
      case UNION:
        return s.getTypes().stream()
            .map(DataDictionary::avroType)
            .collect(Collectors.joining(" or "));
      case ENUM:
        return "enum " + s.getName() + " (" + String.join(", ", s.getEnumSymbols()) + ")";
      case ARRAY:
        return "array of " + avroType(s.getElementType());
      case MAP:
        return "map of " + avroType(s.getValueType());
      case RECORD:
        return s.getName();
      default:
        return s.getType().getName() + (logical == null ? "" : " (" + logical.getName() + ")");
    }
  }

  /** Text for a table cell: no line breaks, pipes escaped, no HTML tags ({@code <topic>}). */
  private static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;");
  }

  private static String code(String s) {
    return s == null || s.isEmpty() ? "" : "`" + s.replace("|", "\\|").replace("\n", " ") + "`";
  }
}
