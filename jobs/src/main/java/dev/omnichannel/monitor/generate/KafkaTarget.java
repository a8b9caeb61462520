package dev.omnichannel.monitor.generate;

import dev.omnichannel.monitor.config.Secrets;
import dev.omnichannel.monitor.io.registry.RegistryConfig;
import java.util.Map;
import java.util.Objects;

/**
 * A Kafka topic to generate into instead of files.
 *
 * @param bootstrapServers {@code host:port[,host:port…]}
 * @param topic an existing topic: the generator does not create topics
 * @param properties producer properties passed through (security settings and the like); they
 *     override the generator's defaults (idempotent, {@code acks=all}, lz4)
 * @param registry the schema registry the values are framed for, or null for plain Avro values
 * @param schemaId the registry's id of the ChannelEvent schema under {@code <topic>-value}, which
 *     frames every value; null until it is registered, and without a registry
 */
public record KafkaTarget(
    String bootstrapServers,
    String topic,
    Map<String, String> properties,
    RegistryConfig registry,
    Integer schemaId) {
  public KafkaTarget {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topic, "topic");
    properties = properties == null ? Map.of() : Map.copyOf(properties);
    if (schemaId != null && registry == null) {
      throw new IllegalArgumentException("a schema id needs a schema registry");
    }
  }

  /** A target of plain Avro values. */
  public KafkaTarget(String bootstrapServers, String topic, Map<String, String> properties) {
    this(bootstrapServers, topic, properties, null, null);
  }

  /** The same target, its values framed with {@code id}. */
  public KafkaTarget withSchemaId(int id) {
    return new KafkaTarget(bootstrapServers, topic, properties, registry, id);
  }

  /** The target, with the value of every secret property masked ({@link Secrets}). */
  @Override
  public String toString() {
    return "KafkaTarget[bootstrapServers="
        + bootstrapServers
        + ", topic="
        + topic
        + ", properties="
        + Secrets.redactProperties(properties)
        + ", registry="
        + registry
        + ", schemaId="
        + schemaId
        + "]";
  }
}
