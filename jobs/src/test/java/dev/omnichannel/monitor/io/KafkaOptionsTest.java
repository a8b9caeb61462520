package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.util.InstantiationUtil;
import org.junit.jupiter.api.Test;

class KafkaOptionsTest {
  private static final String B = "127.0.0.1:9092";

  @Test
  void shouldDefaultToCommittedOffsetsUnboundedAndTheJobsGroup() {
    KafkaOptions o = KafkaOptions.topics(B, "events");
    assertThat(o.groupId()).isEqualTo("omnichannel-monitor");
    assertThat(o.start()).isEqualTo(KafkaOptions.Start.COMMITTED);
    assertThat(o.bounded()).isFalse();
    assertThat(o.properties()).isEmpty();
  }

  @Test
  void shouldParseStartingOffsets() {
    KafkaOptions o = KafkaOptions.topics(B, "events");
    assertThat(o.withStartingOffsets("Earliest").start()).isEqualTo(KafkaOptions.Start.EARLIEST);
    assertThat(o.withStartingOffsets("latest").start()).isEqualTo(KafkaOptions.Start.LATEST);
    KafkaOptions t = o.withStartingOffsets("timestamp:1767225600000");
    assertThat(t.start()).isEqualTo(KafkaOptions.Start.TIMESTAMP);
    assertThat(t.startTimestamp()).isEqualTo(1767225600000L);
  }

  @Test
  void shouldRejectBadValuesNamingThem() {
    KafkaOptions o = KafkaOptions.topics(B, "events");
    assertThatThrownBy(() -> o.withStartingOffsets("yesterday"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "Kafka starting offsets 'yesterday' must be earliest, latest, committed or"
                + " timestamp:<epoch-ms>");
    assertThatThrownBy(() -> o.withStartingOffsets("timestamp:soon"))
        .hasMessageContaining("'timestamp:soon': the timestamp must be epoch milliseconds");
    assertThatThrownBy(() -> o.withStartingOffsets("timestamp:-5"))
        .hasMessageContaining("'timestamp:-5'");
    assertThatThrownBy(() -> KafkaOptions.topics("localhost", "events"))
        .hasMessage("Kafka bootstrap servers 'localhost': 'localhost' is not host:port");
    assertThatThrownBy(() -> KafkaOptions.topics("a:1,b:99999", "events"))
        .hasMessage("Kafka bootstrap servers 'a:1,b:99999': 'b:99999' is not host:port");
    assertThatThrownBy(() -> KafkaOptions.topics(" ", "events"))
        .hasMessage("Kafka bootstrap servers are missing");
    assertThatThrownBy(() -> KafkaOptions.topics(B))
        .hasMessage("no Kafka topic given: name the topics or a topic pattern");
    assertThatThrownBy(() -> KafkaOptions.topics(B, "a b"))
        .hasMessage("Kafka topic 'a b' is not a valid topic name (letters, digits, . _ -)");
    assertThatThrownBy(() -> KafkaOptions.topicPattern(B, "events-("))
        .hasMessageStartingWith("Kafka topic pattern 'events-(' is not a regular expression");
    assertThatThrownBy(
            () -> new KafkaOptions(B, List.of("a"), "a.*", "g", "earliest", false, Map.of()))
        .hasMessageStartingWith("give Kafka topics or a topic pattern, not both");
    assertThatThrownBy(() -> o.withGroupId("")).hasMessage("Kafka group id '' is empty");
    assertThatThrownBy(() -> o.withProperty("group.id", "other"))
        .hasMessage(
            "Kafka property 'group.id' cannot be passed through: it is set by its own option");
    assertThatThrownBy(() -> KafkaOptions.parseProperties(List.of("=x")))
        .hasMessage("Kafka property '=x' is not PROPERTY=VALUE");
  }

  @Test
  void shouldParseAndStripProperties() {
    assertThat(KafkaOptions.parseProperties(List.of("sasl.jaas.config=a=b c", "x=")))
        .containsExactly(Map.entry("sasl.jaas.config", "a=b c"), Map.entry("x", ""));
    assertThat(
            KafkaOptions.stripPrefix(
                Map.of("kafka.security.protocol", "SASL_SSL", "other", "1", "kafka.", "z"),
                "kafka."))
        .containsExactly(Map.entry("security.protocol", "SASL_SSL"));
  }

  @Test
  void shouldBuildASerializableSource() throws Exception {
    KafkaOptions o =
        KafkaOptions.topics(B, "events", "more")
            .withStartingOffsets("earliest")
            .withBounded(true)
            .withProperty("security.protocol", "PLAINTEXT");
    KafkaOptions copy = InstantiationUtil.clone(o);
    assertThat(copy).isEqualTo(o);
    KafkaSource<RawRecord> source = KafkaSources.kafkaSource(o);
    assertThat(source.getBoundedness()).isEqualTo(Boundedness.BOUNDED);
    assertThat(InstantiationUtil.clone(source)).isNotNull();
    assertThat(source.getProducedType().getTypeClass()).isEqualTo(RawRecord.class);
    assertThat(KafkaSources.source(o).getBoundedness()).isEqualTo(Boundedness.BOUNDED);
    assertThat(KafkaSources.source(o).getProducedType().getTypeClass()).isEqualTo(RawRecord.class);
    assertThat(InstantiationUtil.clone(KafkaSources.source(o))).isNotNull();
    KafkaSource<RawRecord> pattern =
        KafkaSources.kafkaSource(
            KafkaOptions.topicPattern(B, "events-.*").withStartingOffsets("timestamp:0"));
    assertThat(pattern.getBoundedness()).isEqualTo(Boundedness.CONTINUOUS_UNBOUNDED);
  }

  @Test
  void shouldPrintWithoutTheValuesOfSecretProperties() {
    KafkaOptions o =
        KafkaOptions.topics(B, "events")
            .withProperty("security.protocol", "SASL_SSL")
            .withProperty(
                "sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                    + " username=\"u\" password=\"hunter2-FAKE\";");
    assertThat(o.toString())
        .isEqualTo(
            "KafkaOptions[bootstrapServers=127.0.0.1:9092, topics=[events], topicPattern=null,"
                + " groupId=omnichannel-monitor, startingOffsets=committed, bounded=false,"
                + " properties={sasl.jaas.config=***, security.protocol=SASL_SSL},"
                + " schemaRegistry=null]");
    assertThat(o.properties().get("sasl.jaas.config")).contains("hunter2-FAKE");
  }

  @Test
  void shouldNotQuoteTheValueOfAPropertyWithoutAName() {
    assertThatThrownBy(() -> KafkaOptions.topics(B, "events").withProperty(" ", "hunter2-FAKE"))
        .hasMessage("a Kafka property has an empty name");
  }

  @Test
  void schemaRegistryIsAnHttpUrlWithoutTrailingSlashAndKeptByTheOtherWithers() {
    KafkaOptions o =
        KafkaOptions.topics(B, "events")
            .withSchemaRegistry(" http://127.0.0.1:8080/apis/ccompat/v7/ ")
            .withGroupId("g")
            .withBounded(true);
    assertThat(o.schemaRegistry()).isEqualTo("http://127.0.0.1:8080/apis/ccompat/v7");
    assertThat(KafkaOptions.topics(B, "events").schemaRegistry()).isNull();
    assertThatThrownBy(() -> KafkaOptions.topics(B, "events").withSchemaRegistry("ftp://h:1"))
        .hasMessage(
            "schema registry URL 'ftp://h:1' is not an http(s)://host[:port][/path] URL (no"
                + " user, query or fragment)");
  }
}
