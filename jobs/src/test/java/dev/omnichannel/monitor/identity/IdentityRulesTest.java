package dev.omnichannel.monitor.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Reading an identity-rules file: the forms it accepts, and each mistake named exactly. */
class IdentityRulesTest {
  /** printf 'jane@example.com' | openssl dgst -sha256 -hmac 'k' */
  private static final String JANE_HMAC_K =
      "77cff80182a460c0f4360ae6a74a6b139f27945f3dd351f26ab415cca02ee73c";

  private static final Pseudonymiser K = new Pseudonymiser("k".getBytes(StandardCharsets.UTF_8));

  private static IdentityRules.Parsed parse(String yaml) {
    return IdentityRules.parse("rules.yaml", new ByteArrayInputStream(yaml.getBytes()));
  }

  private static IdentityRules resolve(String yaml) {
    return parse(yaml).resolve(K, List.of());
  }

  @Test
  void readsEverySectionAndPseudonymisesEmailAndPhone() {
    IdentityRules r =
        resolve(
            """
            # corrections
            blocked_values:
              Device_ID: [Shared-Kiosk-01, "demo tablet "]
              email: [" Test@Example.com"]
            namespace_limits:
              device_id: 4
              crm_id: "2"
            never_link:
              - ["email: Jane@Example.com ", "phone:+1 (555) 010-1234"]
              - [{customer_id: c-17}, {device_id: " tablet-7 "}]
            """);
    assertThat(r.blockedValues())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "device_id",
                new java.util.TreeSet<>(Set.of("shared-kiosk-01", "demo tablet")),
                "email",
                new java.util.TreeSet<>(Set.of(K.hmacHex("test@example.com")))));
    assertThat(r.namespaceLimits())
        .containsExactlyInAnyOrderEntriesOf(Map.of("device_id", 4, "crm_id", 2));
    assertThat(r.neverLink().pairs())
        .containsExactly(
            new NeverLinkRules.Pair("customer_id:c-17", "device_id:tablet-7"),
            new NeverLinkRules.Pair("email:" + JANE_HMAC_K, "phone:" + K.hmacHex("+15550101234")));
    assertThat(r.toString() + r.blockedValues() + r.neverLink())
        .doesNotContain("jane", "Jane", "test@", "Test@", "555");
  }

  @Test
  void anEmptySectionAndAFileWithOnlyCommentsInASectionAreFine() {
    IdentityRules r = resolve("never_link: []\nblocked_values: {}\nnamespace_limits:\n");
    assertThat(r.neverLink().isEmpty()).isTrue();
    assertThat(r.blockedValues()).isEmpty();
    assertThat(r.namespaceLimits()).isEmpty();
  }

  @ParameterizedTest(name = "{index}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "''| rules.yaml: the file is empty",
        "[a, b]| rules.yaml: expected a mapping with blocked_values, namespace_limits or never_link",
        "never_links: []| rules.yaml: never_links: unknown key (known: blocked_values,"
            + " namespace_limits, never_link)",
        "'blocked_values: [a]'| rules.yaml: blocked_values: expected a mapping of namespace: [values]",
        "'blocked_values: {device_id: kiosk}'| rules.yaml: blocked_values.device_id: expected a list"
            + " of values",
        "'blocked_values: {\"a:b\": [x]}'| rules.yaml: blocked_values.a:b: 'a:b' is not a namespace"
            + " (not empty, no ':')",
        "'blocked_values: {device_id: [[x]]}'| rules.yaml: blocked_values.device_id[0]: expected a"
            + " single value",
        "'namespace_limits: {device_id: 0}'| rules.yaml: namespace_limits.device_id: the limit must"
            + " be a whole number between 1 and 2147483647, got '0'",
        "'namespace_limits: {device_id: lots}'| rules.yaml: namespace_limits.device_id: the limit"
            + " must be a whole number between 1 and 2147483647, got 'lots'",
        "'namespace_limits: {device_id: 2.5}'| rules.yaml: namespace_limits.device_id: the limit"
            + " must be a whole number between 1 and 2147483647, got '2.5'",
        "'namespace_limits: {device_id: 99999999999}'| rules.yaml: namespace_limits.device_id: the"
            + " limit must be a whole number between 1 and 2147483647, got '99999999999'",
        "'namespace_limits: {Device_Id: 2, device_id: 3}'| rules.yaml: namespace_limits.device_id:"
            + " namespace device_id is given twice",
        "'never_link: {a: b}'| rules.yaml: never_link: expected a list of pairs, e.g. -"
            + " [email:alice@example.com, email:bob@example.com]",
        "'never_link: [[email:a@x.com]]'| rules.yaml: never_link[0]: expected a pair of two"
            + " identities, e.g. [email:alice@example.com, email:bob@example.com]",
        "'never_link: [[email:a@x.com, bob@x.com]]'| rules.yaml: never_link[0][1]: not an identity"
            + " (expected namespace:value, e.g. email:alice@example.com)",
        "'never_link: [[email:a@x.com, 7]]'| rules.yaml: never_link[0][1]: expected an identity:"
            + " namespace:value or {namespace: value}",
        "'never_link: [[email:a@x.com, \":x\"]]'| rules.yaml: never_link[0][1]: '' is not a"
            + " namespace (not empty, no ':')",
        "'never_link: [[email:a@x.com, device_id:unknown]]'| rules.yaml: never_link[0][1]: 'unknown'"
            + " is a blocked placeholder value, which never links anything",
        "'never_link: [[email:a@x.com, \"device_id: 0000\"]]'| rules.yaml: never_link[0][1]: '0000'"
            + " is a blocked placeholder value, which never links anything",
        "'never_link: [[\"email: A@X.com\", email:a@x.com ]]'| rules.yaml: never_link[0]: names the"
            + " same identity twice (email)",
        "'{blocked_values: {device_id: [Kiosk]}, never_link: [[email:a@x.com, device_id:kiosk]]}'|"
            + " rules.yaml: never_link[0][1]: a blocked device_id value, which never links anything",
        "'never_link: [[email:a@x.com, cookie_id:FlagBlocked]]'| rules.yaml: never_link[0][1]: a"
            + " blocked cookie_id value, which never links anything",
        "'never_link: [[a, b]'| rules.yaml: not valid YAML: "
      })
  void eachMistakeIsNamedWithTheFileAndTheField(String yaml, String message) {
    assertThatThrownBy(() -> parse(yaml).resolve(K, List.of("flagblocked")))
        .isInstanceOf(IdentityRulesException.class)
        .satisfies(
            e -> {
              assertThat(e.getMessage()).startsWith(message.strip());
              // never a raw email in a message
              assertThat(e.getMessage()).doesNotContain("a@x.com", "bob@x.com", "A@X.com");
            });
  }

  @Test
  void theMatchFormOfABlockedValue() {
    assertThat(IdentityRules.matchForm("device_id", " Kiosk ", "Kiosk")).isEqualTo("kiosk");
    assertThat(IdentityRules.matchForm("email", " A@x.com", "hash")).isEqualTo("hash");
    assertThat(IdentityRules.matchForm("phone", "+1 555", "hash")).isEqualTo("hash");
  }
}
