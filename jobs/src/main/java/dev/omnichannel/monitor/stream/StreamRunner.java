package dev.omnichannel.monitor.stream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.flow.Alert;
import dev.omnichannel.monitor.flow.Flow;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.LocalFlink;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.io.KafkaSources;
import dev.omnichannel.monitor.io.ObjectStores;
import dev.omnichannel.monitor.io.RawRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ExternalizedCheckpointRetention;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Runs stream mode: Kafka in, Parquet tables (committed on checkpoints) out, alerts and optionally
 * dead letters to Kafka topics. Checkpoints are exactly-once, kept on cancellation, and the job
 * restarts with exponential back-off after a failure.
 */
public final class StreamRunner {
  private StreamRunner() {}

  /**
   * How to run.
   *
   * @param checkpointDir where checkpoints go (a URI or path reachable by every TaskManager)
   * @param checkpointInterval how often to checkpoint; also how often Parquet files are committed
   * @param restoreFrom a savepoint or retained checkpoint to start from, or null
   * @param alertsTopic the topic for alerts, or null for none
   * @param deadLetterTopic the topic that also receives dead letters (JSON), or null
   * @param maxRestarts restarts in a row after failures before the job fails, with exponential
   *     back-off ({@link #restarts}): null for unlimited, 0 for none
   * @param arguments the command line, for the run summary
   * @param stateBackend where keyed state lives
   * @param alertsFramed alerts in the schema registry's wire format ({@link FramedRecords}) instead
   *     of JSON; needs the source's schema registry
   * @param deadLettersFramed the same for the dead-letter topic
   */
  public record Run(
      String checkpointDir,
      Duration checkpointInterval,
      String restoreFrom,
      String alertsTopic,
      String deadLetterTopic,
      Integer maxRestarts,
      List<String> arguments,
      StateBackend stateBackend,
      boolean alertsFramed,
      boolean deadLettersFramed) {
    /** A run whose alerts and dead letters are JSON. */
    public Run(
        String checkpointDir,
        Duration checkpointInterval,
        String restoreFrom,
        String alertsTopic,
        String deadLetterTopic,
        Integer maxRestarts,
        List<String> arguments,
        StateBackend stateBackend) {
      this(
          checkpointDir,
          checkpointInterval,
          restoreFrom,
          alertsTopic,
          deadLetterTopic,
          maxRestarts,
          arguments,
          stateBackend,
          false,
          false);
    }

    /** A run with its state on the heap. */
    public Run(
        String checkpointDir,
        Duration checkpointInterval,
        String restoreFrom,
        String alertsTopic,
        String deadLetterTopic,
        Integer maxRestarts,
        List<String> arguments) {
      this(
          checkpointDir,
          checkpointInterval,
          restoreFrom,
          alertsTopic,
          deadLetterTopic,
          maxRestarts,
          arguments,
          StateBackend.HASHMAP);
    }

    /** The same run with its state in {@code backend}. */
    public Run withStateBackend(StateBackend backend) {
      return new Run(
          checkpointDir,
          checkpointInterval,
          restoreFrom,
          alertsTopic,
          deadLetterTopic,
          maxRestarts,
          arguments,
          backend,
          alertsFramed,
          deadLettersFramed);
    }

    /** The same run with its alerts and dead letters framed for the schema registry or not. */
    public Run withFramedTopics(boolean alerts, boolean deadLetters) {
      return new Run(
          checkpointDir,
          checkpointInterval,
          restoreFrom,
          alertsTopic,
          deadLetterTopic,
          maxRestarts,
          arguments,
          stateBackend,
          alerts,
          deadLetters);
    }
  }

  /**
   * Where keyed state lives: on the JVM heap (fast; every checkpoint writes all of it), or in
   * embedded RocksDB (state larger than memory; incremental checkpoints write only the files that
   * changed since the last one).
   */
  public enum StateBackend {
    HASHMAP,
    ROCKSDB
  }

