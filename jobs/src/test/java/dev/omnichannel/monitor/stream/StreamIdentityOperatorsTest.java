package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.pipeline.IdentityLinks;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The live identity operators in test harnesses, with exact outputs and state at the end. */
class StreamIdentityOperatorsTest {
  private static final IdentityKey CUSTOMER = new IdentityKey("customer_id", "c1");
  private static final IdentityKey CUSTOMER2 = new IdentityKey("customer_id", "c2");
  private static final IdentityKey EMAIL = new IdentityKey("email", "x");
  private static final IdentityKey DEVICE = new IdentityKey("device_id", "d");
  private static final IdentityKey COOKIE_A = new IdentityKey("cookie_id", "a");
  private static final IdentityKey COOKIE_B = new IdentityKey("cookie_id", "b");

  private static IdentityLinks links(String eventId, long time, IdentityKey... keys) {
    String[] ids = new String[keys.length];
    for (int i = 0; i < keys.length; i++) {
      ids[i] = keys[i].toString();
    }
    return new IdentityLinks(time, eventId, ids);
  }

  private static List<String> updates(
      KeyedOneInputStreamOperatorTestHarness<Integer, IdentityLinks, PersonUpdate> h) {
    List<String> out = new ArrayList<>();
    for (PersonUpdate u : h.extractOutputValues()) {
      out.add(u.identity + ">" + u.personId + "@" + u.time);
    }
    return out;
  }

  @Test
  void shouldApplyLinksInWatermarkOrderAndReportMergesAndRejections() throws Exception {
    KeyedOneInputStreamOperatorTestHarness<Integer, IdentityLinks, PersonUpdate> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new StreamIdentityFunction(Namespaces.DEFAULT_LIMITS)),
            l -> 0,
            Types.INT);
    h.open();
    h.processElement(links("e2", 20, DEVICE, COOKIE_A), 20);
    h.processElement(links("e1", 10, EMAIL, COOKIE_B), 10);
    h.processWatermark(new Watermark(15));
    assertThat(updates(h)).containsExactly(COOKIE_B + ">" + PersonIds.personId(EMAIL) + "@10");
    h.processWatermark(new Watermark(30));
    assertThat(updates(h))
        .containsExactly(
            COOKIE_B + ">" + PersonIds.personId(EMAIL) + "@10",
            COOKIE_A + ">" + PersonIds.personId(DEVICE) + "@20");
    // A late link (behind the watermark) is applied at the next watermark; then a second
    // customer id for the same person is rejected by the namespace limit.
    h.processElement(links("e3", 25, CUSTOMER, COOKIE_A), 25);
    h.processElement(links("e4", 40, CUSTOMER2, DEVICE), 40);
    h.processWatermark(new Watermark(50));
    assertThat(updates(h))
        .containsExactly(
            COOKIE_B + ">" + PersonIds.personId(EMAIL) + "@10",
            COOKIE_A + ">" + PersonIds.personId(DEVICE) + "@20",
            // identities in priority order: device_id before cookie_id
            DEVICE + ">" + PersonIds.personId(CUSTOMER) + "@25",
            COOKIE_A + ">" + PersonIds.personId(CUSTOMER) + "@25");
    List<String> merges = new ArrayList<>();
    for (StreamRecord<IdentityMergeRow> r : h.getSideOutput(Tags.IDENTITY_MERGES)) {
      IdentityMergeRow m = r.getValue();
      merges.add(
          m.getEventId()
              + " "
              + m.getOldPersonId()
              + ">"
              + m.getNewPersonId()
              + " "
              + m.getAccepted()
              + " "
              + m.getReason().split(" ")[0]);
    }
    assertThat(merges)
        .containsExactly(
            "e1 " + PersonIds.personId(COOKIE_B) + ">" + PersonIds.personId(EMAIL) + " true linked",
            "e2 "
                + PersonIds.personId(COOKIE_A)
                + ">"
                + PersonIds.personId(DEVICE)
                + " true linked",
            "e3 "
                + PersonIds.personId(DEVICE)
                + ">"
                + PersonIds.personId(CUSTOMER)
                + " true linked",
            "e4 "
                + PersonIds.personId(CUSTOMER2)
                + ">"
                + PersonIds.personId(CUSTOMER)
                + " false namespace_limit:customer_id");
    // Only the graph remains; no link waits and no timer is left.
    assertThat(h.numKeyedStateEntries()).isEqualTo(1);
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }

  private static ChannelEvent event(String id, long t, IdentityKey... keys) {
    List<Identity> ids = new ArrayList<>();
    for (IdentityKey k : keys) {
      ids.add(new Identity(k.namespace(), k.value()));
    }
    return ChannelEvent.newBuilder()
        .setEventId(id)
        .setEventTime(Instant.ofEpochMilli(t))
        .setChannel(Channel.WEB)
        .setEventType(EventType.PAGE_VIEW)
        .setIdentities(ids)
        .build();
  }

  @Test
  void shouldReleaseEachEventAfterTheStitchDelayWithThePersonAsOfThen() throws Exception {
    KeyedTwoInputStreamOperatorTestHarness<String, ChannelEvent, PersonUpdate, EventRow> h =
        ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(
            new StreamAssignFunction(Duration.ofMillis(100)),
            e ->
                e.getIdentities().get(0).getNamespace() + ":" + e.getIdentities().get(0).getValue(),
            u -> u.identity,
            Types.STRING);
    String key = COOKIE_A.toString();
    String own = PersonIds.personId(COOKIE_A);
    String merged = PersonIds.personId(DEVICE);
    String later = PersonIds.personId(CUSTOMER);
    h.processElement1(event("a1", 10, COOKIE_A), 10);
    h.processElement1(event("a0", 10, COOKIE_A), 10);
    h.processElement2(new PersonUpdate(key, merged, 50, "e2"), 50);
    // An update far ahead of the events' watermark must not reach earlier events.
    h.processElement2(new PersonUpdate(key, later, 400, "e3"), 400);
    h.processElement1(event("a2", 200, COOKIE_A), 200);
    h.processBothWatermarks(new Watermark(60));
    assertThat(h.extractOutputValues()).isEmpty();
    h.processBothWatermarks(new Watermark(300));
    h.processElement1(event("a3", 350, COOKIE_A), 350);
    h.processBothWatermarks(new Watermark(1000));
    List<String> out = new ArrayList<>();
    for (EventRow r : h.extractOutputValues()) {
      out.add(r.getEventId() + " " + r.getPersonId());
    }
    // a0, a1 (released at 110) see the merge at 50; a2 (at 300) not yet the one at 400; a3 does.
    assertThat(out).containsExactly("a0 " + merged, "a1 " + merged, "a2 " + merged, "a3 " + later);
    assertThat(own).isNotEqualTo(merged);
    assertThat(h.numKeyedStateEntries()).as("only the identity's person is kept").isEqualTo(1);
    assertThat(h.numEventTimeTimers()).isZero();
    h.close();
  }
}
