package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventRows;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.FileMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The direct {@code events} writer writes what {@code AvroParquetWriter} writes for the events'
 * {@link EventRow}s: {@code AvroParquetReader} reads the same rows back, the footers carry the same
 * schema and metadata, and DuckDB sees the same types and rows.
 */
class EventWriteSupportTest {

  @Test
  void avroParquetReaderShouldReadBackTheEventRowsOfTheEvents(@TempDir Path tmp) throws Exception {
    List<Event> events = edgeCases();
    events.addAll(randomEvents(2_000, 7));
    Path file = tmp.resolve("events.parquet");
    ParquetTestFiles.write(file, ParquetWriters.events(ParquetWriters.forTable("events")), events);

    List<EventRow> read = ParquetFiles.readAll(List.of(file), EventRow.class);

    assertThat(read).containsExactlyElementsOf(events.stream().map(EventRows::eventRow).toList());
  }

  @Test
  void theFooterShouldBeWhatAvroParquetWriterWrites(@TempDir Path tmp) throws Exception {
    List<Event> events = edgeCases();
    Path direct = tmp.resolve("direct.parquet");
    Path avro = tmp.resolve("avro.parquet");
    ParquetTestFiles.write(direct, ParquetWriters.events(ParquetWriters.PARQUET_DEFAULTS), events);
    ParquetTestFiles.write(
        avro,
        ParquetTestFiles.avro(EventRow.class, ParquetWriters.PARQUET_DEFAULTS),
        events.stream().map(EventRows::eventRow).toList());

    FileMetaData d = footer(direct);
    FileMetaData a = footer(avro);
    assertThat(d.getSchema()).isEqualTo(a.getSchema());
    assertThat(d.getKeyValueMetaData())
        .isEqualTo(a.getKeyValueMetaData())
        .containsEntry("writer.model.name", "avro")
        .containsEntry("parquet.avro.schema", EventRow.getClassSchema().toString());
    assertThat(d.getCreatedBy()).isEqualTo(a.getCreatedBy());
  }

