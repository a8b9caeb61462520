package dev.omnichannel.monitor.pipeline;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.flow.*;
import dev.omnichannel.monitor.identity.IdentityKey;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/** Conversions between the input record and the output rows. */
public final class Rows {
  private Rows() {}

  /** The events-table row of an accepted event, before its journey is known. */
  public static EventRow eventRow(ChannelEvent e, String personId) {
    return EventRow.newBuilder()
        .setEventId(e.getEventId())
        .setEventTime(e.getEventTime())
        .setChannel(e.getChannel().name())
        .setEventType(e.getEventType().name())
        .setIdentities(new ArrayList<>(e.getIdentities()))
        .setSessionId(e.getSessionId())
        .setSourceSystem(e.getSourceSystem())
        .setOrderId(e.getOrderId())
        .setProductId(e.getProductId())
        .setCurrency(e.getCurrency())
        .setCampaign(e.getCampaign())
        .setTopic(e.getTopic())
        .setOutcome(e.getOutcome())
        .setValue(e.getValue())
        .setSentiment(e.getSentiment())
        .setAttributes(new HashMap<>(e.getAttributes()))
        .setPersonId(personId)
        .setJourneyId(null)
        .build();
  }

  /** The late_events row of an event that was {@code latenessMs} behind the watermark. */
  public static dev.omnichannel.monitor.avro.LateEventRow lateEventRow(
      ChannelEvent e, long latenessMs) {
    // The person is not known (late events are set aside before stitching) and not written.
    return lateEventRow(eventRow(e, ""), latenessMs);
  }

  /** The late_events row of an accepted event that came {@code latenessMs} too late. */
  public static dev.omnichannel.monitor.avro.LateEventRow lateEventRow(
      EventRow e, long latenessMs) {
    return dev.omnichannel.monitor.avro.LateEventRow.newBuilder()
        .setEventId(e.getEventId())
        .setEventTime(e.getEventTime())
        .setChannel(e.getChannel())
        .setEventType(e.getEventType())
        .setIdentities(new ArrayList<>(e.getIdentities()))
        .setSessionId(e.getSessionId())
        .setSourceSystem(e.getSourceSystem())
        .setOrderId(e.getOrderId())
        .setProductId(e.getProductId())
        .setCurrency(e.getCurrency())
        .setCampaign(e.getCampaign())
        .setTopic(e.getTopic())
        .setOutcome(e.getOutcome())
        .setValue(e.getValue())
        .setSentiment(e.getSentiment())
        .setAttributes(new HashMap<>(e.getAttributes()))
        .setLatenessMs(latenessMs)
        .build();
  }

  /** The identities of an event as keys, in the order given. */
  public static List<IdentityKey> keys(List<Identity> identities) {
    List<IdentityKey> keys = new ArrayList<>(identities.size());
    for (Identity i : identities) {
      keys.add(new IdentityKey(i.getNamespace(), i.getValue()));
    }
    return keys;
  }

  /** The event's primary identity: highest-priority namespace, then smallest value. */
  public static IdentityKey primary(ChannelEvent e) {
    IdentityKey best = null;
    for (Identity i : e.getIdentities()) {
      IdentityKey k = new IdentityKey(i.getNamespace(), i.getValue());
      if (best == null || k.compareTo(best) < 0) {
        best = k;
      }
    }
    return best;
  }
}
