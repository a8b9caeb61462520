package dev.omnichannel.monitor.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PseudonymiserTest {
  /** printf 'jane@example.com' | openssl dgst -sha256 -hmac 'k' */
  private static final String JANE_HMAC_K =
      "77cff80182a460c0f4360ae6a74a6b139f27945f3dd351f26ab415cca02ee73c";

  /** printf '+49151123456' | openssl dgst -sha256 -hmac 'k' */
  private static final String PHONE_HMAC_K =
      "7db9e2446b4929d32007313e2b88dadefb77301108aa7018a33cc3bac6d39586";

  private final Pseudonymiser p = new Pseudonymiser("k".getBytes(StandardCharsets.UTF_8));

  @Test
  void shouldNormaliseEmail() {
    assertThat(Pseudonymiser.normaliseEmail("  Jane@Example.COM \t")).isEqualTo("jane@example.com");
  }

  @Test
  void shouldNormalisePhoneKeepingLeadingPlus() {
    assertThat(Pseudonymiser.normalisePhone(" +49 (151) 123-456 ")).isEqualTo("+49151123456");
    assertThat(Pseudonymiser.normalisePhone("0151/123 456")).isEqualTo("0151123456");
    assertThat(Pseudonymiser.normalisePhone("49+151")).isEqualTo("49151");
  }

  @Test
  void shouldMatchOpensslHmacVector() {
    assertThat(p.hmacHex("jane@example.com")).isEqualTo(JANE_HMAC_K);
  }

  @Test
  void shouldPseudonymiseEmailAfterNormalising() {
    assertThat(p.apply("email", " JANE@example.com ")).isEqualTo(JANE_HMAC_K);
  }

  @Test
  void shouldPseudonymisePhoneAfterNormalising() {
    assertThat(p.apply("phone", "+49 (151) 123-456")).isEqualTo(PHONE_HMAC_K);
  }

  @Test
  void shouldLeaveOtherNamespacesUnchanged() {
    assertThat(p.apply("customer_id", " C1 ")).isEqualTo(" C1 ");
    assertThat(p.apply("cookie_id", "Jane@Example.com")).isEqualTo("Jane@Example.com");
  }

  @Test
  void shouldDependOnKey() {
    Pseudonymiser other = new Pseudonymiser("k2".getBytes(StandardCharsets.UTF_8));
    assertThat(other.apply("email", "jane@example.com")).isNotEqualTo(JANE_HMAC_K).hasSize(64);
  }

  @Test
  void shouldRejectEmptyKey() {
    assertThatThrownBy(() -> new Pseudonymiser(new byte[0]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
