package dev.omnichannel.monitor.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@link RowMapper}: each kind of rule on real rows, and each way a row does not fit. */
class RowMapperTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static RowMapper mapper(String yaml) {
    return new RowMapper(MappingTest.parse(yaml));
  }

  private static JsonNode event(RowMapper m, String line) throws Exception {
    RowMapper.Result r = m.map(line);
    assertThat(r.problem()).as("problem of %s", line).isNull();
    return JSON.readTree(r.json());
  }

  @Test
  void columnsConstantsValueMapsTimesScalingIdentitiesAndAttributes() throws Exception {
    RowMapper m = mapper(MappingTest.VALID);
    JsonNode e = event(m, "c-1,05/01/2026 14:30,S,5990,5,+44 7700 900123");
    assertThat(e.get("event_id").asText()).isEqualTo("c-1");
    // London is on GMT in January
    assertThat(e.get("event_time").asLong())
        .isEqualTo(Instant.parse("2026-01-05T14:30:00Z").toEpochMilli());
    assertThat(e.get("channel").asText()).isEqualTo("VOICE");
    assertThat(e.get("event_type").asText()).isEqualTo("PURCHASE");
    assertThat(e.get("value").asDouble()).isEqualTo(59.90);
    assertThat(e.get("sentiment").asDouble()).isEqualTo(1.0);
    assertThat(e.get("identities").toString())
        .isEqualTo("[{\"namespace\":\"phone\",\"value\":\"+44 7700 900123\"}]");
    assertThat(e.get("attributes").toString()).isEqualTo("{\"kind_code\":\"S\"}");

    // summer time: 14:30 in London is 13:30 UTC; an unknown code takes the default
    JsonNode summer = event(m, "c-2,05/07/2026 14:30,X,100,1,+44 7700 900124");
    assertThat(summer.get("event_time").asLong())
        .isEqualTo(Instant.parse("2026-07-05T13:30:00Z").toEpochMilli());
    assertThat(summer.get("event_type").asText()).isEqualTo("OTHER");
    assertThat(summer.get("sentiment").asDouble()).isEqualTo(-1.0);
  }

  @Test
  void emptyCellsLeaveTheirFieldsOut() throws Exception {
    JsonNode e = event(mapper(MappingTest.VALID), "c-3,05/01/2026 14:30,C,,,");
    assertThat(e.has("value")).isFalse();
    assertThat(e.has("sentiment")).isFalse();
    assertThat(e.get("identities").size()).isZero();
    assertThat(e.get("event_type").asText()).isEqualTo("CONTACT_END");
  }

  @Test
  void quotedCellsKeepTheirDelimiters() throws Exception {
    JsonNode e = event(mapper(MappingTest.VALID), "\"c,4\",05/01/2026 14:30,S,100,3,\"077 00\"");
    assertThat(e.get("event_id").asText()).isEqualTo("c,4");
    assertThat(e.get("identities").get(0).get("value").asText()).isEqualTo("077 00");
  }

  @Test
  void aRowThatDoesNotFitNamesTheColumnAndTheValue() {
    RowMapper m = mapper(MappingTest.VALID);
    assertThat(m.map("c-5,31/02/2026 25:00,S,1,3,p").problem())
        .isEqualTo("column at value \"31/02/2026 25:00\": not a time in format dd/MM/yyyy HH:mm");
    // strict: no 31 February (a lenient parser would read 28 February)
    assertThat(m.map("c-5,31/02/2026 14:30,S,1,3,p").problem())
        .isEqualTo("column at value \"31/02/2026 14:30\": not a time in format dd/MM/yyyy HH:mm");
    assertThat(m.map("c-5,05/01/2026 14:30,S,12.5x,3,p").problem())
        .isEqualTo("column amount value \"12.5x\": not a number (value)");
    assertThat(m.map("c-5,05/01/2026 14:30,S,1,NaN,p").problem())
        .isEqualTo("column csat value \"NaN\": not a finite number (sentiment)");
    assertThat(m.map("c-5,05/01/2026 14:30,S,1,3").problem())
        .isEqualTo("row has 5 columns, expected 6");
    assertThat(m.map("c-5,\"05/01/2026 14:30,S,1,3,p").problem()).startsWith("row is not csv: ");
  }

  @Test
  void aValueMissingFromAMapWithoutDefaultIsAMisfit() {
    RowMapper m =
        mapper(
            """
            format: tsv
            columns: [id, at, code, who]
            fields:
              event_id: id
              event_time: {column: at, format: epoch_millis}
              outcome: {column: code, values: {R1: RESOLVED, T: TRANSFERRED, X: ~}}
            identities: [{namespace: customer_id, column: who}]
            """);
    assertThat(m.map("1\t1767225600000\tZZ\tC1").problem())
        .isEqualTo(
            "column code value \"ZZ\": not a known value for outcome (expected one of R1, T, X)");
    assertThat(m.map("1\t1767225600000\tT\tC1").json()).contains("\"outcome\":\"TRANSFERRED\"");
    // a code mapped to nothing leaves the field out
    assertThat(m.map("1\t1767225600000\tX\tC1").json()).doesNotContain("outcome");
    assertThat(m.map("1\tsoon\tT\tC1").problem())
        .isEqualTo("column at value \"soon\": not a time in format epoch_millis");
  }

  @Test
  void fixedWidthEventIdsFromSeveralColumnsAndEpochSeconds() throws Exception {
    RowMapper m =
        mapper(
            """
            format: fixed
            columns:
              - {name: store, start: 1, end: 4}
              - {name: till, start: 5, end: 6}
              - {name: receipt, start: 7, end: 12}
              - {name: at, start: 13, end: 22}
              - {name: card, start: 23, end: 32}
            fields:
              event_id: {columns: [store, till, receipt], separator: "-"}
              event_time: {column: at, format: epoch_seconds}
            identities: [{namespace: loyalty_id, column: card}]
            """);
    JsonNode e = event(m, "S012T3000042" + "1767225600" + "LC-77     ");
    assertThat(e.get("event_id").asText()).isEqualTo("S012-T3-000042");
    assertThat(e.get("event_time").asLong()).isEqualTo(1767225600000L);
    assertThat(e.get("identities").get(0).get("value").asText()).isEqualTo("LC-77");
    // a short line: the missing till is empty, and the id cannot be built
    assertThat(m.map("S012").problem())
        .isEqualTo("column till value \"\": empty, but event_id is built from it");
  }

  @Test
  void isoTimesWithAnOffsetOrLocalInTheZone() throws Exception {
    RowMapper m =
        mapper(
            """
            format: csv
            columns: [id, at, who]
            time_zone: America/New_York
            fields: {event_id: id, event_time: at}
            identities: [{namespace: email, column: who}]
            """);
    assertThat(event(m, "1,2026-01-05T09:00:00+01:00,a@x.com").get("event_time").asLong())
        .isEqualTo(Instant.parse("2026-01-05T08:00:00Z").toEpochMilli());
    assertThat(event(m, "1,2026-01-05T09:00:00,a@x.com").get("event_time").asLong())
        .isEqualTo(Instant.parse("2026-01-05T14:00:00Z").toEpochMilli());
    assertThat(event(m, "\uFEFF1,2026-01-05T09:00:00Z,a@x.com").get("event_id").asText())
        .isEqualTo("1");
  }

  @Test
  void aHeaderMustNameTheColumnsInOrder() {
    RowMapper m = mapper(MappingTest.VALID);
    assertThat(m.headerProblem("\uFEFFid, AT ,kind,amount,csat,phone")).isNull();
    assertThat(m.headerProblem("id,at,kind,amount,csat"))
        .isEqualTo(
            "header column 6 is missing, the mapping expects phone (header: id, at, kind, amount,"
                + " csat)");
    assertThat(m.headerProblem("id,at,kind,amount,csat,phone,extra"))
        .isEqualTo(
            "header column 7 is \"extra\", the mapping expects no more columns (header: id, at,"
                + " kind, amount, csat, phone, extra)");
  }

  /** An ESP's activity as JSON objects: columns are the objects' top-level fields. */
  private static final String JSON_ESP =
      """
      format: json
      columns: [id, type, ts, email, meta]
      fields:
        event_id: {columns: [id, type], separator: ":"}
        event_time: {column: ts, format: epoch_seconds}
        channel: {constant: EMAIL}
        event_type: {column: type, values: {open: EMAIL_OPEN, click: EMAIL_CLICK}}
      identities:
        - {namespace: email, column: email}
      attributes:
        meta: meta
      """;

  @Test
  void jsonRowsReadTheirFieldsAsCells() throws Exception {
    RowMapper m = mapper(JSON_ESP);
    String line =
        "{\"id\":\"m-1\",\"type\":\"open\",\"ts\":1767603600,\"email\":\"Ana@Example.com\","
            + "\"meta\":{\"ua\":\"x\"},\"ignored\":true}";
    JsonNode e = event(m, line);
    assertThat(e.get("event_id").asText()).isEqualTo("m-1:open");
    assertThat(e.get("event_time").asLong()).isEqualTo(1_767_603_600_000L);
    assertThat(m.map(line).eventTime()).isEqualTo(1_767_603_600_000L);
    assertThat(e.get("event_type").asText()).isEqualTo("EMAIL_OPEN");
    // a nested value is its JSON text
    assertThat(e.get("attributes").get("meta").asText()).isEqualTo("{\"ua\":\"x\"}");
    // a missing or null field is an empty cell: no identity
    JsonNode anonymous = event(m, "{\"id\":\"m-2\",\"type\":\"click\",\"ts\":\"1767603601\"}");
    assertThat(anonymous.get("identities").size()).isZero();
    assertThat(
            event(m, "{\"id\":\"m-3\",\"type\":\"click\",\"ts\":1,\"email\":null}")
                .get("identities")
                .size())
        .isZero();

    assertThat(m.map("{\"id\":\"m-4\",\"type\":\"bounce\",\"ts\":1}").problem())
        .isEqualTo(
            "column type value \"bounce\": not a known value for event_type (expected one of open,"
                + " click)");
    assertThat(m.map("{\"id\":\"m-5\",\"type\":\"open\",\"ts\":\"soon\"}").problem())
        .isEqualTo("column ts value \"soon\": not a time in format epoch_seconds");
    assertThat(m.map("[1, 2]").problem()).isEqualTo("row is not a JSON object but ARRAY");
    assertThat(m.map("{\"id\": ").problem()).startsWith("row is not json: ");
    assertThat(m.map("{\"id\": ").eventTime()).isNull();
  }
}
