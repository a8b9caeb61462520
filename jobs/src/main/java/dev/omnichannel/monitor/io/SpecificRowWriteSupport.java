package dev.omnichannel.monitor.io;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Writes the rows of a generated Avro record class (a table's row type) with a plan made once per
 * file from the Avro schema and its Parquet conversion: for each field its Parquet name and
 * position, whether it may be null, and a writer for its type. A row's values are read with the
 * generated {@code get(int)}; there is no data model, schema walk, union resolution or logical-type
 * conversion lookup per value, as in {@code AvroWriteSupport}.
 *
 * <p>The files are those {@code AvroParquetWriter} writes for the same rows (same schema and footer
 * metadata, see {@link AvroCompatibleWriteSupport}), and the values are written as {@code
 * AvroWriteSupport} writes them:
 *
 * <ul>
 *   <li>strings as UTF-8, timestamp-millis as the epoch milliseconds of the {@link Instant};
 *   <li>a null in a nullable field ({@code ["null", T]}) as absent; in any other field it fails;
 *   <li>arrays as two-level lists (repeated {@code array}, the converter's default), empty ones as
 *       an empty group; a null element fails, as there;
 *   <li>maps as {@code key_value} groups in the map's iteration order;
 *   <li>nested records as groups.
 * </ul>
 *
 * <p>Types no table uses (enums, bytes, fixed, floats, unions of several types, other logical
 * types) are rejected when the plan is made, so a schema change that needs them fails the writer
 * tests instead of writing other files than the Avro writer would.
 */
public final class SpecificRowWriteSupport<T extends IndexedRecord>
    extends AvroCompatibleWriteSupport<T> {
  private RecordWriter row;

  public SpecificRowWriteSupport(Schema avroSchema) {
    super(avroSchema);
  }

  /** The write support of {@code type}'s rows. */
  public static <T extends SpecificRecordBase> SpecificRowWriteSupport<T> of(Class<T> type) {
    return new SpecificRowWriteSupport<>(SpecificData.getForClass(type).getSchema(type));
  }

  @Override
  protected void prepare(MessageType schema) {
    row = new RecordWriter(schema, avroSchema());
  }

  @Override
  public void write(T record) {
    out.startMessage();
    row.writeFields(out, record);
    out.endMessage();
  }

  /** Writes one non-null value. */
  @FunctionalInterface
  private interface ValueWriter {
    void write(RecordConsumer out, Object value);
  }

  /** A record field: Parquet name and index, Avro position, nullability and value writer. */
  private record Field(String name, int index, int pos, boolean nullable, ValueWriter writer) {}

  /** A record's fields in order; as a value (a nested record), a group of them. */
  private static final class RecordWriter implements ValueWriter {
    private final String recordName;
    private final Field[] fields;

    RecordWriter(GroupType group, Schema record) {
      this.recordName = record.getFullName();
      List<Field> fs = new ArrayList<>();
      for (Schema.Field f : record.getFields()) {
        Schema type = nonNull(f.schema());
        int index = group.getFieldIndex(f.name());
        fs.add(
            new Field(
                f.name(), index, f.pos(), type != f.schema(), writer(group.getType(index), type)));
      }
      this.fields = fs.toArray(new Field[0]);
    }

    void writeFields(RecordConsumer out, IndexedRecord r) {
      for (Field f : fields) {
        Object v = r.get(f.pos);
        if (v != null) {
          out.startField(f.name, f.index);
          f.writer.write(out, v);
          out.endField(f.name, f.index);
        } else if (!f.nullable) {
          throw new NullPointerException(recordName + ": null value for required field " + f.name);
        }
      }
    }

    @Override
    public void write(RecordConsumer out, Object value) {
      out.startGroup();
      writeFields(out, (IndexedRecord) value);
      out.endGroup();
    }
  }

  /** The writer of values of Avro type {@code s} (not a union) stored as Parquet {@code type}. */
  private static ValueWriter writer(Type type, Schema s) {
    LogicalType logical = s.getLogicalType();
    if (logical != null && !(logical instanceof LogicalTypes.TimestampMillis)) {
      throw unsupported(s);
    }
    return switch (s.getType()) {
      case STRING -> (out, v) -> out.addBinary(utf8(v.toString()));
      case LONG ->
          logical == null
              ? (out, v) -> out.addLong((Long) v)
              : (out, v) -> out.addLong(((Instant) v).toEpochMilli());
      case INT -> (out, v) -> out.addInteger((Integer) v);
      case DOUBLE -> (out, v) -> out.addDouble((Double) v);
      case BOOLEAN -> (out, v) -> out.addBoolean((Boolean) v);
      case RECORD -> new RecordWriter(type.asGroupType(), s);
      case ARRAY -> listWriter(type.asGroupType(), s);
      case MAP -> mapWriter(type.asGroupType(), s);
      default -> throw unsupported(s);
    };
  }

  /** A two-level list: a group holding the elements as the repeated field {@code array}. */
  private static ValueWriter listWriter(GroupType list, Schema array) {
    Type repeated = list.getType(0);
    if (list.getFieldCount() != 1
        || !repeated.isRepetition(Type.Repetition.REPEATED)
        || !repeated.getName().equals("array")) {
      throw new IllegalStateException(
          "expected an array as a two-level list (repeated array), got " + list);
    }
    ValueWriter element = writer(repeated, array.getElementType());
    return (out, v) -> {
      out.startGroup();
      Collection<?> elements = (Collection<?>) v;
      if (!elements.isEmpty()) {
        out.startField("array", 0);
        for (Object e : elements) {
          if (e == null) {
            throw new NullPointerException("null element in array " + list.getName());
          }
          element.write(out, e);
        }
        out.endField("array", 0);
      }
      out.endGroup();
    };
  }

  /** A map: a group of repeated {@code key_value} groups. */
  private static ValueWriter mapWriter(GroupType map, Schema s) {
    GroupType keyValue = map.getType(0).asGroupType();
    Schema valueSchema = nonNull(s.getValueType());
    boolean nullable = valueSchema != s.getValueType();
    ValueWriter value = writer(keyValue.getType(1), valueSchema);
    return (out, v) -> {
      out.startGroup();
      Map<?, ?> entries = (Map<?, ?>) v;
      if (!entries.isEmpty()) {
        out.startField("key_value", 0);
        for (Map.Entry<?, ?> e : entries.entrySet()) {
          out.startGroup();
          out.startField("key", 0);
          out.addBinary(utf8(e.getKey().toString()));
          out.endField("key", 0);
          if (e.getValue() != null) {
            out.startField("value", 1);
            value.write(out, e.getValue());
            out.endField("value", 1);
          } else if (!nullable) {
            throw new NullPointerException("null value in map " + map.getName());
          }
          out.endGroup();
        }
        out.endField("key_value", 0);
      }
      out.endGroup();
    };
  }

  /** The type of a nullable field ({@code ["null", T]}: {@code T}), else the schema itself. */
  private static Schema nonNull(Schema s) {
    if (s.getType() != Schema.Type.UNION) {
      return s;
    }
    List<Schema> types = s.getTypes();
    if (types.size() == 2 && types.get(0).getType() == Schema.Type.NULL) {
      return types.get(1);
    }
    if (types.size() == 2 && types.get(1).getType() == Schema.Type.NULL) {
      return types.get(0);
    }
    throw unsupported(s);
  }

  private static IllegalArgumentException unsupported(Schema s) {
    return new IllegalArgumentException("no direct Parquet writer for Avro type " + s);
  }
}
