package dev.omnichannel.monitor.io.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import dev.omnichannel.monitor.io.DecodeResult;
import dev.omnichannel.monitor.io.EventDecoder;
import dev.omnichannel.monitor.io.KafkaRecordFormat;
import dev.omnichannel.monitor.io.ValidationRules;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient.RegistryUnavailableException;
import dev.omnichannel.monitor.testing.RecordedRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Registry-framed values read through {@link RegistryDatumReader} against the registry's
 * Confluent-compatible API served from prepared answers ({@link RecordedRegistry}); the versions
 * are those of {@link RegistryEvolution}.
 */
class RegistryDatumReaderTest {
  private static final byte[] KEY = "registry-test-key".getBytes(StandardCharsets.UTF_8);
  private final EventDecoder decoder =
      new EventDecoder(ValidationRules.defaults(), new Pseudonymiser(KEY));
  private final RecordedRegistry registry = new RecordedRegistry();
  private final SchemaRegistryClient client =
      new SchemaRegistryClient(registry.url(), Duration.ofSeconds(5));
  private final RegistryDatumReader reader = new RegistryDatumReader(client);

  @AfterEach
  void stop() {
    registry.close();
  }

  private static ChannelEvent event() {
    return RegistryEvolution.event();
  }

  private static byte[] framed(int id, ChannelEvent e, Map<String, Object> extra) {
    return RegistryEvolution.framed(id, e, extra);
  }

  private static Schema schemaOf(int id) {
    return RegistryEvolution.schemaOf(id);
  }

  private Event decoded(ChannelEvent e) {
    DecodeResult r = decoder.decodeAvro(KafkaRecordFormat.encode(e));
    assertThat(r.reason()).isNull();
    return r.event();
  }

  private Event read(byte[] value) throws Exception {
    RegistryDatumReader.Outcome o = reader.read(value);
    assertThat(o.reason()).isNull();
    DecodeResult r = decoder.decodeAvro(o.datum());
    assertThat(r.reason()).isNull();
    return r.event();
  }

  @Test
  void currentSchemaPassesTheDatumThroughUnchanged() throws Exception {
    byte[] datum = KafkaRecordFormat.encode(event());
    RegistryDatumReader.Outcome o = reader.read(WireFormat.frame(1, datum));
    assertThat(o.datum()).isEqualTo(datum);
    assertThat(o.reason()).isNull();
  }

  @Test
  void olderVersionWithoutAFieldDecodesWithTheReadersDefault() throws Exception {
    assertThat(schemaOf(2).getField("campaign")).isNull();
    Event got = read(framed(2, event(), Map.of()));
    ChannelEvent expected = ChannelEvent.newBuilder(event()).setCampaign(null).build();
    assertThat(got).isEqualTo(decoded(expected));
    assertThat(got.campaign).isNull();
    assertThat(got.eventId).isEqualTo("e-0000000042");
  }

  @Test
  void newerVersionWithAnAddedFieldDecodesWithoutIt() throws Exception {
    assertThat(schemaOf(3).getField("loyalty_tier")).isNotNull();
    Event got = read(framed(3, event(), Map.of("loyalty_tier", "gold")));
    assertThat(got).isEqualTo(decoded(event()));
    assertThat(got.campaign).isEqualTo("spring");
  }

  @Test
  void versionsMixedInOneStreamFetchEachSchemaOnce() throws Exception {
    for (int i = 0; i < 3; i++) {
      read(framed(2, event(), Map.of()));
      read(framed(3, event(), Map.of("loyalty_tier", "silver")));
      read(framed(1, event(), Map.of()));
    }
    assertThat(registry.requests(1)).isEqualTo(1);
    assertThat(registry.requests(2)).isEqualTo(1);
    assertThat(registry.requests(3)).isEqualTo(1);
    assertThat(client.cached()).isEqualTo(3);
  }

  @Test
  void unknownSchemaIdIsADeadLetterReason() throws Exception {
    byte[] datum = KafkaRecordFormat.encode(event());
    RegistryDatumReader.Outcome o = reader.read(WireFormat.frame(99, datum));
    assertThat(o.datum()).isNull();
    assertThat(o.reason())
        .startsWith("registry_unknown_schema_id: schema id 99 not found (")
        .contains("40403");
  }

  @Test
  void incompatibleSchemaIsADeadLetterReason() throws Exception {
    byte[] datum = KafkaRecordFormat.encode(event());
    RegistryDatumReader.Outcome o = reader.read(WireFormat.frame(4, datum));
    assertThat(o.datum()).isNull();
    assertThat(o.reason())
        .startsWith("registry_incompatible_schema: schema id 4: READER_FIELD_MISSING_DEFAULT")
        .contains("identities");
  }

  @Test
  void nonAvroSchemaIsIncompatible() throws Exception {
    RegistryDatumReader.Outcome o = reader.read(WireFormat.frame(5, new byte[] {2, 'x'}));
    assertThat(o.reason())
        .isEqualTo("registry_incompatible_schema: schema id 5 is a PROTOBUF schema, not Avro");
  }

  @Test
  void badFrameIsADeadLetterReason() throws Exception {
    byte[] plain = KafkaRecordFormat.encode(event());
    RegistryDatumReader.Outcome o = reader.read(plain);
    assertThat(o.reason())
        .isEqualTo(
            String.format("registry_bad_frame: magic byte 0x%02x, expected 0x00", plain[0] & 0xFF));
    assertThat(registry.requests(0) + registry.requests(1)).isZero();
  }

  @Test
  void datumThatDoesNotMatchItsWriterSchemaIsMalformed() throws Exception {
    byte[] v2 = framed(2, event(), Map.of());
    byte[] cut = java.util.Arrays.copyOf(v2, v2.length - 3);
    assertThat(reader.read(cut).reason())
        .startsWith("malformed_record: undecodable Avro under schema id 2: ");
    byte[] longer = java.util.Arrays.copyOf(v2, v2.length + 1);
    assertThat(reader.read(longer).reason())
        .isEqualTo("malformed_record: bytes left after a complete record of schema id 2");
  }

  @Test
  void unreachableRegistryIsARetryingErrorAndWorksAgainWhenItIsBack() throws Exception {
    byte[] v3 = framed(3, event(), Map.of("loyalty_tier", "gold"));
    registry.stop();
    assertThatThrownBy(() -> reader.read(v3))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageStartingWith("schema registry " + registry.url() + "/ unreachable: ");
    registry.start();
    assertThat(read(v3)).isEqualTo(decoded(event()));
  }

  @Test
  void newerEnumSymbolsBecomeOtherAndKeepTheOriginalInAttributes() throws Exception {
    Schema v6 = schemaOf(6);
    Map<String, Object> extra =
        Map.of(
            "channel",
            new GenericData.EnumSymbol(v6.getField("channel").schema(), "KIOSK"),
            "event_type",
            new GenericData.EnumSymbol(v6.getField("event_type").schema(), "RETURN_VISIT"));
    Event got = read(framed(6, event(), extra));
    ChannelEvent expected =
        ChannelEvent.newBuilder(event())
            .setChannel(Channel.OTHER)
            .setEventType(EventType.OTHER)
            .setAttributes(
                Map.of("agent", "a-7", "raw_channel", "KIOSK", "raw_event_type", "RETURN_VISIT"))
            .build();
    assertThat(got).isEqualTo(decoded(expected));
    // a known symbol of the same writer schema stays as it is, with no raw_ attribute
    assertThat(read(framed(6, event(), Map.of()))).isEqualTo(decoded(event()));
  }
}
