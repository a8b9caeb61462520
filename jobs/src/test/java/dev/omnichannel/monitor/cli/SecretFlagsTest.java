package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --kafka-properties} errors name the flag, the file and the variable; no error message
 * repeats a secret that was on the command line.
 */
class SecretFlagsTest {
  /** An environment variable no machine sets. */
  private static final String UNSET = "OMNI_TEST_UNSET_VARIABLE_7F3A";

  private static final String JAAS =
      "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"analyst\""
          + " password=\"hunter2-FAKE-flags\";";

  @TempDir Path dir;
  private Path key;

  @BeforeEach
  void key() throws Exception {
    key = dir.resolve("hmac.key");
    Files.writeString(key, "secret-flags-test-key-0123456789");
  }

  private CliTest.Run stream(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "stream",
                "--bootstrap-servers",
                "127.0.0.1:9",
                "--topic",
                "events",
                "--output",
                dir.resolve("out").toString(),
                "--hmac-key-file",
                key.toString()));
    args.addAll(List.of(more));
    return CliTest.run(args.toArray(String[]::new));
  }

  private static void assertOneLineError(CliTest.Run r, String message) {
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).isEqualTo("error: " + message + System.lineSeparator());
  }

  @Test
  void streamShouldNameAKafkaPropertiesFileItCannotRead() {
    Path missing = dir.resolve("client.properties");
    assertOneLineError(
        stream("--kafka-properties", missing.toString()),
        "--kafka-properties " + missing + " cannot be read: no such file");
    assertThat(dir.resolve("out")).doesNotExist();
  }

  @Test
  void streamShouldNameTheUnsetVariableAndTheFile() throws Exception {
    assertThat(System.getenv(UNSET)).isNull();
    Path props = dir.resolve("client.properties");
    Files.writeString(
        props,
        "security.protocol=SASL_SSL\n"
            + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
            + " username=\"analyst\" password=\"${"
            + UNSET
            + "}\";\n");
    assertOneLineError(
        stream("--kafka-properties", props.toString()),
        "--kafka-properties "
            + props
            + ": sasl.jaas.config uses ${"
            + UNSET
            + "}, but the environment variable "
            + UNSET
            + " is not set (or is empty)");
  }

  @Test
  void aMistypedFlagShouldNotRepeatTheSecretAfterIt() {
    CliTest.Run r = stream("--kafak", "sasl.jaas.config=" + JAAS);
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("'--kafak'", "'sasl.jaas.config=***'")
        .doesNotContain("hunter2", "analyst");

    r = stream("--kafka", "ssl.key.password=hunter2-FAKE-flags", "--bogus=ssl.key.password=x");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("--bogus=ssl.key.password=***").doesNotContain("hunter2");
  }

  @Test
  void backfillShouldMaskThePasswordOfAnInputUrl() {
    CliTest.Run r =
        CliTest.run(
            "backfill",
            "--input",
            "https://analyst:hunter2-FAKE-url@files.example.com/events.jsonl",
            "--output",
            dir.resolve("out").toString(),
            "--hmac-key-file",
            key.toString());
    assertOneLineError(
        r, "--input https://analyst:***@files.example.com/events.jsonl does not exist");
  }

  @Test
  void generateShouldTakeAKafkaPropertiesFileOnlyWithKafkaAndNameOneItCannotRead() {
    String out = dir.resolve("gen").toString();
    Path props = dir.resolve("producer.properties");
    assertOneLineError(
        CliTest.run("generate", "--output", out, "--kafka-properties", props.toString()),
        "--kafka-properties " + props + " applies to --kafka only");
    assertOneLineError(
        CliTest.run(
            "generate",
            "--output",
            out,
            "--kafka",
            "127.0.0.1:9092",
            "--topic",
            "events",
            "--kafka-properties",
            props.toString()),
        "--kafka-properties " + props + " cannot be read: no such file");
    assertThat(dir.resolve("gen")).doesNotExist();
  }
}
