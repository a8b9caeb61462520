package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class PayloadRedactorTest {
  private final Pseudonymiser p =
      new Pseudonymiser("test-key-0123456789".getBytes(StandardCharsets.UTF_8));
  private final PayloadRedactor redactor = new PayloadRedactor(p);

  @Test
  void shouldReplaceEmailAndPhoneIdentitiesInJson() {
    String out =
        redactor.redact(
            "{\"event_id\":\"e1\",\"identities\":[{\"namespace\":\"email\",\"value\":\"Jane@Example.com\"},"
                + "{\"namespace\":\"phone\",\"value\":\"+1 555 010 1234\"},{\"namespace\":\"cookie_id\",\"value\":\"c-1\"}]}");
    assertThat(out)
        .doesNotContain("Jane", "555")
        .contains(p.hmacHex("jane@example.com"), p.hmacHex("+15550101234"), "c-1", "e1");
  }

  @Test
  void shouldScrubEmailsAndFormattedPhonesInUnparseableText() {
    String out =
        redactor.redact(
            "{\"event_id\":\"e1\", \"note\":\"mail jane@example.com or call +44 20 7946 0958\"");
    assertThat(out).doesNotContain("jane@example.com", "7946").contains("hmac:", "e1");
  }

  @Test
  void shouldKeepPayloadsWithoutPersonalData() {
    String line = "{\"event_id\":\"e1\",\"event_time\":1767607200000,\"identities\":[]}";
    assertThat(redactor.redact(line)).isEqualTo(line);
  }

  @Test
  @Timeout(value = 5, unit = TimeUnit.SECONDS)
  void shouldScrubLongRunsWithoutAnAtInLinearTime() {
    // Base64 of padding: one 64K run of local-part characters and a '+', no '@'
    String base64 = "base64:+" + "eHh4".repeat(16_000);
    assertThat(redactor.redact(base64)).isEqualTo(base64);
    String mixed = "x".repeat(50_000) + " a.b+c@example.com " + "y".repeat(50_000) + "@";
    assertThat(redactor.redact(mixed))
        .doesNotContain("a.b+c@example.com")
        .contains("hmac:")
        .startsWith("x".repeat(50_000) + " hmac:");
  }
}
