package dev.omnichannel.monitor.io;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Kafka producers and topic checks for writing input topics (the generator, tests): idempotent,
 * {@code acks=all}, byte keys and values, and quick to fail when the cluster or topic is not there.
 */
public final class KafkaProducers {
  /** How long a producer waits for metadata before {@code send} fails (Kafka's default is 60 s). */
  public static final Duration MAX_BLOCK = Duration.ofSeconds(15);

  /** Largest request a producer sends: room for one record over the 1 MiB input limit. */
  public static final int MAX_REQUEST_BYTES = 4 << 20;

  private KafkaProducers() {}

  /**
   * Producer properties: idempotent, {@code acks=all}, lz4 batches, {@link #MAX_BLOCK}, {@link
   * #MAX_REQUEST_BYTES}, then {@code overrides} (client properties such as {@code
   * security.protocol}), byte-array serializers.
   */
  public static Properties properties(String bootstrapServers, Map<String, String> overrides) {
    Properties p = new Properties();
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(256 * 1024));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, String.valueOf(MAX_BLOCK.toMillis()));
    p.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_REQUEST_BYTES));
    p.putAll(overrides);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** A producer with {@link #properties}. */
  public static KafkaProducer<byte[], byte[]> create(
      String bootstrapServers, Map<String, String> overrides) {
    return new KafkaProducer<>(properties(bootstrapServers, overrides));
  }

  /**
   * The number of partitions of {@code topic}. Throws an {@link IllegalArgumentException} naming
   * the topic when it does not exist (topics are created by whoever runs the cluster, never here),
   * and one naming the servers when they do not answer within {@code timeout}.
   *
   * @param overrides client properties; those an admin client knows are used (security settings)
   */
  public static int partitions(
      String bootstrapServers, String topic, Map<String, String> overrides, Duration timeout)
      throws InterruptedException {
    Properties p = new Properties();
    // a few connection warnings rather than one a second while the servers do not answer
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, "1000");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "5000");
    overrides.forEach(
        (k, v) -> {
          if (AdminClientConfig.configNames().contains(k)) {
            p.put(k, v);
          }
        });
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    Admin admin = Admin.create(p);
    try {
      try {
        TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
        return d.partitions().size();
      } catch (ExecutionException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnknownTopicOrPartitionException) {
          throw new IllegalArgumentException(
              "Kafka topic '"
                  + topic
                  + "' does not exist on "
                  + bootstrapServers
                  + ": create it first, e.g. kafka-topics.sh --bootstrap-server "
                  + bootstrapServers
                  + " --create --topic "
                  + topic
                  + " --partitions 3");
        }
        if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
          throw new IllegalArgumentException(
              "Kafka at "
                  + bootstrapServers
                  + " did not answer within "
                  + timeout.toSeconds()
                  + " s (looking up topic '"
                  + topic
                  + "')");
        }
        throw new IllegalStateException(
            "cannot look up Kafka topic '" + topic + "' on " + bootstrapServers + ": " + cause,
            cause);
      }
    } finally {
      admin.close(Duration.ofSeconds(5));
    }
  }
}
