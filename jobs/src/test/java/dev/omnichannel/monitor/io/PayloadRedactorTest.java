package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

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
}
