package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.backfill.BackfillRunner;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.generate.Generator;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.generate.GroundTruth;
import dev.omnichannel.monitor.generate.LegacyExport;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.mapping.MappedSources;
import dev.omnichannel.monitor.mapping.Mapping;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The generator's planted persons in the three legacy exports of the example mappings (a call log,
 * till receipts, e-mail activity), each row carrying a phone, customer number, loyalty card or
 * e-mail that the same person uses in its digital events: one backfill over the digital events and
 * the three exports, each read with its example mapping, gives every row as exactly one event (id,
 * time, source system), every broken row as a dead letter with its exact reason and line, and puts
 * every row's event in the person of its planted person: the person id of that person's digital
 * events, which is the person id of its customer id (from the ground truth).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LegacyStitchingITCase {
  private static final Path EXAMPLES =
      Path.of("..", "examples", "mappings").toAbsolutePath().normalize();
  private static final byte[] KEY =
      "legacy-stitching-hmac-key-0123456789".getBytes(StandardCharsets.UTF_8);

  /** The generator's digital events have ids e-... (and x-... for extra ones); rows do not. */
  private static final String NOT_DIGITAL = "(event_id NOT LIKE 'e-%' AND event_id NOT LIKE 'x-%')";

  private Path out;
  private Path legacy;
  private GroundTruth truth;
  private RunSummary summary;
  private Connection duck;

  @BeforeAll
  void run(@TempDir Path dir) throws Exception {
    Path input = dir.resolve("input");
    truth =
        Generator.generate(
            GeneratorConfig.defaults().withCustomers(250).withDays(45).withBadRatio(0.03),
            input,
            EnumSet.allOf(LegacyExport.class));
    legacy = input.resolve(LegacyExport.DIR);
    List<String> inputs =
        new ArrayList<>(InputResolver.resolve(List.of(input.resolve("events").toString())));
    MappedSources mapped = MappedSources.NONE;
    for (LegacyExport e : LegacyExport.values()) {
      Path file = legacy.resolve(e.file);
      inputs.add(MappedSources.key(file));
      // the very file of examples/mappings/, as the jar ships it
      assertThat(Mapping.resource(e.resource())).isNotNull();
      mapped = mapped.withFile(file, Mapping.read(EXAMPLES.resolve(e.mapping)));
    }
    out = dir.resolve("out");
    FlowConfig config =
        PipelineOptions.defaults()
            .backfillConfig(inputs, out, null, null, 2, KEY, RunIds.next("legacy"))
            .withMapped(mapped);
    summary = BackfillRunner.run(config, List.of("legacy-stitching"));
    duck = DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  private List<GroundTruth.LegacyRow> rows(LegacyExport e, String expected) {
    return truth.legacyRows().stream()
        .filter(r -> r.file().equals(e.file) && r.expected().equals(expected))
        .toList();
  }

  @Test
  void everyExportHasRowsAndSomeOfThemBroken() {
    for (LegacyExport e : LegacyExport.values()) {
      assertThat(rows(e, "accepted")).as(e.file).hasSizeGreaterThan(5);
    }
    assertThat(truth.legacyRows()).anyMatch(r -> r.expected().equals("dead_letter"));
  }

  @Test
  void theBooksBalanceWithEveryLegacyRowCounted() throws Exception {
    long legacyAccepted =
        truth.legacyRows().stream().filter(r -> r.expected().equals("accepted")).count();
    long legacyDead = truth.legacyRows().size() - legacyAccepted;
    assertThat(summary.accounting.balanced()).isTrue();
    assertThat(summary.accounting.outOfRange).isZero();
    assertThat(summary.accounting.suppressed).isZero();
    assertThat(summary.accounting.inputRecords)
        .isEqualTo(truth.counts().records() + truth.legacyRows().size());
    assertThat(summary.accounting.acceptedEvents)
        .isEqualTo(truth.counts().acceptedEvents() + legacyAccepted);
    assertThat(summary.accounting.duplicates).isEqualTo(truth.counts().duplicates());
    assertThat(summary.accounting.deadLetters).isEqualTo(truth.counts().deadLetters() + legacyDead);
    JsonNode written =
        new ObjectMapper().readTree(out.resolve("_runs").resolve(summary.runId + ".json").toFile());
    assertThat(written.get("dead_letters_by_reason").path("mapping").asLong(0))
        .isEqualTo(legacyDead);
  }

  @Test
  void eachRowIsOneEventWithItsIdTimeAndSource() throws Exception {
    for (LegacyExport e : LegacyExport.values()) {
      List<String> expected =
          rows(e, "accepted").stream()
              .map(r -> r.eventId() + "|" + r.eventTimeMs() + "|")
              .sorted()
              .toList();
      assertThat(
              Duck.rows(
                  duck,
                  "SELECT event_id, epoch_ms(event_time) FROM "
                      + Duck.table(out, "events")
                      + " WHERE source_system = '"
                      + e.sourceSystem
                      + "' AND "
                      + NOT_DIGITAL
                      + " ORDER BY event_id"))
          .as(e.file)
          .containsExactlyElementsOf(expected);
    }
  }

  @Test
  void eachBrokenRowIsADeadLetterNamingTheColumnAndValue() throws Exception {
    List<String> expected = new ArrayList<>();
    for (LegacyExport e : LegacyExport.values()) {
      for (GroundTruth.LegacyRow r : rows(e, "dead_letter")) {
        expected.add(legacy.resolve(e.file) + ":" + r.line() + "|" + r.reason() + "|");
      }
    }
    assertThat(
            Duck.rows(
                duck,
                "SELECT source, reason FROM "
                    + Duck.table(out, "dead_letters")
                    + " WHERE reason LIKE 'mapping:%' ORDER BY source"))
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void eachRowStitchesToThePersonOfItsDigitalEvents() throws Exception {
    Map<String, String> personOf = new HashMap<>();
    for (String row :
        Duck.rows(duck, "SELECT event_id, person_id FROM " + Duck.table(out, "events"))) {
      String[] f = row.split("\\|");
      personOf.put(f[0], f[1]);
    }
    int checked = 0;
    for (GroundTruth.LegacyRow r : truth.legacyRows()) {
      if (!r.expected().equals("accepted")) {
        continue;
      }
      GroundTruth.IdentityValue canonical = truth.person(r.person()).identities().get(0);
      assertThat(canonical.namespace()).isEqualTo(Namespaces.CUSTOMER_ID);
      String expected =
          PersonIds.personId(new IdentityKey(canonical.namespace(), canonical.value()));
      assertThat(personOf.get(r.digitalEventId()))
          .as("digital event %s of %s", r.digitalEventId(), r.person())
          .isEqualTo(expected);
      assertThat(personOf.get(r.eventId()))
          .as("%s line %d (%s) of %s", r.file(), r.line(), r.eventId(), r.person())
          .isEqualTo(expected);
      checked++;
    }
    assertThat(checked).isGreaterThan(30);
    // and the exports added no person: every person with a legacy event has digital ones too
    try (Stream<String> s =
        Duck.rows(
            duck,
            "SELECT count(DISTINCT person_id) FROM "
                + Duck.table(out, "events")
                + " WHERE "
                + NOT_DIGITAL
                + " AND person_id NOT IN (SELECT person_id FROM "
                + Duck.table(out, "events")
                + " WHERE NOT "
                + NOT_DIGITAL
                + ")")
            .stream()) {
      assertThat(s).containsExactly("0|");
    }
    assertThat(summary.persons).isEqualTo(truth.persons().size());
  }
}
