package dev.omnichannel.monitor.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class BlockedValuesTest {
  private final BlockedValues defaults = BlockedValues.defaults();

  @ParameterizedTest
  @ValueSource(
      strings = {"", "0", "-1", "null", "none", "undefined", "unknown", "anonymous", "n/a"})
  void shouldBlockEveryBuiltInPlaceholder(String v) {
    assertThat(defaults.isBlocked(v)).isTrue();
  }

  @Test
  void shouldListExactlyTheContractPlaceholders() {
    assertThat(BlockedValues.BUILT_IN)
        .containsExactlyInAnyOrder(
            "", "0", "-1", "null", "none", "undefined", "unknown", "anonymous", "n/a");
  }

  @ParameterizedTest
  @ValueSource(strings = {"NULL", "None", "UnDeFiNeD", "UNKNOWN", "Anonymous", "N/A", " null "})
  void shouldBlockPlaceholdersCaseInsensitively(String v) {
    assertThat(defaults.isBlocked(v)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"00", "000000", "0000-0000", "00.00", "   "})
  void shouldBlockAllZerosAndBlank(String v) {
    assertThat(defaults.isBlocked(v)).isTrue();
  }

  @Test
  void shouldBlockNull() {
    assertThat(defaults.isBlocked(null)).isTrue();
  }

  @Test
  void shouldBlockConfiguredExtraValuesCaseInsensitively() {
    BlockedValues b = new BlockedValues(List.of(" GUEST ", "test@example.com"));
    assertThat(b.isBlocked("guest")).isTrue();
    assertThat(b.isBlocked("Guest")).isTrue();
    assertThat(b.isBlocked(" TEST@example.COM")).isTrue();
    assertThat(b.isBlocked("null")).isTrue();
    assertThat(b.isBlocked("guest2")).isFalse();
    assertThat(defaults.isBlocked("guest")).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"C1", "10", "01", "0a", "-2", "jane@example.com", "+4915112345678", "nullable"})
  void shouldPassNormalValues(String v) {
    assertThat(defaults.isBlocked(v)).isFalse();
  }
}
