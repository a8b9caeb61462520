package dev.omnichannel.monitor.bench;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.io.KafkaRecordFormat;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.BiConsumer;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** The generated events of the stream benchmarks, on an in-JVM broker. */
final class BenchEvents {
  /** The benchmarks' pseudonymisation key. */
  static final byte[] KEY = "stream-bench-hmac-key-0123456789".getBytes(StandardCharsets.UTF_8);

  private BenchEvents() {}

  /**
   * Sends up to {@code total} of {@code events} to {@code topic} at {@code rate} per second, each
   * with its event time set to the send time, and tells {@code sent} each event id and send time.
   * Returns how many were sent.
   */
  static long replay(
      KafkaBroker broker,
      String topic,
      List<ChannelEvent> events,
      int rate,
      long total,
      BiConsumer<String, Long> sent) {
    long n = 0;
    try (KafkaProducer<byte[], byte[]> p = broker.producer()) {
      long start = System.nanoTime();
      for (int i = 0; i < total && i < events.size(); i++) {
        long due = start + (long) (i * 1e9 / rate);
        while (System.nanoTime() < due) {
          Thread.onSpinWait();
        }
        ChannelEvent e = ChannelEvent.newBuilder(events.get(i)).build();
        long now = System.currentTimeMillis();
        e.setEventTime(Instant.ofEpochMilli(now));
        sent.accept(e.getEventId(), now);
        p.send(
            new ProducerRecord<>(
                topic,
                e.getEventId().getBytes(StandardCharsets.UTF_8),
                KafkaRecordFormat.encode(e)));
        n++;
      }
      p.flush();
    }
    return n;
  }

  /** Writes the well-formed events of {@code customers} customers over 90 days to {@code topic}. */
  static void generate(KafkaBroker broker, String topic, int customers) {
    int code =
        Main.execute(
            "generate",
            "--kafka",
            broker.bootstrapServers(),
            "--topic",
            topic,
            "--customers",
            String.valueOf(customers),
            "--days",
            "90",
            "--bad-ratio",
            "0",
            "--no-ground-truth");
    if (code != 0) {
      throw new IllegalStateException("generate failed");
    }
  }

  /** Every event of {@code topic}, in event-time order. */
  static List<ChannelEvent> readByTime(KafkaBroker broker, String topic) throws IOException {
    List<ChannelEvent> events = new ArrayList<>();
    SpecificDatumReader<ChannelEvent> reader = new SpecificDatumReader<>(ChannelEvent.class);
    BinaryDecoder decoder = null;
    for (ConsumerRecord<byte[], byte[]> r : broker.consumeAll(topic)) {
      decoder = DecoderFactory.get().binaryDecoder(r.value(), decoder);
      events.add(reader.read(null, decoder));
    }
    events.sort(Comparator.comparing(ChannelEvent::getEventTime));
    return events;
  }
}
