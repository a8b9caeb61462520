package dev.omnichannel.monitor.erase;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PayloadTokensTest {
  @Test
  void findsAValueOnlyAsAWholeToken() {
    assertThat(PayloadTokens.contains("{\"value\":\"c-81\"}", "c-81")).isTrue();
    assertThat(PayloadTokens.contains("c-81", "c-81")).isTrue();
    assertThat(PayloadTokens.contains("from hmac:abc12 at", "abc12")).isTrue();
    assertThat(PayloadTokens.contains("{\"value\":12345}", "12345")).isTrue();
    // part of a longer value
    assertThat(PayloadTokens.contains("{\"value\":\"c-812\"}", "c-81")).isFalse();
    assertThat(PayloadTokens.contains("{\"value\":\"xc-81\"}", "c-81")).isFalse();
    assertThat(PayloadTokens.contains("c-81.a c-81_b a@c-81", "c-81")).isFalse();
    // a later whole occurrence after a partial one
    assertThat(PayloadTokens.contains("c-812 c-81", "c-81")).isTrue();
    assertThat(PayloadTokens.contains(null, "x")).isFalse();
    assertThat(PayloadTokens.contains("x", "")).isFalse();
  }

  @Test
  void findsAValueInItsJsonEscapedForm() {
    assertThat(PayloadTokens.contains("{\"value\":\"say \\\"hi\\\"\"}", "say \"hi\"")).isTrue();
  }
}
