package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Fuzzes the Kafka path of the job: a record value (an Avro binary {@code ChannelEvent}, bare or in
 * Avro's single-object encoding) through {@link KafkaRecordFormat} and the Avro decoder to an
 * accepted event or a dead letter. {@link RecordInvariant} states what it must become; the
 * committed seeds under {@code src/test/resources/.../KafkaRecordFuzzTestInputs/} run as tests.
 */
class KafkaRecordFuzzTest {
  private static final RecordInvariant INVARIANT = new RecordInvariant();
  private static final KafkaRecordFormat FORMAT = new KafkaRecordFormat();

  @FuzzTest
  void kafkaValue(byte[] value) {
    RawRecord raw = FORMAT.read("events", 3, 42L, 1_700_000_000_000L, value);
    assertThat(raw.source).isEqualTo("kafka:events/3/42");
    assertThat(raw.sourceTimestamp).isEqualTo(1_700_000_000_000L);
    if (raw.readError != null) {
      RecordInvariant.checkReason(raw.readError);
      assertThat(raw.payload).startsWith(KafkaRecordFormat.BASE64_PREFIX);
    } else {
      assertThat(raw.avro).isNotNull();
    }
    boolean accepted = INVARIANT.check(raw);
    if (accepted) {
      assertThat(raw.eventTime).isNotNull();
    }
  }
}
