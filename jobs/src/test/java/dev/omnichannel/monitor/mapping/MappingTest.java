package dev.omnichannel.monitor.mapping;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** {@link Mapping}: what a valid file gives, and every kind of problem as file: field: problem. */
class MappingTest {
  /** A valid CSV mapping; the cases below change one line of it. */
  static final String VALID =
      """
      format: csv
      header: true
      columns: [id, at, kind, amount, csat, phone]
      time_zone: Europe/London
      fields:
        event_id: id
        event_time: {column: at, format: "dd/MM/yyyy HH:mm"}
        channel: {constant: VOICE}
        event_type: {column: kind, values: {S: PURCHASE, C: CONTACT_END}, default: OTHER}
        value: {column: amount, scale: 0.01}
        sentiment: {column: csat, scale: 0.5, offset: -1.5}
      identities:
        - {namespace: phone, column: phone}
      attributes:
        kind_code: kind
      """;

  static Mapping parse(String yaml) {
    return Mapping.parse("m.yaml", new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));
  }

  @Test
  void aValidMappingGivesItsColumnsAndRules() {
    Mapping m = parse(VALID);
    assertThat(m.format()).isEqualTo("csv");
    assertThat(m.delimiter()).isEqualTo(',');
    assertThat(m.header()).isTrue();
    assertThat(m.columns()).containsExactly("id", "at", "kind", "amount", "csat", "phone");
    assertThat(m.fields().keySet())
        .containsExactly("event_id", "event_time", "channel", "event_type", "value", "sentiment");
    FieldRule time = m.fields().get("event_time");
    assertThat(time.format()).isEqualTo("dd/MM/yyyy HH:mm");
    assertThat(time.timeZone()).isEqualTo("Europe/London");
    assertThat(m.fields().get("event_id").column()).isEqualTo("id");
    assertThat(m.fields().get("event_type").values())
        .isEqualTo(Map.of("S", "PURCHASE", "C", "CONTACT_END"));
    assertThat(m.fields().get("event_type").otherwise()).isEqualTo("OTHER");
    assertThat(m.fields().get("sentiment").offset()).isEqualTo(-1.5);
    assertThat(m.identities()).hasSize(1);
    assertThat(m.identities().get(0).namespace()).isEqualTo("phone");
    assertThat(m.attributes().get("kind_code").column()).isEqualTo("kind");
  }

  @Test
  void aFixedWidthMappingGivesItsRanges() {
    Mapping m =
        parse(
            """
            format: fixed
            columns:
              - {name: id, start: 1, end: 6}
              - {name: at, start: 7, end: 16}
            fields: {event_id: id, event_time: {column: at, format: epoch_seconds}}
            identities: [{namespace: customer_id, column: id}]
            """);
    assertThat(m.starts()).containsExactly(1, 7);
    assertThat(m.ends()).containsExactly(6, 16);
    assertThat(m.fields().get("event_time").timeZone()).isEqualTo("UTC");
  }

  @Test
  void tsvSplitsOnTabs() {
    Mapping m =
        parse(
            """
            format: tsv
            columns: [id, at, who]
            fields: {event_id: id, event_time: at}
            identities: [{namespace: email, column: who}]
            """);
    assertThat(m.delimiter()).isEqualTo('\t');
    assertThat(m.fields().get("event_time").format()).isEqualTo("iso");
  }

  /** A line of {@link #VALID}, what replaces it, and the start of the error message. */
  static Stream<Arguments> problems() {
    return Stream.of(
        Arguments.of(
            "format: csv",
            "format: xls",
            "m.yaml: format: xls is not a format (expected csv, tsv, fixed or json)"),
        Arguments.of(
            "format: csv", "formats: csv", "m.yaml: formats: unknown key (expected one of"),
        Arguments.of("header: true", "header: maybe", "m.yaml: header: maybe is not true or false"),
        Arguments.of(
            "format: csv",
            "format: json",
            "m.yaml: header: does not apply to format json (each row is one JSON object)"),
        Arguments.of("header: true", "quote: \",,\"", "m.yaml: quote: ',,' is not one character"),
        Arguments.of(
            "header: true",
            "quote: \",\"",
            "m.yaml: quote: is the same character as the delimiter"),
        Arguments.of(
            "time_zone: Europe/London",
            "time_zone: Mars/Olympus",
            "m.yaml: time_zone: Mars/Olympus is not a time zone"),
        Arguments.of(
            "columns: [id, at, kind, amount, csat, phone]",
            "columns: [id, at, kind, amount, csat, id]",
            "m.yaml: columns[5]: column id is named twice"),
        Arguments.of(
            "columns: [id, at, kind, amount, csat, phone]",
            "columns: []",
            "m.yaml: columns: expected a list of column names"),
        Arguments.of(
            "  event_id: id",
            "  event_id: ident",
            "m.yaml: fields.event_id.column: no column ident (columns: id, at, kind, amount, csat, phone)"),
        Arguments.of(
            "  event_id: id", "  order: id", "m.yaml: fields.order: not a field of ChannelEvent"),
        Arguments.of(
            "  event_id: id",
            "  session_id: id",
            "m.yaml: fields.event_id: missing: every event needs one"),
        Arguments.of(
            "  event_id: id",
            "  event_id: {column: id, constant: x}",
            "m.yaml: fields.event_id: needs exactly one of column, columns or constant"),
        Arguments.of(
            "  event_id: id",
            "  event_id: {column: id, colour: red}",
            "m.yaml: fields.event_id.colour: unknown key"),
        Arguments.of(
            "  event_id: id",
            "  event_id: {column: id, separator: \"-\"}",
            "m.yaml: fields.event_id.separator: applies only with columns"),
        Arguments.of(
            "  event_id: id",
            "  event_id: {columns: [id, nope]}",
            "m.yaml: fields.event_id.columns: no column nope"),
        Arguments.of(
            "  event_id: id",
            "  event_id: {column: id, format: iso}",
            "m.yaml: fields.event_id.format: applies only to event_time"),
        Arguments.of(
            "  event_id: id",
            "  event_id: {column: id, scale: 2}",
            "m.yaml: fields.event_id.scale: applies only to value and sentiment"),
        Arguments.of(
            "  channel: {constant: VOICE}",
            "  channel: {constant: VOIC}",
            "m.yaml: fields.channel.constant: VOIC is not a channel (expected one of WEB,"),
        Arguments.of(
            "  channel: {constant: VOICE}",
            "  outcome: {constant: DONE}",
            "m.yaml: fields.outcome.constant: DONE is not an outcome (expected one of RESOLVED, UNRESOLVED, ESCALATED, TRANSFERRED, ABANDONED)"),
        Arguments.of(
            "default: OTHER}",
            "default: NOPE}",
            "m.yaml: fields.event_type.default: NOPE is not an event type"),
        Arguments.of(
            "{S: PURCHASE,",
            "{S: BUY,",
            "m.yaml: fields.event_type.values.S: BUY is not an event type"),
        Arguments.of(
            "format: \"dd/MM/yyyy HH:mm\"",
            "format: \"dd/MM/yyyy HH:mm bb\"",
            "m.yaml: fields.event_time.format: dd/MM/yyyy HH:mm bb is not a time pattern"),
        Arguments.of(
            "scale: 0.01", "scale: lots", "m.yaml: fields.value.scale: lots is not a number"),
        Arguments.of(
            "scale: 0.01", "scale: 0", "m.yaml: fields.value.scale: 0 would make every value 0"),
        Arguments.of(
            "  - {namespace: phone, column: phone}",
            "  - {column: phone}",
            "m.yaml: identities[0].namespace: missing"),
        Arguments.of(
            "  - {namespace: phone, column: phone}",
            "  - {namespace: Phone Number, column: phone}",
            "m.yaml: identities[0].namespace: Phone Number is not a namespace"),
        Arguments.of(
            "  - {namespace: phone, column: phone}",
            "  - {namespace: phone, column: tel}",
            "m.yaml: identities[0].column: no column tel"),
        Arguments.of(
            "  kind_code: kind",
            "  raw_channel: kind",
            "m.yaml: attributes.raw_channel: is reserved for unknown enum values"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("problems")
  void everyProblemNamesTheFileTheFieldAndWhatIsWrong(
      String line, String replacement, String expected) {
    String yaml = VALID.replace(line, replacement);
    assertThat(yaml).as("the case changes the valid mapping").isNotEqualTo(VALID);
    assertThatThrownBy(() -> parse(yaml))
        .isInstanceOf(MappingException.class)
        .message()
        .startsWith(expected);
  }

  @Test
  void wholeFileProblems() {
    assertThatThrownBy(() -> parse("")).hasMessage("m.yaml: the file is empty");
    assertThatThrownBy(() -> parse("- a\n- b\n"))
        .hasMessage("m.yaml: expected a mapping with format, columns and fields");
    assertThatThrownBy(() -> parse("format: [csv\n"))
        .message()
        .startsWith("m.yaml: not valid YAML");
    assertThatThrownBy(
            () -> parse(VALID.replace("identities:\n  - {namespace: phone, column: phone}\n", "")))
        .hasMessage(
            "m.yaml: identities: expected a list of {namespace, column}: every event needs one");
    assertThatThrownBy(() -> parse("format: tsv\ndelimiter: ';'\n"))
        .hasMessage("m.yaml: delimiter: applies only to format csv");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    format: fixed
                    columns: [{name: id, start: 5, end: 2}]
                    """))
        .hasMessage("m.yaml: columns[0].end: 2 is before start 5 (both 1-based)");
    assertThatThrownBy(
            () ->
                parse(
                    """
                    format: fixed
                    columns: [{name: id, start: 0, end: 2}]
                    """))
        .hasMessage("m.yaml: columns[0].start: 0 is not a position (1 or more)");
  }
}
