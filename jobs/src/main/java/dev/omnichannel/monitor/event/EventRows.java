package dev.omnichannel.monitor.event;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.avro.LateEventRow;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/** Conversions between {@link Event} and the Avro records at the job's edges. */
public final class EventRows {
  private static final Channel[] CHANNELS = Channel.values();
  private static final EventType[] EVENT_TYPES = EventType.values();

  private EventRows() {}

  /** The compact event of an (already validated and pseudonymised) input record. */
  public static Event of(ChannelEvent c) {
    Event e = new Event();
    e.eventId = c.getEventId();
    e.eventTime = c.getEventTime().toEpochMilli();
    e.channel = (byte) c.getChannel().ordinal();
    e.eventType = (byte) c.getEventType().ordinal();
    List<Identity> ids = c.getIdentities();
    e.identities = new String[ids.size()];
    for (int i = 0; i < e.identities.length; i++) {
      e.identities[i] = ids.get(i).getNamespace() + ":" + ids.get(i).getValue();
    }
    e.sessionId = c.getSessionId();
    e.sourceSystem = c.getSourceSystem();
    e.orderId = c.getOrderId();
    e.productId = c.getProductId();
    e.currency = c.getCurrency();
    e.campaign = c.getCampaign();
    e.topic = c.getTopic();
    e.outcome = c.getOutcome();
    e.value = c.getValue() == null ? Double.NaN : c.getValue();
    e.sentiment = c.getSentiment() == null ? Double.NaN : c.getSentiment();
    e.attributes = attributes(c.getAttributes());
    return e;
  }

  /**
   * The compact event of an events-table row (person and journey included). A shim for the dataflow
   * that still carries {@link EventRow}s between operators.
   */
  public static Event fromRow(EventRow r) {
    Event e = new Event();
    e.eventId = r.getEventId();
    e.eventTime = r.getEventTime().toEpochMilli();
    e.channel = ordinal(Event.channelOrdinal(r.getChannel()), "channel", r.getChannel());
    e.eventType = ordinal(Event.eventTypeOrdinal(r.getEventType()), "event type", r.getEventType());
    List<Identity> ids = r.getIdentities();
    e.identities = new String[ids.size()];
    for (int i = 0; i < e.identities.length; i++) {
      e.identities[i] = ids.get(i).getNamespace() + ":" + ids.get(i).getValue();
    }
    e.sessionId = r.getSessionId();
    e.sourceSystem = r.getSourceSystem();
    e.orderId = r.getOrderId();
    e.productId = r.getProductId();
    e.currency = r.getCurrency();
    e.campaign = r.getCampaign();
    e.topic = r.getTopic();
    e.outcome = r.getOutcome();
    e.value = r.getValue() == null ? Double.NaN : r.getValue();
    e.sentiment = r.getSentiment() == null ? Double.NaN : r.getSentiment();
    e.attributes = attributes(r.getAttributes());
    e.personId = r.getPersonId();
    e.journeyId = r.getJourneyId();
    return e;
  }

  private static byte ordinal(int ordinal, String what, String name) {
    if (ordinal < 0) {
      throw new IllegalArgumentException("unknown " + what + " " + name);
    }
    return (byte) ordinal;
  }

  /** Map entries as key, value, key, value, ... sorted by key. */
  public static String[] attributes(Map<String, String> map) {
    if (map == null || map.isEmpty()) {
      return new String[0];
    }
    TreeMap<String, String> sorted = new TreeMap<>(map);
    String[] a = new String[sorted.size() * 2];
    int i = 0;
    for (Map.Entry<String, String> x : sorted.entrySet()) {
      a[i++] = x.getKey();
      a[i++] = x.getValue();
    }
    return a;
  }

