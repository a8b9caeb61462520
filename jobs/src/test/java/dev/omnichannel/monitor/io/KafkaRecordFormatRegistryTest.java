package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import dev.omnichannel.monitor.io.registry.RegistryEvolution;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient.RegistryUnavailableException;
import dev.omnichannel.monitor.io.registry.WireFormat;
import dev.omnichannel.monitor.testing.RecordedRegistry;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link KafkaRecordFormat} with a schema registry ({@link RecordedRegistry}'s answers). */
class KafkaRecordFormatRegistryTest {
  private static final byte[] KEY = "kafka-registry-test-key".getBytes(StandardCharsets.UTF_8);
  private final EventDecoder decoder =
      new EventDecoder(ValidationRules.defaults(), new Pseudonymiser(KEY));
  private final RecordedRegistry registry = new RecordedRegistry();
  private final KafkaRecordFormat format = new KafkaRecordFormat(registry.url().toString());

  @AfterEach
  void stop() {
    registry.close();
  }

  private RawRecord read(byte[] value) {
    return format.read("events", 0, 5, 1_767_607_200_000L, value);
  }

  @Test
  void framedOlderAndNewerVersionsBecomeTheSameRecordAsThePlainDatum() throws Exception {
    ChannelEvent e = RegistryEvolution.event();
    ChannelEvent withoutCampaign = ChannelEvent.newBuilder(e).setCampaign(null).build();
    RawRecord v2 = read(RegistryEvolution.framed(3, e, Map.of("loyalty_tier", "gold")));
    RawRecord v1 = read(RegistryEvolution.framed(2, e, Map.of()));
    assertThat(v2.readError).isNull();
    assertThat(v2.avro).isEqualTo(KafkaRecordFormat.encode(e));
    assertThat(v2.eventTime).isEqualTo(e.getEventTime().toEpochMilli());
    assertThat(v2.source).isEqualTo("kafka:events/0/5");
    assertThat(v1.avro).isEqualTo(KafkaRecordFormat.encode(withoutCampaign));
    assertThat(decoder.decode(v1).event())
        .isEqualTo(decoder.decodeAvro(KafkaRecordFormat.encode(withoutCampaign)).event());
  }

  @Test
  void unframedAndUnknownValuesAreDeadLettersThatKeepTheWholeValue() throws Exception {
    byte[] plain = KafkaRecordFormat.encode(RegistryEvolution.event());
    RawRecord r = read(plain);
    assertThat(r.readError).startsWith("registry_bad_frame: magic byte ");
    assertThat(r.payload).isEqualTo(KafkaRecordFormat.base64(plain));
    byte[] unknown = WireFormat.frame(77, plain);
    RawRecord u = read(unknown);
    assertThat(u.readError).startsWith("registry_unknown_schema_id: schema id 77 not found");
    assertThat(KafkaRecordFormat.payloadBytes(u.payload)).isEqualTo(unknown);
    assertThat(decoder.decode(u).reason()).isEqualTo(u.readError);
    assertThat(read(null).readError).isEqualTo("malformed_record: null value (tombstone)");
  }

  @Test
  void datumOfTheRightLengthButWrongContentIsMalformed() {
    // id 1 is the current schema: its datum goes through the usual check
    RawRecord r = read(WireFormat.frame(1, new byte[] {2, 'x', 0x7f}));
    assertThat(r.readError).startsWith("malformed_record: not an Avro ChannelEvent: ");
    assertThat(r.payload)
        .isEqualTo(KafkaRecordFormat.base64(new byte[] {0, 0, 0, 0, 1, 2, 'x', 0x7f}));
  }

  @Test
  void unreachableRegistryFailsTheReadInsteadOfDroppingTheRecord() throws Exception {
    byte[] v2 = RegistryEvolution.framed(3, RegistryEvolution.event(), Map.of());
    registry.stop();
    assertThatThrownBy(() -> read(v2))
        .isInstanceOf(UncheckedIOException.class)
        .hasCauseInstanceOf(RegistryUnavailableException.class)
        .hasMessageStartingWith("cannot read kafka:events/0/5: schema registry ")
        .hasMessageEndingWith("(the job restarts and retries)");
    registry.start();
    assertThat(read(v2).readError).isNull();
  }
}
