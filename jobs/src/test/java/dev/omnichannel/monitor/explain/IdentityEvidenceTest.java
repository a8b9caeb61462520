package dev.omnichannel.monitor.explain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.MergeRows;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.io.ParquetTestFiles;
import dev.omnichannel.monitor.io.ParquetWriters;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link IdentityEvidence} over identity_merges files written by the real writer: a stream-style
 * merge tree (a person merged into another later), the person of each identity, the rejected links
 * on both sides, and a file written before the identity columns existed.
 */
class IdentityEvidenceTest {
  @TempDir Path out;

  private static String pid(String key) {
    return PersonIds.personId(IdentityKey.parse(key));
  }

  @Test
  void aMergeTreeGivesEveryIdentityItsFinalPerson() throws Exception {
    String pc = pid("customer_id:c-1");
    String pd = pid("device_id:d-1");
    String pk = pid("cookie_id:k-1");
    String pk2 = pid("cookie_id:k-2");
    List<IdentityMergeRow> rows =
        List.of(
            // e1: d-1 x k-1 (a device's person takes the cookie)
            MergeRows.linked(pk, pd, "e1", 1_000, "device_id:d-1", "cookie_id:k-1"),
            // e2: c-1 x d-1 (the customer takes the device's person, which disappears)
            MergeRows.linked(pd, pc, "e2", 2_000, "customer_id:c-1", "device_id:d-1"),
            // e3: c-9 x d-1 refused, the device stays with c-1
            MergeRows.rejected(
                pid("customer_id:c-9"),
                pc,
                "e3",
                3_000,
                "customer_id",
                "customer_id:c-9",
                "device_id:d-1"));
    ParquetTestFiles.write(
        out.resolve("identity_merges/dt=1970-01-01/part-0.parquet"),
        ParquetWriters.specific(IdentityMergeRow.class, ParquetWriters.forTable("identity_merges")),
        rows);
    // a person of one identity, seen only through a rejected link of its own
    IdentityEvidence e = IdentityEvidence.load(out);

    assertThat(e.finalPerson(pk)).isEqualTo(pc);
    assertThat(e.finalPerson(pc)).isEqualTo(pc);
    assertThat(e.personOf(IdentityKey.parse("cookie_id:k-1"))).contains(pc);
    assertThat(e.personOf(IdentityKey.parse("customer_id:c-1"))).contains(pc);
    assertThat(e.personOf(IdentityKey.parse("customer_id:c-9"))).contains(pid("customer_id:c-9"));
    assertThat(e.personOf(IdentityKey.parse("cookie_id:k-2"))).isEqualTo(Optional.empty());
    assertThat(e.personIdsOf(pc)).containsExactlyInAnyOrder(pc, pd, pk);
    assertThat(e.identitiesOf(pc))
        .extracting(IdentityKey::toString)
        .containsExactly("customer_id:c-1", "device_id:d-1", "cookie_id:k-1");
    assertThat(e.acceptedLinksOf(pc))
        .extracting(IdentityEvidence.Link::eventId)
        .containsExactly("e1", "e2");
    assertThat(e.rejectedLinksOf(pc))
        .extracting(IdentityEvidence.Link::eventId)
        .containsExactly("e3");
    assertThat(e.rejectedLinksOf(pid("customer_id:c-9")))
        .extracting(IdentityEvidence.Link::eventId)
        .containsExactly("e3");
    assertThat(e.identitiesOf(pid("customer_id:c-9")))
        .extracting(IdentityKey::toString)
        .containsExactly("customer_id:c-9");
    assertThat(e.identitiesOf(pk2)).isEmpty();
    assertThat(e.firstLinkOf(IdentityKey.parse("device_id:d-1")).orElseThrow().eventId())
        .isEqualTo("e1");
  }

  @Test
  void filesWrittenBeforeTheIdentityColumnsAreReadFromTheReason() throws Exception {
    Schema old =
        SchemaBuilder.record("IdentityMergeRow")
            .fields()
            .requiredString("old_person_id")
            .requiredString("new_person_id")
            .requiredString("event_id")
            .name("event_time")
            .type(
                org.apache.avro.LogicalTypes.timestampMillis()
                    .addToSchema(Schema.create(Schema.Type.LONG)))
            .noDefault()
            .requiredBoolean("accepted")
            .requiredString("reason")
            .endRecord();
    GenericRecord r = new GenericData.Record(old);
    r.put("old_person_id", pid("cookie_id:k-1"));
    r.put("new_person_id", pid("customer_id:c-1"));
    r.put("event_id", "e1");
    r.put("event_time", 5_000L);
    r.put("accepted", true);
    r.put("reason", "linked (customer_id:c-1 x cookie_id:k-1)");
    Path file = out.resolve("identity_merges/dt=1970-01-01/old.parquet");
    java.nio.file.Files.createDirectories(file.getParent());
    try (ParquetWriter<GenericRecord> w =
        AvroParquetWriter.<GenericRecord>builder(new LocalOutputFile(file))
            .withSchema(old)
            .build()) {
      w.write(r);
    }
    IdentityEvidence e = IdentityEvidence.load(out);
    assertThat(e.identitiesOf(pid("customer_id:c-1")))
        .extracting(IdentityKey::toString)
        .containsExactly("customer_id:c-1", "cookie_id:k-1");
    assertThat(e.acceptedLinksOf(pid("customer_id:c-1")).get(0).eventTime()).isEqualTo(5_000L);
  }
}
