package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.flow.Alert;
import dev.omnichannel.monitor.io.registry.RegistryConfig;
import dev.omnichannel.monitor.io.registry.SchemaRegistryClient;
import dev.omnichannel.monitor.io.registry.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.serialization.SerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Records of one topic in the schema registry's wire format (magic byte 0, the schema id, the Avro
 * binary datum), as Confluent's and Apicurio's Avro serializers write them: the record's Avro
 * schema is registered under the subject {@code <topic>-value} (the default topic-name strategy)
 * when the sink opens, and the id the registry answers frames every value. A registry that cannot
 * be reached then fails the sink, and the job restarts and registers again (the registry answers
 * the same id for the same schema).
 *
 * @param <T> what the stream holds; {@link Converter} turns it into an Avro record and a key
 */
final class FramedRecords<T> implements KafkaRecordSerializationSchema<T> {
  private static final long serialVersionUID = 1L;

  /** Turns an element into its Avro record and its Kafka key (null for none). */
  interface Converter<T> extends Serializable {
    SpecificRecord record(T element);

    byte[] key(T element);
  }

  private final String topic;
  private final RegistryConfig registry;
  private final String schema;
  private final Converter<T> converter;
  private transient int schemaId = -1;
  private transient SpecificDatumWriter<SpecificRecord> writer;
  private transient ByteArrayOutputStream bytes;
  private transient BinaryEncoder encoder;

  FramedRecords(String topic, RegistryConfig registry, Schema schema, Converter<T> converter) {
    this.topic = topic;
    this.registry = registry;
    this.schema = schema.toString();
    this.converter = converter;
  }

  /** The subject a topic's values are registered under. */
  static String subject(String topic) {
    return topic + "-value";
  }

  @Override
  public void open(SerializationSchema.InitializationContext context, KafkaSinkContext sinkContext)
      throws Exception {
    Schema s = new Schema.Parser().parse(schema);
    SchemaRegistryClient client = registry.client();
    schemaId = client.register(subject(topic), s);
    writer = new SpecificDatumWriter<>(s);
    bytes = new ByteArrayOutputStream(512);
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(
      T element, KafkaSinkContext context, Long timestamp) {
    if (schemaId < 0) {
      throw new IllegalStateException("the sink of " + topic + " was not opened");
    }
    bytes.reset();
    encoder = EncoderFactory.get().binaryEncoder(bytes, encoder);
    try {
      writer.write(converter.record(element), encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    // No record timestamp: the producer stamps the send time (see JsonRecords).
    return new ProducerRecord<>(
        topic, null, null, converter.key(element), WireFormat.frame(schemaId, bytes.toByteArray()));
  }

  /** Alerts (their JSON) as {@code dev.omnichannel.monitor.avro.Alert}, keyed by alert id. */
  static final class Alerts implements Converter<String> {
    private static final long serialVersionUID = 1L;

    @Override
    public SpecificRecord record(String json) {
      return avro(Alert.fromJson(json));
    }

    @Override
    public byte[] key(String json) {
      return Alert.fromJson(json).alertId().getBytes(StandardCharsets.UTF_8);
    }
  }

  /** The Avro record of an alert. */
  static dev.omnichannel.monitor.avro.Alert avro(Alert a) {
    return dev.omnichannel.monitor.avro.Alert.newBuilder()
        .setAlertId(a.alertId())
        .setKind(a.kind())
        .setType(a.type())
        .setSeverity(a.severity())
        .setPersonId(a.personId())
        .setJourneyId(a.journeyId())
        .setDetectedAt(Instant.parse(a.detectedAt()))
        .setEvidenceEventIds(a.evidenceEventIds())
        .setChannels(a.channels())
        .setRecentChannels(a.recentChannels())
        .build();
  }

  /** Dead letters as they are, {@link DeadLetterRow}, without a key (as the JSON ones). */
  static final class DeadLetters implements Converter<DeadLetterRow> {
    private static final long serialVersionUID = 1L;

    @Override
    public SpecificRecord record(DeadLetterRow row) {
      return row;
    }

    @Override
    public byte[] key(DeadLetterRow row) {
      return null;
    }
  }
}