  /** The attributes as a map, in key order. */
  public static Map<String, String> attributeMap(Event e) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < e.attributes.length; i += 2) {
      m.put(e.attributes[i], e.attributes[i + 1]);
    }
    return m;
  }

  /** The identities as Avro {@link Identity} records, in order. */
  public static List<Identity> identities(Event e) {
    List<Identity> out = new ArrayList<>(e.identities.length);
    for (String k : e.identities) {
      int i = k.indexOf(':');
      out.add(new Identity(k.substring(0, i), k.substring(i + 1)));
    }
    return out;
  }

  /** The input record of an event (as decoded, before stitching). */
  public static ChannelEvent channelEvent(Event e) {
    return ChannelEvent.newBuilder()
        .setEventId(e.eventId)
        .setEventTime(Instant.ofEpochMilli(e.eventTime))
        .setChannel(CHANNELS[e.channel])
        .setEventType(EVENT_TYPES[e.eventType])
        .setIdentities(identities(e))
        .setSessionId(e.sessionId)
        .setSourceSystem(e.sourceSystem)
        .setOrderId(e.orderId)
        .setProductId(e.productId)
        .setCurrency(e.currency)
        .setCampaign(e.campaign)
        .setTopic(e.topic)
        .setOutcome(e.outcome)
        .setValue(e.value())
        .setSentiment(e.sentiment())
        .setAttributes(attributeMap(e))
        .build();
  }

  /** The events-table row. */
  public static EventRow eventRow(Event e) {
    return EventRow.newBuilder()
        .setEventId(e.eventId)
        .setEventTime(Instant.ofEpochMilli(e.eventTime))
        .setChannel(e.channel())
        .setEventType(e.eventType())
        .setIdentities(identities(e))
        .setSessionId(e.sessionId)
        .setSourceSystem(e.sourceSystem)
        .setOrderId(e.orderId)
        .setProductId(e.productId)
        .setCurrency(e.currency)
        .setCampaign(e.campaign)
        .setTopic(e.topic)
        .setOutcome(e.outcome)
        .setValue(e.value())
        .setSentiment(e.sentiment())
        .setAttributes(attributeMap(e))
        .setPersonId(e.personId == null ? "" : e.personId)
        .setJourneyId(e.journeyId)
        .build();
  }

  /** The late_events row of an event that came {@code latenessMs} too late. */
  public static LateEventRow lateEventRow(Event e, long latenessMs) {
    return LateEventRow.newBuilder()
        .setEventId(e.eventId)
        .setEventTime(Instant.ofEpochMilli(e.eventTime))
        .setChannel(e.channel())
        .setEventType(e.eventType())
        .setIdentities(identities(e))
        .setSessionId(e.sessionId)
        .setSourceSystem(e.sourceSystem)
        .setOrderId(e.orderId)
        .setProductId(e.productId)
        .setCurrency(e.currency)
        .setCampaign(e.campaign)
        .setTopic(e.topic)
        .setOutcome(e.outcome)
        .setValue(e.value())
        .setSentiment(e.sentiment())
        .setAttributes(attributeMap(e))
        .setLatenessMs(latenessMs)
        .build();
  }

  private static final ThreadLocal<SpecificDatumWriter<ChannelEvent>> WRITER =
      ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(ChannelEvent.class));

  /**
   * The event's serialized form for de-duplication: the Avro binary of its input record. Among
   * records that share an event_id and an event_time, the one with the smallest serialized form is
   * kept (DESIGN "Duplicates").
   */
  public static byte[] serializedForm(Event e) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
      BinaryEncoder enc = EncoderFactory.get().directBinaryEncoder(bytes, null);
      WRITER.get().write(channelEvent(e), enc);
      enc.flush();
      return bytes.toByteArray();
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  /**
   * True when {@code a} is kept over {@code b} among records sharing an event_id: the earlier
   * event_time, then the smaller serialized form.
   */
  public static boolean keepFirst(Event a, Event b) {
    if (a.eventTime != b.eventTime) {
      return a.eventTime < b.eventTime;
    }
    return Arrays.compareUnsigned(serializedForm(a), serializedForm(b)) <= 0;
  }
}
