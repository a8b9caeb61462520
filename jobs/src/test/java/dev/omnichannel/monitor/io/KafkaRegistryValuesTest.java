package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.io.registry.RegistryEvolution;
import dev.omnichannel.monitor.testing.PropertyCheck;
import dev.omnichannel.monitor.testing.RecordedRegistry;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Broken and mutated registry-framed values through {@link KafkaRecordFormat} with a registry and
 * the decoder: each ends as an accepted event or a dead letter with a known reason code ({@link
 * RecordInvariant}), and nothing throws while the registry answers.
 */
class KafkaRegistryValuesTest {
  private static final int[] IDS = {1, 2, 3, 4, 5, 6, 99};
  private final RecordInvariant invariant = new RecordInvariant();
  private final RecordedRegistry registry = new RecordedRegistry();
  private final KafkaRecordFormat format = new KafkaRecordFormat(registry.url().toString());

  @AfterEach
  void stop() {
    registry.close();
  }

  /** A value framed with a version of ChannelEvent, then cut, flipped or re-framed at random. */
  static byte[] mutated(Random rnd) {
    int version = 1 + rnd.nextInt(3);
    byte[] v =
        RegistryEvolution.framed(
            version,
            RegistryEvolution.event(
                "e-" + rnd.nextInt(1000), Instant.ofEpochMilli(1_767_600_000_000L)),
            version == 3 ? Map.of("loyalty_tier", "t" + rnd.nextInt(9)) : Map.of());
    switch (rnd.nextInt(5)) {
      case 0 -> v = Arrays.copyOf(v, rnd.nextInt(v.length + 1)); // cut
      case 1 -> v[rnd.nextInt(v.length)] ^= (byte) (1 + rnd.nextInt(255)); // flip
      case 2 -> v[4] = (byte) IDS[rnd.nextInt(IDS.length)]; // another schema id
      case 3 -> v = Arrays.copyOf(v, v.length + 1 + rnd.nextInt(4)); // trailing bytes
      default -> {} // intact
    }
    return v;
  }

  @Test
  void everyMutatedFramedValueIsAnEventOrADeadLetterWithAKnownReason() {
    int[] accepted = {0};
    PropertyCheck.forAll(
            "framed values end as events or dead letters", KafkaRegistryValuesTest::mutated)
        .tries(1000)
        .check(
            value -> {
              RawRecord raw = format.read("events", 0, 1, 1_767_600_000_000L, value);
              if (raw.readError != null) {
                RecordInvariant.checkReason(raw.readError);
                assertThat(KafkaRecordFormat.payloadBytes(raw.payload)).isEqualTo(value);
              }
              if (invariant.check(raw)) {
                accepted[0]++;
              }
            });
    assertThat(accepted[0]).as("intact values are accepted").isPositive();
  }
}
