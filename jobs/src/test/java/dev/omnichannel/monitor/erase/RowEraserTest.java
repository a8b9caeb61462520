package dev.omnichannel.monitor.erase;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.avro.LateEventRow;
import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.identity.IdentityKey;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;

class RowEraserTest {
  static final String P = "p-00000000000000aa";
  static final String OLD = "p-00000000000000a0";
  static final String Q = "p-00000000000000bb";
  static final IdentityKey CUSTOMER = new IdentityKey("customer_id", "C1");
  static final IdentityKey DEVICE = new IdentityKey("device_id", "tab-1");
  static final IdentityKey EMAIL = new IdentityKey("email", "e0ff");

  static ErasureTargets targets() {
    return new ErasureTargets(
        new java.util.TreeSet<>(Set.of(P)),
        new java.util.TreeSet<>(Set.of(P, OLD)),
        new java.util.TreeSet<>(Set.of(CUSTOMER, DEVICE, EMAIL)),
        0,
        0);
  }

  static GenericRecord row(Schema schema, Object... fieldsAndValues) {
    GenericData.Record r = new GenericData.Record(schema);
    for (int i = 0; i < fieldsAndValues.length; i += 2) {
      r.put((String) fieldsAndValues[i], fieldsAndValues[i + 1]);
    }
    return r;
  }

  static Identity id(IdentityKey k) {
    return new Identity(k.namespace(), k.value());
  }

  static GenericRecord event(String eventId, String person, IdentityKey... ids) {
    return row(
        EventRow.getClassSchema(),
        "event_id",
        eventId,
        "person_id",
        person,
        "identities",
        List.of(ids).stream().map(RowEraserTest::id).toList());
  }

  @Test
  void eventsOfTheErasedPersonsGoOtherEventsLoseTheErasedIdentitiesOnly() {
    RowEraser e = new RowEraser(targets());
    assertThat(e.apply(Table.EVENTS, event("e1", P, CUSTOMER))).isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(e.apply(Table.EVENTS, event("e0", OLD, DEVICE))).isEqualTo(RowEraser.Outcome.REMOVE);
    IdentityKey other = new IdentityKey("customer_id", "C2");
    GenericRecord q = event("e2", Q, other, DEVICE);
    assertThat(e.apply(Table.EVENTS, q)).isEqualTo(RowEraser.Outcome.REDACT);
    assertThat(q.get("identities")).isEqualTo(List.of(id(other)));
    GenericRecord untouched = event("e3", Q, other);
    assertThat(e.apply(Table.EVENTS, untouched)).isEqualTo(RowEraser.Outcome.KEEP);
    assertThat(untouched.get("identities")).isEqualTo(List.of(id(other)));
    assertThat(e.erasedEventIds()).containsExactlyInAnyOrder("e1", "e0");
  }

  @Test
  void lateEventsGoByIdentityAndAddTheirEventIds() {
    RowEraser e = new RowEraser(targets());
    GenericRecord late =
        row(LateEventRow.getClassSchema(), "event_id", "l1", "identities", List.of(id(EMAIL)));
    GenericRecord other =
        row(
            LateEventRow.getClassSchema(),
            "event_id",
            "l2",
            "identities",
            List.of(id(new IdentityKey("email", "e0ffx"))));
    assertThat(e.apply(Table.LATE_EVENTS, late)).isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(e.apply(Table.LATE_EVENTS, other)).isEqualTo(RowEraser.Outcome.KEEP);
    assertThat(e.erasedEventIds()).containsExactly("l1");
  }

  @Test
  void personTablesGoByPersonIdOrByAnErasedEvent() {
    RowEraser e = new RowEraser(targets());
    e.apply(Table.EVENTS, event("e1", P, CUSTOMER));
    assertThat(e.apply(Table.JOURNEYS, row(JourneyRow.getClassSchema(), "person_id", OLD)))
        .isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(
            e.apply(
                Table.JOURNEYS,
                row(JourneyRow.getClassSchema(), "person_id", Q, "conversion_event_id", "e1")))
        .isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(e.apply(Table.JOURNEYS, row(JourneyRow.getClassSchema(), "person_id", Q)))
        .isEqualTo(RowEraser.Outcome.KEEP);
    assertThat(
            e.apply(
                Table.FRICTION,
                row(
                    FrictionRow.getClassSchema(),
                    "person_id",
                    Q,
                    "evidence_event_ids",
                    List.of("x", "e1"))))
        .isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(e.apply(Table.PERSONS, row(PersonRow.getClassSchema(), "person_id", P)))
        .isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(e.apply(Table.PERSONS, row(PersonRow.getClassSchema(), "person_id", Q)))
        .isEqualTo(RowEraser.Outcome.KEEP);
  }

  @Test
  void identityMergesGoByPersonEventOrIdentity() {
    RowEraser e = new RowEraser(targets());
    Schema s = IdentityMergeRow.getClassSchema();
    String q2 = "p-00000000000000cc";
    assertThat(
            e.apply(
                Table.IDENTITY_MERGES,
                row(s, "old_person_id", OLD, "new_person_id", P, "event_id", "m")))
        .isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(
            e.apply(
                Table.IDENTITY_MERGES,
                row(
                    s,
                    "old_person_id",
                    Q,
                    "new_person_id",
                    q2,
                    "event_id",
                    "m",
                    "primary_identity",
                    "customer_id:C9",
                    "other_identity",
                    DEVICE.toString())))
        .isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(
            e.apply(
                Table.IDENTITY_MERGES,
                row(
                    s,
                    "old_person_id",
                    Q,
                    "new_person_id",
                    q2,
                    "event_id",
                    "m",
                    "primary_identity",
                    "customer_id:C9",
                    "other_identity",
                    "device_id:tab-2")))
        .isEqualTo(RowEraser.Outcome.KEEP);
  }

  @Test
  void deadLettersGoByEventIdOrAWholeIdentityValueInThePayload() {
    RowEraser e = new RowEraser(targets());
    e.apply(Table.EVENTS, event("e1", P, CUSTOMER));
    Schema s = DeadLetterRow.getClassSchema();
    assertThat(e.apply(Table.DEAD_LETTERS, row(s, "event_id", "e1", "payload", "{}")))
        .isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(
            e.apply(
                Table.DEAD_LETTERS,
                row(
                    s,
                    "event_id",
                    null,
                    "payload",
                    "{\"identities\":[{\"namespace\":\"email\",\"value\":\"e0ff\"}]}")))
        .isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(
            e.apply(
                Table.DEAD_LETTERS, row(s, "event_id", null, "payload", "bad line hmac:e0ff ...")))
        .isEqualTo(RowEraser.Outcome.REMOVE);
    assertThat(
            e.apply(
                Table.DEAD_LETTERS,
                row(s, "event_id", "e9", "payload", "{\"value\":\"C10\",\"x\":\"tab-12\"}")))
        .isEqualTo(RowEraser.Outcome.KEEP);
  }

  @Test
  void attributionChannelHasNoPersonAndIsKept() {
    RowEraser e = new RowEraser(targets());
    assertThat(
            e.apply(
                Table.ATTRIBUTION_CHANNEL,
                new GenericData.Record(
                    dev.omnichannel.monitor.avro.AttributionChannelRow.getClassSchema())))
        .isEqualTo(RowEraser.Outcome.KEEP);
  }
}
