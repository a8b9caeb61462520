package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.testing.RecordedRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry's credentials on the command line's side, against {@link RecordedRegistry}
 * requiring basic auth: they come from the client properties file (or the environment), never from
 * a flag; wrong ones stop {@code stream} and {@code generate} before any work with one line naming
 * the registry, and exit 2; right ones get past the registry (to Kafka, which is not there here).
 * The password is never printed.
 */
class RegistryCredentialsTest {
  private static final String PASSWORD = "registry-pass-7f3a91";

  @TempDir Path dir;

  private Path properties(String userInfo) throws Exception {
    return Files.writeString(
        dir.resolve("client-" + userInfo.hashCode() + ".properties"),
        "schema.registry.basic.auth.user.info=" + userInfo + "\n");
  }

  private Path key() throws Exception {
    return Files.writeString(dir.resolve("hmac.key"), "registry-credentials-test-key-0123456789\n");
  }

  private List<String> stream(RecordedRegistry registry, String... extra) throws Exception {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "stream",
                "--bootstrap-servers",
                "127.0.0.1:9",
                "--topic",
                "events",
                "--output",
                dir.resolve("out").toString(),
                "--hmac-key-file",
                key().toString(),
                "--max-restarts",
                "0",
                "--schema-registry",
                registry.url().toString()));
    args.addAll(List.of(extra));
    return args;
  }

  @Test
  void wrongCredentialsStopStreamBeforeAnyWorkNamingTheRegistry() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      registry.requireCredentials("omni", PASSWORD);
      CliTest.Run r =
          CliTest.run(
              stream(registry, "--kafka-properties", properties("omni:wrong-pass").toString())
                  .toArray(String[]::new));
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err().lines().toList())
          .containsExactly(
              "error: schema registry "
                  + registry.url()
                  + "/ refused the credentials (401 Unauthorized): check"
                  + " OMNI_SCHEMA_REGISTRY_USER_INFO or schema.registry.basic.auth.user.info");
      assertThat(dir.resolve("out").resolve("_runs")).doesNotExist();
      // none at all
      r = CliTest.run(stream(registry).toArray(String[]::new));
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err().strip())
          .isEqualTo(
              "error: schema registry "
                  + registry.url()
                  + "/ needs credentials (401 Unauthorized): set"
                  + " OMNI_SCHEMA_REGISTRY_USER_INFO or schema.registry.basic.auth.user.info");
    }
  }

  @Test
  void wrongCredentialsStopGenerateBeforeAnyWorkNamingTheRegistry() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      registry.requireCredentials("omni", PASSWORD);
      CliTest.Run r =
          CliTest.run(
              "generate",
              "--kafka",
              "127.0.0.1:9",
              "--topic",
              "events",
              "--no-ground-truth",
              "--customers",
              "1",
              "--days",
              "1",
              "--kafka-properties",
              properties("omni:wrong-pass").toString(),
              "--schema-registry",
              registry.url().toString());
      assertThat(r.code()).as(r.err()).isEqualTo(2);
      assertThat(r.err().strip())
          .isEqualTo(
              "error: --schema-registry: schema registry "
                  + registry.url()
                  + "/ refused the credentials (401 Unauthorized): check"
                  + " OMNI_SCHEMA_REGISTRY_USER_INFO or schema.registry.basic.auth.user.info");
      assertThat(registry.registrations()).isZero();
    }
  }

  @Test
  void rightCredentialsRegisterAndGetPastTheRegistry() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      registry.requireCredentials("omni", PASSWORD);
      CliTest.Run r =
          CliTest.run(
              "generate",
              "--kafka",
              "127.0.0.1:9",
              "--topic",
              "events",
              "--no-ground-truth",
              "--customers",
              "1",
              "--days",
              "1",
              "--kafka-properties",
              properties("omni:" + PASSWORD).toString(),
              "--schema-registry",
              registry.url().toString());
      // registered; then Kafka, which does not listen here, is the error
      assertThat(registry.versions("events-value")).hasSize(1);
      assertThat(registry.unauthorized()).isZero();
      assertThat(r.code()).isNotZero();
      assertThat(r.err()).contains("127.0.0.1:9").doesNotContain(PASSWORD);
    }
  }

  @Test
  void theRegistrysSecretsAreNotTakenFromFlagsAndNeverPrinted() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      CliTest.Run r =
          CliTest.run(
              stream(registry, "--kafka", "schema.registry.basic.auth.user.info=omni:" + PASSWORD)
                  .toArray(String[]::new));
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err().strip())
          .startsWith("error: --kafka schema.registry.basic.auth.user.info: ")
          .contains("OMNI_SCHEMA_REGISTRY_USER_INFO", "--kafka-properties")
          .doesNotContain(PASSWORD);
      r =
          CliTest.run(
              "generate",
              "--kafka",
              "127.0.0.1:9",
              "--topic",
              "events",
              "--no-ground-truth",
              "--kafka-property",
              "schema.registry.basic.auth.user.info=omni:" + PASSWORD,
              "--schema-registry",
              registry.url().toString());
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err().strip())
          .startsWith("error: --kafka-property schema.registry.basic.auth.user.info: ")
          .doesNotContain(PASSWORD);
      // credentials that are not USER:PASSWORD are named by where they come from, not shown
      r =
          CliTest.run(
              stream(registry, "--kafka-properties", properties(PASSWORD).toString())
                  .toArray(String[]::new));
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err().strip())
          .startsWith("error: --schema-registry ")
          .contains("not USER:PASSWORD")
          .doesNotContain(PASSWORD);
    }
  }

  @Test
  void formatOptionsNeedTheirTopicAndTheRegistry() throws Exception {
    try (RecordedRegistry registry = new RecordedRegistry()) {
      CliTest.Run r =
          CliTest.run(stream(registry, "--alerts-format", "registry").toArray(String[]::new));
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err().strip())
          .isEqualTo("error: --alerts-format registry applies to --alerts-topic only");
      r =
          CliTest.run(
              "generate",
              "--output",
              dir.resolve("gen").toString(),
              "--customers",
              "1",
              "--days",
              "1",
              "--schema-registry",
              registry.url().toString());
      assertThat(r.code()).isEqualTo(2);
      assertThat(r.err().strip())
          .isEqualTo(
              "error: --schema-registry "
                  + registry.url()
                  + " applies to --kafka only (files are plain Avro)");
    }
  }
}
