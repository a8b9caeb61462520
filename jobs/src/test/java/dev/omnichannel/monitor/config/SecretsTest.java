package dev.omnichannel.monitor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SecretsTest {
  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"analyst\""
          + " password=\"hunter2-FAKE\";";

  @ParameterizedTest
  @ValueSource(
      strings = {
        "sasl.jaas.config",
        "ssl.key.password",
        "ssl.keystore.password",
        "ssl.truststore.password",
        "ssl.keystore.key",
        "basic.auth.user.info",
        "schema.registry.basic.auth.user.info",
        "sasl.oauthbearer.client.credentials.client.secret",
        "sasl.oauthbearer.assertion.private.key.passphrase",
        "bearer.auth.token",
        "s3.secret-key",
        "s3.access-key",
        "fs.azure.account.key.myaccount.dfs.core.windows.net",
        "api.key",
        "apiKey",
        "--kafka-password",
        "--db-pwd",
        "--api-key",
        "kafka.sasl.jaas.config",
        "PASSWORD",
        "clientSecret"
      })
  void shouldTreatTheseNamesAsSecret(String name) {
    assertThat(Secrets.isSecretKey(name)).as(name).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "security.protocol",
        "sasl.mechanism",
        "key.deserializer",
        "key.serializer",
        "ssl.keystore.location",
        "ssl.keystore.type",
        "ssl.truststore.location",
        "ssl.keymanager.algorithm",
        "sasl.oauthbearer.assertion.private.key.file",
        "aws.access.key.id",
        "--hmac-key-file",
        "--kafka",
        "--kafka-properties",
        "--kafka-property",
        "--group-id",
        "--output",
        "bootstrap.servers",
        "client.id",
        ""
      })
  void shouldNotTreatTheseNamesAsSecret(String name) {
    assertThat(Secrets.isSecretKey(name)).as(name).isFalse();
  }

  @Test
  void shouldMaskTheSecretKafkaPropertiesOfACommandLineAndKeepTheRest() {
    assertThat(
            Secrets.redactArgs(
                "stream",
                "--bootstrap-servers",
                "broker:9093",
                "--kafka",
                "security.protocol=SASL_SSL",
                "--kafka",
                "sasl.jaas.config=" + JAAS,
                "--kafka=ssl.key.password=hunter2-FAKE",
                "--kafka",
                "kafka.ssl.keystore.password=hunter2-FAKE",
                "--kafka",
                "ssl.keystore.location=/etc/kafka/keystore.p12",
                "--kafka-properties",
                "/etc/omni/client.properties",
                "--hmac-key-file",
                "/run/secrets/hmac.key",
                "--output",
                "/data/out"))
        .containsExactly(
            "stream",
            "--bootstrap-servers",
            "broker:9093",
            "--kafka",
            "security.protocol=SASL_SSL",
            "--kafka",
            "sasl.jaas.config=***",
            "--kafka=ssl.key.password=***",
            "--kafka",
            "kafka.ssl.keystore.password=***",
            "--kafka",
            "ssl.keystore.location=/etc/kafka/keystore.p12",
            "--kafka-properties",
            "/etc/omni/client.properties",
            "--hmac-key-file",
            "/run/secrets/hmac.key",
            "--output",
            "/data/out");
  }

  @Test
  void shouldMaskTheValueOfAnOptionWhoseNameIsSecretInBothForms() {
    assertThat(
            Secrets.redactArgs(
                "--api-token", "abc-123", "--db-password=hunter2-FAKE", "--x-secret", "--next"))
        .containsExactly("--api-token", "***", "--db-password=***", "--x-secret", "--next");
    // a value that starts with a single dash is still a value
    assertThat(Secrets.redactArgs("--api-key", "-abc")).containsExactly("--api-key", "***");
  }

  @Test
  void shouldMaskSecretsInsideOtherValues() {
    assertThat(
            Secrets.redactArgs(
                "--kafka",
                "x.config=" + JAAS,
                "--input",
                "https://analyst:hunter2-FAKE@files.example.com/events.jsonl",
                "--pattern-param",
                "cart.abandon-after=2h"))
        .containsExactly(
            "--kafka",
            "x.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"analyst\" password=\"***\";",
            "--input",
            "https://analyst:***@files.example.com/events.jsonl",
            "--pattern-param",
            "cart.abandon-after=2h");
  }

  @Test
  void shouldBeIdempotent() {
    List<String> once =
        Secrets.redactArgs("--kafka", "sasl.jaas.config=" + JAAS, "--api-key", "k-123456");
    assertThat(Secrets.redactArgs(once)).isEqualTo(once);
  }

  @Test
  void shouldMaskSecretsInFreeText() {
    assertThat(
            Secrets.redactText(
                "Unmatched arguments from index 3: '--kafak', 'ssl.key.password=hunter2-FAKE'"))
        .isEqualTo("Unmatched arguments from index 3: '--kafak', 'ssl.key.password=***'");
    // picocli quotes each argument it could not match: the whole quoted value goes
    assertThat(Secrets.redactText("Unknown options: '--kafak', 'sasl.jaas.config=" + JAAS + "'"))
        .isEqualTo("Unknown options: '--kafak', 'sasl.jaas.config=***'");
    assertThat(Secrets.redactText("Unknown option: '--bogus=ssl.key.password=x1'"))
        .isEqualTo("Unknown option: '--bogus=ssl.key.password=***'");
    assertThat(Secrets.redactText("{\"password\": \"hunter2-FAKE\", \"user\": \"analyst\"}"))
        .isEqualTo("{\"password\": \"***\", \"user\": \"analyst\"}");
    assertThat(Secrets.redactText("token: abc-123 expired")).isEqualTo("token: *** expired");
    assertThat(Secrets.redactText("Kafka property 'key.deserializer' cannot be passed through"))
        .isEqualTo("Kafka property 'key.deserializer' cannot be passed through");
    assertThat(Secrets.redactText("--to 2026-01-01 is before --from 2026-02-01"))
        .isEqualTo("--to 2026-01-01 is before --from 2026-02-01");
    assertThat(Secrets.redactText(null)).isNull();
  }

  @Test
  void shouldMaskRememberedValuesWhereverTheyAppear() {
    Secrets.remember("org.example.Login required password=\"rememberedFAKE1\";");
    Secrets.remember("abc"); // too short to search for
    assertThat(Secrets.redactText("login failed for rememberedFAKE1 (abc)"))
        .isEqualTo("login failed for *** (abc)");
    Secrets.rememberSecretValues(
        Map.of("ssl.key.password", "rememberedFAKE2", "security.protocol", "SASL_SSL"));
    assertThat(Secrets.redactText("bad key rememberedFAKE2 over SASL_SSL"))
        .isEqualTo("bad key *** over SASL_SSL");
  }

  @Test
  void shouldMaskSecretPropertiesSortedByName() {
    assertThat(
            Secrets.redactProperties(
                Map.of(
                    "sasl.jaas.config", JAAS,
                    "security.protocol", "SASL_SSL",
                    "ssl.key.password", "hunter2-FAKE")))
        .containsExactly(
            Map.entry("sasl.jaas.config", "***"),
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("ssl.key.password", "***"));
  }
}