  @Test
  void duckDbShouldSeeTheSameTypesAndRowsAsFromTheAvroWriter(@TempDir Path tmp) throws Exception {
    List<Event> events = edgeCases();
    events.addAll(randomEvents(3_000, 11));
    ParquetTestFiles.write(
        tmp.resolve("old/events/dt=2026-01-05/part-0.parquet"),
        ParquetTestFiles.avro(EventRow.class, ParquetWriters.PARQUET_DEFAULTS),
        events.stream().map(EventRows::eventRow).toList());
    ParquetTestFiles.write(
        tmp.resolve("new/events/dt=2026-01-05/part-0.parquet"),
        ParquetWriters.events(ParquetWriters.forTable("events")),
        events);

    try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
      Map<String, String> oldTypes = ParquetTestFiles.describe(duck, tmp.resolve("old"), "events");
      assertThat(ParquetTestFiles.describe(duck, tmp.resolve("new"), "events"))
          .containsExactlyEntriesOf(oldTypes);
      assertThat(oldTypes)
          .containsEntry("event_time", "TIMESTAMP WITH TIME ZONE")
          .containsEntry("identities", "STRUCT(namespace VARCHAR, \"value\" VARCHAR)[]")
          .containsEntry("attributes", "MAP(VARCHAR, VARCHAR)")
          .containsEntry("value", "DOUBLE");
      List<String> oldRows = Duck.rows(duck, tmp.resolve("old"), "events", "*");
      assertThat(oldRows).hasSize(events.size());
      assertThat(Duck.rows(duck, tmp.resolve("new"), "events", "*"))
          .containsExactlyElementsOf(oldRows);
    }
  }

  @Test
  void anIdentityWithoutAColonShouldFailLoudly(@TempDir Path tmp) {
    Event e = event("e1", 1_000);
    e.identities = new String[] {"no-colon"};
    assertThatThrownBy(
            () ->
                ParquetTestFiles.write(
                    tmp.resolve("x.parquet"),
                    ParquetWriters.events(ParquetWriters.forTable("events")),
                    List.of(e)))
        .hasMessageContaining("no-colon");
  }

  private static FileMetaData footer(Path file) throws Exception {
    try (ParquetFileReader r = ParquetFileReader.open(new LocalInputFile(file))) {
      return r.getFooter().getFileMetaData();
    }
  }

  /** A bare event: required fields only. */
  static Event event(String id, long time) {
    Event e = new Event();
    e.eventId = id;
    e.eventTime = time;
    e.channel = (byte) Event.channelOrdinal("WEB");
    e.eventType = (byte) Event.eventTypeOrdinal("PAGE_VIEW");
    e.identities = new String[] {"cookie_id:c-1"};
    return e;
  }

  /**
   * Events at the edges: every optional field absent (null strings, NaN doubles, no person and no
   * journey), every field present, several identities, identity values with colons, empty and
   * non-empty attributes, unicode, zero and negative doubles, times before 1970 and far ahead.
   */
  static List<Event> edgeCases() {
    List<Event> out = new ArrayList<>();
    out.add(event("e-bare", 1_767_225_600_000L)); // no person, no journey, NaNs, no attributes

    Event full = event("e-full", 1_767_225_600_001L);
    full.channel = (byte) Event.channelOrdinal("CHAT");
    full.eventType = (byte) Event.eventTypeOrdinal("PURCHASE");
    full.identities =
        new String[] {"customer_id:C-1", "email:" + "ab".repeat(32), "cookie_id:ck:with:colons"};
    full.sessionId = "s-1";
    full.sourceSystem = "web-analytics";
    full.orderId = "o-1";
    full.productId = "sku-1";
    full.currency = "EUR";
    full.campaign = "spring-sale";
    full.topic = "delivery";
    full.outcome = "RESOLVED";
    full.value = 59.9;
    full.sentiment = -0.4;
    full.attributes = new String[] {"raw_channel", "KIOSK", "z", ""};
    full.personId = "p-3f2a9c0d11e4b7a2";
    full.journeyId = "j-0c1d2e3f4a5b6c7d";
    out.add(full);

    Event unicode = event("e-ünïcødé-事件-😀", -86_400_000L); // 1969-12-31
    unicode.identities = new String[] {"kundennummer_ß:wert-€-😀", "cookie_id:"};
    unicode.campaign = "été-2026 — «soldes»";
    unicode.attributes = new String[] {"", "empty key", "ключ", "значение-😀"};
    unicode.value = 0.0;
    unicode.sentiment = -1.0;
    unicode.personId = "p-0000000000000000";
    out.add(unicode);

    Event signs = event("e-signs", 4_102_444_799_999L); // 2099-12-31T23:59:59.999Z
    signs.value = -0.0;
    signs.sentiment = Double.NaN;
    signs.topic = "";
    signs.journeyId = "j-1";
    signs.personId = "p-1";
    out.add(signs);

    Event big = event("e-big", 1_767_225_600_002L);
    big.value = Double.MAX_VALUE;
    big.sentiment = Double.MIN_VALUE;
    big.productId = "x".repeat(5_000);
    big.identities = new String[] {"device_id:d-1", "cookie_id:c-1", "cookie_id:c-2"};
    out.add(big);
    return out;
  }

  /**
   * Random events with a few distinct values per column, so every column could use a dictionary.
   */
  static List<Event> randomEvents(int n, long seed) {
    Random r = new Random(seed);
    String[] namespaces = {"customer_id", "email", "cookie_id", "device_id", "other_ns"};
    String[] attrKeys = {"a", "b", "page", "raw_event_type"};
    List<Event> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Event e = event("e-" + r.nextInt(40), 1_767_225_600_000L + r.nextInt(40) * 1_000L);
      e.channel = (byte) r.nextInt(12);
      e.eventType = (byte) r.nextInt(21);
      String[] ids = new String[r.nextInt(3) + 1];
      for (int k = 0; k < ids.length; k++) {
        ids[k] = namespaces[r.nextInt(namespaces.length)] + ":v-" + r.nextInt(50);
      }
      e.identities = ids;
      e.sessionId = maybe(r, "s-" + r.nextInt(40));
      e.sourceSystem = maybe(r, "src-" + r.nextInt(3));
      e.orderId = maybe(r, "o-" + r.nextInt(40));
      e.productId = maybe(r, "sku-" + r.nextInt(40));
      e.currency = maybe(r, r.nextBoolean() ? "EUR" : "USD");
      e.campaign = maybe(r, "c-" + r.nextInt(5));
      e.topic = maybe(r, "t-" + r.nextInt(5));
      e.outcome = maybe(r, "RESOLVED");
      e.value = r.nextBoolean() ? Double.NaN : r.nextInt(40) * 2.5;
      e.sentiment = r.nextBoolean() ? Double.NaN : r.nextInt(5) / 4.0;
      int attrs = r.nextInt(3);
      e.attributes = new String[attrs * 2];
      for (int k = 0; k < attrs; k++) {
        e.attributes[2 * k] = attrKeys[k]; // distinct and sorted
        e.attributes[2 * k + 1] = "v" + r.nextInt(4);
      }
      e.personId = r.nextInt(10) == 0 ? null : "p-" + r.nextInt(40);
      e.journeyId = maybe(r, "j-" + r.nextInt(40));
      out.add(e);
    }
    return out;
  }

  private static String maybe(Random r, String s) {
    return r.nextInt(4) == 0 ? null : s;
  }
}
