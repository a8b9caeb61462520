package dev.omnichannel.monitor.io.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class WireFormatTest {
  @Test
  void parsesMagicByteBigEndianIdAndDatumStart() throws Exception {
    byte[] value = {0, 0x01, 0x02, 0x03, 0x04, 42, 43};
    WireFormat.Frame f = WireFormat.parse(value);
    assertThat(f.schemaId()).isEqualTo(0x01020304);
    assertThat(f.datumStart()).isEqualTo(5);
  }

  @Test
  void frameWritesWhatParseReads() throws Exception {
    byte[] framed = WireFormat.frame(258, new byte[] {7, 8});
    assertThat(framed).containsExactly(0, 0, 0, 1, 2, 7, 8);
    assertThat(WireFormat.parse(framed)).isEqualTo(new WireFormat.Frame(258, 5));
  }

  @Test
  void rejectsEveryBadFrameWithItsReason() {
    assertBad(null, "null value (tombstone)");
    assertBad(new byte[0], "empty value");
    assertBad(new byte[] {2, 0, 0, 0, 1, 9}, "magic byte 0x02, expected 0x00");
    assertBad(new byte[] {(byte) 0xC3, 1}, "magic byte 0xc3, expected 0x00");
    assertBad(new byte[] {0, 0, 1}, "3 bytes, shorter than the 5-byte header");
    assertBad(new byte[] {0, (byte) 0x80, 0, 0, 0, 1}, "negative schema id -2147483648");
    assertBad(new byte[] {0, 0, 0, 0, 7}, "no datum after the header (schema id 7)");
  }

  private static void assertBad(byte[] value, String message) {
    assertThatThrownBy(() -> WireFormat.parse(value))
        .isInstanceOf(WireFormat.BadFrameException.class)
        .hasMessage(message);
  }
}