  /** The job's environment with checkpointing and restarts configured. */
  public static StreamExecutionEnvironment environment(FlowConfig config, Run run) {
    Configuration conf = new Configuration();
    conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, run.checkpointInterval());
    conf.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, run.checkpointDir());
    conf.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    restarts(conf, run.maxRestarts());
    if (run.restoreFrom() != null) {
      conf.set(StateRecoveryOptions.SAVEPOINT_PATH, run.restoreFrom());
    }
    if (run.stateBackend() == StateBackend.ROCKSDB) {
      conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
      conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    } else {
      conf.set(StateBackendOptions.STATE_BACKEND, "hashmap");
    }
    return LocalFlink.environment(conf, config.parallelism());
  }

  /** The first restart's delay; each further one waits {@link #RESTART_BACKOFF} times longer. */
  static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(1);

  /** How much longer each restart in a row waits than the one before. */
  static final double RESTART_BACKOFF = 1.5;

  /** The longest wait before a restart. */
  static final Duration MAX_RESTART_DELAY = Duration.ofMinutes(1);

  /** After this long without a failure, the delays and the count of restarts start over. */
  static final Duration RESTARTS_RESET_AFTER = Duration.ofHours(1);

  /**
   * Sets the restart strategy: none for {@code maxRestarts} 0; otherwise restarts with exponential
   * back-off (1 s, 1.5 s, 2.25 s, ... up to 1 min between restarts, give or take 10%), at most
   * {@code maxRestarts} in a row (null: no limit). An hour without a failure starts the delays and
   * the count over, so a job that runs for months is not failed by its fourth outage with {@code
   * --max-restarts 3}. The waits of {@code N} restarts in a row add up to about 13 s for 5, 2 min
   * for 10 and 12 min for 20: the longest outage the job rides out before it fails.
   */
  static void restarts(Configuration conf, Integer maxRestarts) {
    if (maxRestarts != null && maxRestarts == 0) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      return;
    }
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "exponential-delay");
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_INITIAL_BACKOFF,
        FIRST_RESTART_DELAY);
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_BACKOFF_MULTIPLIER,
        RESTART_BACKOFF);
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_MAX_BACKOFF, MAX_RESTART_DELAY);
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_RESET_BACKOFF_THRESHOLD,
        RESTARTS_RESET_AFTER);
    conf.set(
        RestartStrategyOptions.RESTART_STRATEGY_EXPONENTIAL_DELAY_ATTEMPTS,
        maxRestarts == null ? Integer.MAX_VALUE : maxRestarts);
  }

  /** Wires the job on {@code env}: source, pipeline, sinks. */
  public static Flow.Outputs wire(
      StreamExecutionEnvironment env,
      FlowConfig config,
      StreamSettings settings,
      KafkaOptions kafka,
      Run run) {
    StreamPipeline pipeline = new StreamPipeline(config, settings, run.arguments());
    DataStream<RawRecord> raw =
        env.fromSource(
                KafkaSources.source(kafka, config.mapped().topics()),
                pipeline.sourceWatermarks(),
                "kafka")
            .uid("source-kafka")
            .name("read Kafka");
    Flow.Outputs streams = pipeline.wire(raw, true);
    StreamPipeline.sinkParquet(streams, outputUri(config.output()));
    if ((run.alertsFramed() || run.deadLettersFramed()) && kafka.registry() == null) {
      throw new IllegalArgumentException(
          "alerts or dead letters in the registry format need a schema registry");
    }
    if (run.alertsTopic() != null) {
      String clientId = "alerts-" + config.runId();
      streams
          .alerts()
          .sinkTo(
              run.alertsFramed()
                  ? kafkaSink(
                      kafka,
                      clientId,
                      new FramedRecords<>(
                          run.alertsTopic(),
                          kafka.registry(),
                          dev.omnichannel.monitor.avro.Alert.getClassSchema(),
                          new FramedRecords.Alerts()))
                  : kafkaSink(kafka, clientId, new JsonRecords(run.alertsTopic(), new AlertKey())))
          .uid("sink-alerts")
          .name("alerts to Kafka");
    }
    if (run.deadLetterTopic() != null) {
      String clientId = "dlq-" + config.runId();
      if (run.deadLettersFramed()) {
        streams
            .deadLetters()
            .sinkTo(
                kafkaSink(
                    kafka,
                    clientId,
                    new FramedRecords<>(
                        run.deadLetterTopic(),
                        kafka.registry(),
                        DeadLetterRow.getClassSchema(),
                        new FramedRecords.DeadLetters())))
            .uid("sink-dead-letter-topic")
            .name("dead letters to Kafka");
      } else {
        streams
            .deadLetters()
            .map(StreamRunner::deadLetterJson)
            .name("dead letters as JSON")
            .sinkTo(kafkaSink(kafka, clientId, new JsonRecords(run.deadLetterTopic(), null)))
            .uid("sink-dead-letter-topic")
            .name("dead letters to Kafka");
      }
    }
    return streams;
  }

  /**
   * The output as a URI for Flink's file systems: an object store's URI as it is ({@code
   * s3://bucket/prefix}), a local folder as a {@code file:} URI.
   */
  static String outputUri(String output) {
    return ObjectStores.isObjectStore(output) ? output : Path.of(output).toUri().toString();
  }

  /** Runs the job until it ends (a bounded read) or is stopped. */
  public static JobExecutionResult run(
      FlowConfig config, StreamSettings settings, KafkaOptions kafka, Run run) throws Exception {
    StreamExecutionEnvironment env = environment(config, run);
    wire(env, config, settings, kafka, run);
    return env.execute("omnichannel-monitor stream " + config.runId());
  }

  /**
   * An at-least-once Kafka sink: a record is resent after a restart rather than lost, and consumers
   * drop repeats by its key (the alert's idempotency key). At-least-once keeps alerts visible
   * within the watermark delay; exactly-once would hold them until the next checkpoint commits its
   * transaction.
   */
  static <T> KafkaSink<T> kafkaSink(
      KafkaOptions kafka, String clientId, KafkaRecordSerializationSchema<T> records) {
    Properties props = new Properties();
    for (Map.Entry<String, String> e : kafka.clientProperties().entrySet()) {
      props.setProperty(e.getKey(), e.getValue());
    }
    props.setProperty("client.id", clientId);
    return KafkaSink.<T>builder()
        .setBootstrapServers(kafka.bootstrapServers())
        .setKafkaProducerConfig(props)
        .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
        .setRecordSerializer(records)
        .build();
  }

  /** JSON strings as Kafka records on one topic, keyed by {@code key} (or without a key). */
  static final class JsonRecords implements KafkaRecordSerializationSchema<String> {
    private final String topic;
    private final SerializationSchema<String> key;

    JsonRecords(String topic, SerializationSchema<String> key) {
      this.topic = topic;
      this.key = key;
    }

    @Override
    public org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> serialize(
        String json, KafkaSinkContext context, Long timestamp) {
      // No record timestamp: the producer stamps the send time. The Flink timestamp is the event
      // time (old for a replay, and a minimum for records without one), which time-based
      // retention would delete at once, and which Kafka refuses when negative.
      return new org.apache.kafka.clients.producer.ProducerRecord<>(
          topic,
          null,
          null,
          key == null ? null : key.serialize(json),
          json.getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The Kafka key of an alert: its idempotency key. */
  static final class AlertKey implements SerializationSchema<String> {
    @Override
    public byte[] serialize(String json) {
      return Alert.fromJson(json).alertId().getBytes(StandardCharsets.UTF_8);
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /** A dead letter as one line of JSON (source, reason, payload, event_id, event_time). */
  static String deadLetterJson(DeadLetterRow d) {
    ObjectNode n = JSON.createObjectNode();
    n.put("source", d.getSource());
    n.put("reason", d.getReason());
    n.put("payload", d.getPayload());
    n.put("event_id", d.getEventId());
    n.put("event_time", d.getEventTime() == null ? null : d.getEventTime().toString());
    return n.toString();
  }
}
