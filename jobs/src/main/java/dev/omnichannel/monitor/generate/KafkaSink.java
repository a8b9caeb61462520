package dev.omnichannel.monitor.generate;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.io.KafkaProducers;
import dev.omnichannel.monitor.io.KafkaRecordFormat;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.io.registry.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Writes records to one Kafka topic as Avro binary ChannelEvents ({@link
 * KafkaRecordFormat#encode}), in the order given, with an idempotent {@code acks=all} producer.
 *
 * <p>Key: the event id's UTF-8 bytes; none for records without a usable id (an empty id, random
 * bytes, a record of another schema), which go to partition {@code n % partitions} for the n-th
 * record written, so that the layout does not depend on the producer's sticky partitioning. Keyed
 * records take the producer's partitioner (murmur2 of the key by default), so duplicates land with
 * their originals. The record timestamp is the time of sending, not the event time: a topic with
 * time retention would otherwise delete old events at once.
 *
 * <p>Broken records take Kafka's forms of {@link BadKind}: random bytes, a truncated record, a
 * record of another Avro schema, a tombstone, and a record over the 1 MiB limit. The bytes of the
 * first three are checked with {@link KafkaRecordFormat} to read as {@code malformed_record} (and
 * redrawn if, by chance, they do not), so the ground truth's reason is exact.
 *
 * <p>For a schema registry ({@link KafkaTarget#schemaId} set), every value but a tombstone is
 * framed in the registry's wire format with that id ({@link WireFormat#frame}), broken ones too:
 * the registry's schema is the current one, so a reader resolves each datum to itself and every
 * broken record reads with the same reason as without the registry.
 */
final class KafkaSink implements Closeable {
  /** Another schema, for {@link BadKind#WRONG_SCHEMA}. */
  static final Schema PAGE_HIT =
      SchemaBuilder.record("PageHit")
          .namespace("dev.omnichannel.legacy")
          .fields()
          .requiredLong("hit_id")
          .requiredString("url")
          .requiredString("user_agent")
          .requiredLong("ts")
          .endRecord();

  private static final String PADDING = "x".repeat(RawRecord.MAX_RECORD_BYTES);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String topic;
  private final int partitions;
  private final Integer schemaId;
  private final ChannelEvent event = new ChannelEvent();
  private final KafkaRecordFormat check = new KafkaRecordFormat();
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private long written;

  KafkaSink(KafkaTarget target, int partitions) {
    this.producer = KafkaProducers.create(target.bootstrapServers(), target.properties());
    this.topic = target.topic();
    this.partitions = partitions;
    this.schemaId = target.schemaId();
    if (target.registry() != null && schemaId == null) {
      throw new IllegalArgumentException("the ChannelEvent schema is not registered yet");
    }
  }

  /** Sends {@code r}; the future gives where it was written. */
  Future<RecordMetadata> write(OutRecord r) throws IOException {
    Exception failed = failure.get();
    if (failed != null) {
      throw failed(failed);
    }
    byte[] key = key(r);
    byte[] value = value(r);
    if (value != null && schemaId != null) {
      value = WireFormat.frame(schemaId, value);
    }
    Integer partition = key == null ? (int) (written % partitions) : null;
    written++;
    return producer.send(
        new ProducerRecord<>(topic, partition, key, value),
        (metadata, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
  }

  /** Waits until every record is acknowledged; throws if any failed. */
  void flush() throws IOException {
    producer.flush();
    Exception failed = failure.get();
    if (failed != null) {
      throw failed(failed);
    }
  }

  private IOException failed(Exception e) {
    return new IOException("writing to Kafka topic '" + topic + "' failed: " + e.getMessage(), e);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }

  private static byte[] key(OutRecord r) {
    BadKind k = r.kind;
    if (k == BadKind.EMPTY_EVENT_ID || k == BadKind.RANDOM_BYTES || k == BadKind.WRONG_SCHEMA) {
      return null;
    }
    return r.id().getBytes(StandardCharsets.UTF_8);
  }

  private byte[] value(OutRecord r) throws IOException {
    BadKind k = r.kind;
    if (k == null || !k.kafkaOnly()) {
      return KafkaRecordFormat.encode(AvroSink.toEvent(r, event));
    }
    switch (k) {
      case TOMBSTONE:
        return null;
      case OVERSIZED_RECORD:
        {
          ChannelEvent e = AvroSink.toEvent(r, event);
          e.setAttributes(Map.of("padding", PADDING));
          return KafkaRecordFormat.encode(e);
        }
      case TRUNCATED_AVRO:
        {
          byte[] full = KafkaRecordFormat.encode(AvroSink.toEvent(r, event));
          int n = Math.max(1, Math.min(full.length - 1, (int) (full.length * r.cut)));
          return malformed(Arrays.copyOf(full, n), k);
        }
      case RANDOM_BYTES:
        {
          SplittableRandom rnd = new SplittableRandom(r.salt);
          for (int attempt = 0; attempt < 100; attempt++) {
            byte[] b = new byte[16 + rnd.nextInt(185)];
            rnd.nextBytes(b);
            if (isMalformed(b)) {
              return b;
            }
          }
          throw new IllegalStateException("generator bug: random bytes keep decoding");
        }
      case WRONG_SCHEMA:
        {
          SplittableRandom rnd = new SplittableRandom(r.salt);
          for (int attempt = 0; attempt < 100; attempt++) {
            byte[] b = pageHit(r, rnd);
            if (isMalformed(b)) {
              return b;
            }
          }
          throw new IllegalStateException("generator bug: page hits keep decoding");
        }
      default:
        throw new IllegalStateException("no Kafka form for " + k);
    }
  }

  private byte[] malformed(byte[] b, BadKind k) {
    if (!isMalformed(b)) {
      throw new IllegalStateException("generator bug: " + k + " record reads as a ChannelEvent");
    }
    return b;
  }

  private boolean isMalformed(byte[] b) {
    String error = check.read(topic, 0, 0, null, b).readError;
    return error != null && error.startsWith(BadKind.RANDOM_BYTES.reasonCode + ":");
  }

  private static byte[] pageHit(OutRecord r, SplittableRandom rnd) throws IOException {
    GenericRecord hit = new GenericData.Record(PAGE_HIT);
    hit.put("hit_id", rnd.nextLong(1, 1L << 40));
    hit.put(
        "url",
        "https://shop.example/"
            + (r.ev.product != null ? "p/" + r.ev.product : "s/" + r.ev.session));
    hit.put("user_agent", "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/128.0");
    hit.put("ts", r.ev.time);
    ByteArrayOutputStream out = new ByteArrayOutputStream(128);
    BinaryEncoder enc = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(PAGE_HIT).write(hit, enc);
    enc.flush();
    return out.toByteArray();
  }
}
