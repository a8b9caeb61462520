package dev.omnichannel.monitor.io;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecordBase;

/** Rows of generated Avro record classes (the tables' row types) with random values, in tests. */
final class RandomRows {
  private RandomRows() {}

  /** Where the rows draw their values from. */
  interface Values {
    String string(Random r);

    long time(Random r);

    int integer(Random r);

    double number(Random r);

    /** True for a null in a nullable field. */
    boolean isNull(Random r);

    /** The size of an array or a map. */
    int size(Random r);
  }

  /**
   * A few values per field (so that every column would use a dictionary), nulls in a quarter of the
   * nullable fields, arrays and maps of up to 2 entries.
   */
  static final Values FEW =
      new Values() {
        @Override
        public String string(Random r) {
          return "v-" + r.nextInt(8);
        }

        @Override
        public long time(Random r) {
          return 1_767_225_600_000L + r.nextInt(8) * 1000L;
        }

        @Override
        public int integer(Random r) {
          return r.nextInt(8);
        }

        @Override
        public double number(Random r) {
          return r.nextInt(8) / 4.0;
        }

        @Override
        public boolean isNull(Random r) {
          return r.nextInt(4) == 0;
        }

        @Override
        public int size(Random r) {
          return r.nextInt(3);
        }
      };

  private static final String[] EDGE_STRINGS = {
    "",
    " ",
    "e-000123",
    "ünï-😀-«été»-日本",
    "quote ' double \" pipe | tab \t newline \n end",
    "x".repeat(3_000),
  };
  private static final long[] EDGE_TIMES = {
    0L, -1L, 1L, 1_767_225_600_000L, 1_767_225_599_999L, 4_102_444_799_999L, -2_208_988_800_000L
  };
  private static final int[] EDGE_INTS = {0, 1, -1, Integer.MAX_VALUE, Integer.MIN_VALUE};
  private static final double[] EDGE_NUMBERS = {
    0.0,
    -0.0,
    1.0 / 3,
    -59.9,
    Double.MAX_VALUE,
    Double.MIN_VALUE,
    Double.NaN,
    Double.POSITIVE_INFINITY,
    Double.NEGATIVE_INFINITY
  };

  /**
   * Edge cases (empty, unicode, quotes and newlines, 3,000-character strings; times before 1970 and
   * far ahead; extreme, negative zero, NaN and infinite numbers) among ordinary values, nulls in a
   * third of the nullable fields, arrays and maps of up to 3 entries.
   */
  static final Values EDGES =
      new Values() {
        @Override
        public String string(Random r) {
          return r.nextBoolean()
              ? EDGE_STRINGS[r.nextInt(EDGE_STRINGS.length)]
              : "v-" + r.nextInt(1_000);
        }

        @Override
        public long time(Random r) {
          return r.nextBoolean()
              ? EDGE_TIMES[r.nextInt(EDGE_TIMES.length)]
              : 1_767_225_600_000L + r.nextInt(86_400_000);
        }

        @Override
        public int integer(Random r) {
          return r.nextBoolean() ? EDGE_INTS[r.nextInt(EDGE_INTS.length)] : r.nextInt(100);
        }

        @Override
        public double number(Random r) {
          return r.nextBoolean()
              ? EDGE_NUMBERS[r.nextInt(EDGE_NUMBERS.length)]
              : r.nextInt(100_000) / 100.0;
        }

        @Override
        public boolean isNull(Random r) {
          return r.nextInt(3) == 0;
        }

        @Override
        public int size(Random r) {
          return r.nextInt(4);
        }
      };

  /** Every nullable field null, every array and map empty, empty strings, zeros. */
  static final Values MINIMAL =
      new Values() {
        @Override
        public String string(Random r) {
          return "";
        }

        @Override
        public long time(Random r) {
          return 0;
        }

        @Override
        public int integer(Random r) {
          return 0;
        }

        @Override
        public double number(Random r) {
          return 0;
        }

        @Override
        public boolean isNull(Random r) {
          return true;
        }

        @Override
        public int size(Random r) {
          return 0;
        }
      };

  /** {@code n} rows of {@code schema}'s generated class with {@code values}. */
  static List<SpecificRecordBase> rows(Schema schema, int n, long seed, Values values) {
    Random r = new Random(seed);
    List<SpecificRecordBase> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add((SpecificRecordBase) value(schema, r, values));
    }
    return out;
  }

  /** {@code n} rows of {@code type} with {@code values}. */
  @SuppressWarnings("unchecked")
  static <T extends SpecificRecordBase> List<T> rows(
      Class<T> type, int n, long seed, Values values) {
    return (List<T>) rows(SpecificData.get().getSchema(type), n, seed, values);
  }

  private static Object value(Schema s, Random r, Values v) {
    switch (s.getType()) {
      case RECORD:
        SpecificRecordBase rec = (SpecificRecordBase) SpecificData.get().newRecord(null, s);
        for (Schema.Field f : s.getFields()) {
          rec.put(f.pos(), value(f.schema(), r, v));
        }
        return rec;
      case UNION:
        Schema nonNull =
            s.getTypes().stream().filter(x -> x.getType() != Schema.Type.NULL).findFirst().get();
        return v.isNull(r) ? null : value(nonNull, r, v);
      case STRING:
        return v.string(r);
      case LONG:
        long t = v.time(r);
        return s.getLogicalType() != null ? Instant.ofEpochMilli(t) : t;
      case INT:
        return v.integer(r);
      case DOUBLE:
        return v.number(r);
      case BOOLEAN:
        return r.nextBoolean();
      case ARRAY:
        List<Object> list = new ArrayList<>();
        for (int k = v.size(r); k > 0; k--) {
          list.add(value(s.getElementType(), r, v));
        }
        return list;
      case MAP:
        Map<String, Object> map = new HashMap<>();
        for (int k = v.size(r); k > 0; k--) {
          map.put(v.string(r), value(s.getValueType(), r, v));
        }
        return map;
      default:
        throw new IllegalArgumentException("no random values for " + s);
    }
  }
}
