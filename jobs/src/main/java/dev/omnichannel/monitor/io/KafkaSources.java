package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.mapping.Mapping;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.KafkaSourceEnumState;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.split.KafkaPartitionSplit;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;

/**
 * Builds the job's {@code KafkaSource} of {@link RawRecord}s ({@link KafkaRecordFormat}) from
 * {@link KafkaOptions}.
 *
 * <p>Topics must exist before the job starts: the source's enumerator fails on an unknown topic
 * (and a job restarts forever). With fewer partitions than source subtasks, give the watermark
 * strategy {@code withIdleness}, or the idle subtasks hold the watermark back.
 */
public final class KafkaSources {
  private KafkaSources() {}

  /**
   * The source of {@code options}: a {@code KafkaSource}, wrapped so that a bounded read restored
   * from a checkpoint or savepoint still ends (see {@link BoundedRestoreSource}).
   */
  public static BoundedRestoreSource<RawRecord, KafkaPartitionSplit, KafkaSourceEnumState> source(
      KafkaOptions options) {
    return source(options, Map.of());
  }

  /**
   * The source of {@code options} whose topics of {@code textTopics} hold text rows of a legacy
   * export, read with the topic's mapping ({@code stream --mapping TOPIC=FILE}).
   */
  public static BoundedRestoreSource<RawRecord, KafkaPartitionSplit, KafkaSourceEnumState> source(
      KafkaOptions options, Map<String, Mapping> textTopics) {
    KafkaSource<RawRecord> source = kafkaSource(options, textTopics);
    return new BoundedRestoreSource<>(source, source.getProducedType());
  }

  /** The connector's {@code KafkaSource} of {@code options}. */
  static KafkaSource<RawRecord> kafkaSource(KafkaOptions options) {
    return kafkaSource(options, Map.of());
  }

  @SuppressWarnings("deprecation") // OffsetResetStrategy is what the connector's API takes
  static KafkaSource<RawRecord> kafkaSource(KafkaOptions options, Map<String, Mapping> textTopics) {
    Properties props = new Properties();
    props.putAll(options.clientProperties());
    KafkaSourceBuilder<RawRecord> b =
        KafkaSource.<RawRecord>builder()
            .setProperties(props)
            .setBootstrapServers(options.bootstrapServers())
            .setGroupId(options.groupId())
            .setDeserializer(new KafkaRecordFormat(options.registry(), textTopics));
    if (!options.properties().containsKey("client.id.prefix")) {
      b.setClientIdPrefix(options.groupId());
    }
    if (options.topicPattern() != null) {
      b.setTopicPattern(Pattern.compile(options.topicPattern()));
    } else {
      b.setTopics(options.topics());
    }
    b.setStartingOffsets(
        switch (options.start()) {
          case EARLIEST -> OffsetsInitializer.earliest();
          case LATEST -> OffsetsInitializer.latest();
          case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
          case TIMESTAMP -> OffsetsInitializer.timestamp(options.startTimestamp());
        });
    if (options.bounded()) {
      b.setBounded(OffsetsInitializer.latest());
    }
    return b.build();
  }
}
