package dev.omnichannel.monitor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertiesFileTest {
  private static final String F = "--kafka-properties";

  @TempDir Path dir;

  private Path file(String text) throws Exception {
    Path f = dir.resolve("client.properties");
    Files.writeString(f, text);
    return f;
  }

  @Test
  void shouldReadAClientPropertiesFileAndSubstituteTheEnvironment() throws Exception {
    Path f =
        file(
            """
            # a secured broker
            security.protocol=SASL_SSL
            sasl.mechanism = PLAIN
            sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\
                username="${KAFKA_USER}" password="${KAFKA_PASSWORD}";
            ssl.truststore.location=/etc/kafka/truststore.p12
            literal=costs $${NOT_A_VARIABLE} and $5
            """);
    Map<String, String> p =
        PropertiesFile.load(
            F, f, Map.of("KAFKA_USER", "analyst", "KAFKA_PASSWORD", "hunter2-FAKE", "X", "y"));
    assertThat(p)
        .containsExactly(
            Map.entry("literal", "costs ${NOT_A_VARIABLE} and $5"),
            Map.entry(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"analyst\" password=\"hunter2-FAKE\";"),
            Map.entry("sasl.mechanism", "PLAIN"),
            Map.entry("security.protocol", "SASL_SSL"),
            Map.entry("ssl.truststore.location", "/etc/kafka/truststore.p12"));
  }

  @Test
  void shouldNameTheVariableThePropertyAndTheFileWhenAVariableIsMissing() throws Exception {
    Path f = file("ssl.key.password=${KAFKA_KEY_PASSWORD}\n");
    assertThatThrownBy(() -> PropertiesFile.load(F, f, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--kafka-properties "
                + f
                + ": ssl.key.password uses ${KAFKA_KEY_PASSWORD}, but the environment variable"
                + " KAFKA_KEY_PASSWORD is not set (or is empty)");
    assertThatThrownBy(() -> PropertiesFile.load(F, f, Map.of("KAFKA_KEY_PASSWORD", "")))
        .hasMessageEndingWith("KAFKA_KEY_PASSWORD is not set (or is empty)");
  }

  @Test
  void shouldRefuseABrokenReferenceWithoutQuotingTheValue() throws Exception {
    for (String value : new String[] {"pre${KAFKA_PASSWORD", "a${}b", "x${1ABC}", "${A B}"}) {
      Path f = file("ssl.key.password=hunter2-FAKE" + value + "\n");
      assertThatThrownBy(() -> PropertiesFile.load(F, f, Map.of("KAFKA_PASSWORD", "p")))
          .as(value)
          .hasMessage(
              "--kafka-properties "
                  + f
                  + ": the value of ssl.key.password has a '${' that does not start a ${NAME}"
                  + " reference (NAME: letters, digits and _; write $${ for a literal ${)")
          .message()
          .doesNotContain("hunter2");
    }
  }

  @Test
  void shouldNameTheFlagAndThePathOfAFileItCannotRead() throws Exception {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> PropertiesFile.load(F, missing, Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--kafka-properties " + missing + " cannot be read: no such file");
    assertThatThrownBy(() -> PropertiesFile.load(F, dir, Map.of()))
        .hasMessage("--kafka-properties " + dir + " cannot be read: it is a directory");
    Path bad = file("a=\\uZZZZ\n");
    assertThatThrownBy(() -> PropertiesFile.load(F, bad, Map.of()))
        .hasMessageStartingWith("--kafka-properties " + bad + " is not a properties file: ");
  }

  @Test
  void shouldReadAnEmptyFileAsNoProperties() throws Exception {
    assertThat(PropertiesFile.load(F, file("# nothing yet\n"), Map.of())).isEmpty();
  }

  /**
   * README's secured-Kafka example: a properties file whose password comes from the environment.
   */
  @Test
  void readmesSecuredKafkaExampleShouldLoadWithThePasswordFromTheEnvironment() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("#### Secured Kafka");
    assertThat(section).isPositive();
    int start = readme.indexOf("```properties\n", section) + "```properties\n".length();
    String example = readme.substring(start, readme.indexOf("```", start));
    Map<String, String> p =
        PropertiesFile.load(F, file(example), Map.of("KAFKA_PASSWORD", "hunter2-FAKE"));
    assertThat(p.get("sasl.jaas.config"))
        .isEqualTo(
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"omni\""
                + " password=\"hunter2-FAKE\";");
    assertThat(p).containsEntry("security.protocol", "SASL_SSL");
    int bash = readme.indexOf("```bash\n", section) + "```bash\n".length();
    String command = readme.substring(bash, readme.indexOf("```", bash));
    assertThat(command).contains("--kafka-properties client.properties").doesNotContain("password");
  }
}
