package dev.omnichannel.monitor.bench;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.cli.Main;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The generated events of the stream benchmarks, on an in-JVM broker. */
final class BenchEvents {
  private BenchEvents() {}

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
