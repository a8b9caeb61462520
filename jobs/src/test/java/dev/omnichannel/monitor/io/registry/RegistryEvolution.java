package dev.omnichannel.monitor.io.registry;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.io.KafkaRecordFormat;
import dev.omnichannel.monitor.testing.RecordedRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

/**
 * The versions of {@code ChannelEvent} that {@link RecordedRegistry} serves, and values framed as a
 * producer with each writer schema writes them: id 1 is the current schema, 2 an older version
 * without {@code campaign} (a field with a default in the current one), 3 a newer one with an added
 * {@code loyalty_tier} (with a default), 4 a version without {@code identities} (which has no
 * default: incompatible), 5 a Protobuf schema, 6 the current schema with a newer {@code channel}
 * symbol {@code KIOSK} and {@code event_type} symbol {@code RETURN_VISIT}.
 */
public final class RegistryEvolution {
  private RegistryEvolution() {}

  /** An event with every field the versions differ in set. */
  public static ChannelEvent event() {
    return event("e-0000000042", Instant.parse("2026-01-05T10:00:00.123Z"));
  }

  /** {@link #event()} with another id and time. */
  public static ChannelEvent event(String id, Instant time) {
    return ChannelEvent.newBuilder()
        .setEventId(id)
        .setEventTime(time)
        .setChannel(Channel.CHAT)
        .setEventType(EventType.CONTACT_START)
        .setIdentities(List.of(new Identity("customer_id", "C-17")))
        .setSessionId("s-1")
        .setCampaign("spring")
        .setValue(12.5)
        .setAttributes(Map.of("agent", "a-7"))
        .build();
  }

  /**
   * The value a producer with the writer schema of {@code id} writes for {@code event} (fields the
   * writer lacks dropped), with {@code extra} writer-only fields set.
   */
  public static byte[] framed(int id, ChannelEvent event, Map<String, Object> extra) {
    Schema writer = schemaOf(id);
    byte[] current = KafkaRecordFormat.encode(event);
    try {
      GenericRecord r =
          new GenericDatumReader<GenericRecord>(ChannelEvent.getClassSchema(), writer)
              .read(null, DecoderFactory.get().binaryDecoder(current, null));
      extra.forEach(r::put);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder e = EncoderFactory.get().binaryEncoder(out, null);
      new GenericDatumWriter<GenericRecord>(writer).write(r, e);
      e.flush();
      return WireFormat.frame(id, out.toByteArray());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The writer schema {@link RecordedRegistry} serves for {@code id}. */
  public static Schema schemaOf(int id) {
    try {
      return SchemaRegistryClient.parse(
          id,
          new String(
              RecordedRegistry.resource("schemas-ids-" + id + ".json"), StandardCharsets.UTF_8));
    } catch (SchemaRegistryClient.UnknownSchemaException e) {
      throw new IllegalStateException(e);
    }
  }
}
