package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.event.Event;
import java.nio.charset.StandardCharsets;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.Type;

/**
 * Writes {@code events} rows straight from {@link Event}s: each field goes to Parquet's record
 * consumer as it is, with no {@link EventRow} and no Avro data model per row.
 *
 * <p>Readers cannot tell the files from those {@code AvroParquetWriter} writes for the {@link
 * EventRow} that {@link dev.omnichannel.monitor.event.EventRows#eventRow} makes of the same event
 * (same Parquet schema and footer metadata, see {@link AvroCompatibleWriteSupport}), and the values
 * are written as {@code AvroWriteSupport} writes that row's:
 *
 * <ul>
 *   <li>a null string, a {@code NaN} value or sentiment and a null journey id as absent, a null
 *       person id as the empty string;
 *   <li>the identities, {@code namespace:value} keys, as a two-level list ({@code array}) of {@code
 *       namespace}/{@code value} groups split at the first colon;
 *   <li>the attributes as a {@code key_value} map in key order.
 * </ul>
 */
public final class EventWriteSupport extends AvroCompatibleWriteSupport<Event> {
  private static final Binary[] CHANNELS = names(Channel.values());
  private static final Binary[] EVENT_TYPES = names(EventType.values());
  private static final byte COLON = ':';

  // field positions in the Parquet schema
  private int eventId;
  private int eventTime;
  private int channel;
  private int eventType;
  private int identities;
  private int sessionId;
  private int sourceSystem;
  private int orderId;
  private int productId;
  private int currency;
  private int campaign;
  private int topic;
  private int outcome;
  private int value;
  private int sentiment;
  private int attributes;
  private int personId;
  private int journeyId;
  private String identitiesRepeated;

  public EventWriteSupport() {
    super(EventRow.getClassSchema());
  }

  @Override
  protected void prepare(MessageType schema) {
    eventId = schema.getFieldIndex("event_id");
    eventTime = schema.getFieldIndex("event_time");
    channel = schema.getFieldIndex("channel");
    eventType = schema.getFieldIndex("event_type");
    identities = schema.getFieldIndex("identities");
    sessionId = schema.getFieldIndex("session_id");
    sourceSystem = schema.getFieldIndex("source_system");
    orderId = schema.getFieldIndex("order_id");
    productId = schema.getFieldIndex("product_id");
    currency = schema.getFieldIndex("currency");
    campaign = schema.getFieldIndex("campaign");
    topic = schema.getFieldIndex("topic");
    outcome = schema.getFieldIndex("outcome");
    value = schema.getFieldIndex("value");
    sentiment = schema.getFieldIndex("sentiment");
    attributes = schema.getFieldIndex("attributes");
    personId = schema.getFieldIndex("person_id");
    journeyId = schema.getFieldIndex("journey_id");
    identitiesRepeated = twoLevelListElement(schema.getType(identities).asGroupType());
  }

  /**
   * The name of the repeated group of a two-level list of {@code Identity} records ({@code array},
   * the converter's default). The three-level form ({@code parquet.avro.write-old-list-structure =
   * false}) has another level that this writer does not write.
   */
  private static String twoLevelListElement(GroupType list) {
    Type repeated = list.getType(0);
    if (list.getFieldCount() != 1
        || !repeated.isRepetition(Type.Repetition.REPEATED)
        || repeated.isPrimitive()
        || repeated.asGroupType().getFieldCount() != 2
        || repeated.asGroupType().getFieldIndex("namespace") != 0
        || repeated.asGroupType().getFieldIndex("value") != 1) {
      throw new IllegalStateException(
          "events: expected identities as a two-level list of (namespace, value), got " + list);
    }
    return repeated.getName();
  }

  @Override
  public void write(Event e) {
    out.startMessage();
    string("event_id", eventId, e.eventId);
    int64("event_time", eventTime, e.eventTime);
    binary("channel", channel, CHANNELS[e.channel]);
    binary("event_type", eventType, EVENT_TYPES[e.eventType]);
    writeIdentities(e.identities);
    optional("session_id", sessionId, e.sessionId);
    optional("source_system", sourceSystem, e.sourceSystem);
    optional("order_id", orderId, e.orderId);
    optional("product_id", productId, e.productId);
    optional("currency", currency, e.currency);
    optional("campaign", campaign, e.campaign);
    optional("topic", topic, e.topic);
    optional("outcome", outcome, e.outcome);
    optional("value", value, e.value);
    optional("sentiment", sentiment, e.sentiment);
    writeAttributes(e.attributes);
    string("person_id", personId, e.personId == null ? "" : e.personId);
    optional("journey_id", journeyId, e.journeyId);
    out.endMessage();
  }

  /** The identities: {@code namespace:value} keys, split at the first colon. */
  private void writeIdentities(String[] keys) {
    out.startField("identities", identities);
    out.startGroup();
    if (keys.length > 0) {
      out.startField(identitiesRepeated, 0);
      for (String key : keys) {
        // One UTF-8 encoding per key, sliced at the colon: a UTF-8 multi-byte sequence never
        // contains an ASCII byte, so the first ':' byte is the first ':' character.
        byte[] utf8 = key.getBytes(StandardCharsets.UTF_8);
        int colon = indexOf(utf8, COLON);
        out.startGroup();
        binary("namespace", 0, Binary.fromConstantByteArray(utf8, 0, colon));
        binary("value", 1, Binary.fromConstantByteArray(utf8, colon + 1, utf8.length - colon - 1));
        out.endGroup();
      }
      out.endField(identitiesRepeated, 0);
    }
    out.endGroup();
    out.endField("identities", identities);
  }

  /** The attributes: key, value, key, value, ... already in key order. */
  private void writeAttributes(String[] kv) {
    out.startField("attributes", attributes);
    out.startGroup();
    if (kv.length > 0) {
      out.startField("key_value", 0);
      for (int i = 0; i < kv.length; i += 2) {
        out.startGroup();
        binary("key", 0, utf8(kv[i]));
        binary("value", 1, utf8(kv[i + 1]));
        out.endGroup();
      }
      out.endField("key_value", 0);
    }
    out.endGroup();
    out.endField("attributes", attributes);
  }

  /** An optional double: absent when {@code NaN} (how {@link Event} marks a missing value). */
  private void optional(String name, int index, double d) {
    if (!Double.isNaN(d)) {
      float64(name, index, d);
    }
  }

  private static int indexOf(byte[] bytes, byte b) {
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] == b) {
        return i;
      }
    }
    throw new IllegalArgumentException(
        "events: identity key without ':' " + new String(bytes, StandardCharsets.UTF_8));
  }

  private static Binary[] names(Enum<?>[] values) {
    Binary[] out = new Binary[values.length];
    for (Enum<?> v : values) {
      out[v.ordinal()] = Binary.fromConstantByteArray(v.name().getBytes(StandardCharsets.UTF_8));
    }
    return out;
  }
}
