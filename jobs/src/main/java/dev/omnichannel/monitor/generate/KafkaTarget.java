package dev.omnichannel.monitor.generate;

import dev.omnichannel.monitor.config.Secrets;
import java.util.Map;
import java.util.Objects;

/**
 * A Kafka topic to generate into instead of files.
 *
 * @param bootstrapServers {@code host:port[,host:port…]}
 * @param topic an existing topic: the generator does not create topics
 * @param properties producer properties passed through (security settings and the like); they
 *     override the generator's defaults (idempotent, {@code acks=all}, lz4)
 */
public record KafkaTarget(String bootstrapServers, String topic, Map<String, String> properties) {
  public KafkaTarget {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(topic, "topic");
    properties = properties == null ? Map.of() : Map.copyOf(properties);
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
        + "]";
  }
}
