package dev.omnichannel.monitor.generate;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.Identity;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Writes records to an Avro container file of {@link ChannelEvent}, Snappy-compressed, with a sync
 * marker derived from the seed and the file name so that the bytes are reproducible. Kinds that
 * Avro cannot represent never reach it.
 */
final class AvroSink implements RecordSink {
  private final DataFileWriter<ChannelEvent> writer;
  private final ChannelEvent record = new ChannelEvent();

  AvroSink(Path file, long seed) throws IOException {
    long h = IdentityFactory.mix64(seed ^ file.getFileName().toString().hashCode());
    byte[] sync = ByteBuffer.allocate(16).putLong(h).putLong(IdentityFactory.mix64(h + 1)).array();
    writer = new DataFileWriter<>(new SpecificDatumWriter<>(ChannelEvent.class));
    writer.setCodec(CodecFactory.snappyCodec());
    writer.create(
        ChannelEvent.getClassSchema(),
        new BufferedOutputStream(Files.newOutputStream(file), 1 << 16),
        sync);
  }

  @Override
  public void write(OutRecord r) throws IOException {
    if (r.kind != null && !r.kind.avro) {
      throw new IllegalStateException("Avro cannot carry " + r.kind);
    }
    writer.append(toEvent(r, record));
  }

  /**
   * Fills {@code record} with the event of {@code r}, broken the way its kind says (for the kinds
   * an Avro ChannelEvent can carry); returns it. An unknown channel or event type is written as
   * OTHER with the original spelling in {@code attributes.raw_channel} / {@code raw_event_type}.
   */
  static ChannelEvent toEvent(OutRecord r, ChannelEvent record) {
    GenEvent e = r.ev;
    BadKind k = r.kind;
    record.setEventId(k == BadKind.EMPTY_EVENT_ID ? "" : r.id());
    long t =
        k == BadKind.ABSURD_TIMESTAMP_1970 || k == BadKind.ABSURD_TIMESTAMP_2999
            ? r.altTime
            : e.time;
    record.setEventTime(Instant.ofEpochMilli(t));
    record.setChannel(e.channel);
    record.setEventType(e.type);
    Ident[] ids =
        k == BadKind.BLOCKED_IDENTITY_ONLY
            ? r.altIds
            : k == BadKind.EMPTY_IDENTITIES ? new Ident[0] : e.ids;
    List<Identity> list = new ArrayList<>(ids.length);
    for (Ident i : ids) {
      list.add(new Identity(i.namespace(), i.raw()));
    }
    record.setIdentities(list);
    record.setSessionId(e.session);
    record.setSourceSystem(e.source);
    record.setOrderId(e.order);
    record.setProductId(e.product);
    record.setCurrency(e.currency);
    record.setCampaign(e.campaign);
    record.setTopic(e.topic);
    record.setOutcome(e.outcome);
    if (k == BadKind.NAN_VALUE) {
      record.setValue(Double.NaN);
    } else if (k == BadKind.HUGE_VALUE) {
      record.setValue(1e300);
    } else {
      record.setValue(e.hasValue() ? e.value : null);
    }
    if (k == BadKind.BAD_SENTIMENT) {
      record.setSentiment(7.5);
    } else {
      record.setSentiment(e.hasSentiment() ? e.sentiment : null);
    }
    Map<String, String> attributes;
    if (e.rawChannel != null || e.rawType != null) {
      attributes = new HashMap<>();
      if (e.rawChannel != null) {
        attributes.put("raw_channel", e.rawChannel);
      }
      if (e.rawType != null) {
        attributes.put("raw_event_type", e.rawType);
      }
      if (e.attrKey != null) {
        attributes.put(e.attrKey, e.attrValue);
      }
    } else {
      attributes =
          e.attrKey == null
              ? Collections.emptyMap()
              : Collections.singletonMap(e.attrKey, e.attrValue);
    }
    record.setAttributes(attributes);
    return record;
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
