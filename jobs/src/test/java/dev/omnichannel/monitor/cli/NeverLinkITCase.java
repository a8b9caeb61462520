package dev.omnichannel.monitor.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.LocalFlink;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import dev.omnichannel.monitor.io.EventFileFormat;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.stream.StreamPipeline;
import dev.omnichannel.monitor.stream.StreamSettings;
import dev.omnichannel.monitor.testing.Duck;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The README's correction workflow, end to end through the real {@code backfill} command: a planted
 * wrong merge (two customers known only by email, whose events share one tablet) is one person
 * after a backfill; a rules file with {@code never_link} for their two emails, and a replay of the
 * same days into the same output, splits it into exactly the two expected persons, each with
 * exactly its events, and records the refused link in {@code identity_merges}. The stream pipeline
 * with the same rules gives the same persons and the same refused link.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NeverLinkITCase {
  private static final String KEY = "never-link-itcase-hmac-key-0123456789";
  private static final Pseudonymiser P = new Pseudonymiser(KEY.getBytes(StandardCharsets.UTF_8));
  private static final String ALICE = "email:" + P.hmacHex("alice@example.com");
  private static final String BOB = "email:" + P.hmacHex("bob@example.com");
  private static final String P_ALICE = PersonIds.personId(IdentityKey.parse(ALICE));
  private static final String P_BOB = PersonIds.personId(IdentityKey.parse(BOB));

  /** The one person of the wrong merge: its canonical identity is the smaller email. */
  private static final String P_MERGED =
      PersonIds.personId(IdentityKey.parse(ALICE.compareTo(BOB) < 0 ? ALICE : BOB));

  private Path input;
  private Path out;
  private Path streamOut;
  private Path rules;
  private Path key;
  private Map<String, String> mergedPersons;
  private List<String> readmeStep1;
  private List<String> readmeStep2;
  private String explainBefore;
  private String explainAfter;
  private JsonNode correctedSummary;
  private Connection duck;

  private static String event(String id, String time, String type, String ids) {
    return "{\"event_id\":\""
        + id
        + "\",\"event_time\":\""
        + time
        + "\",\"channel\":\"WEB\",\"event_type\":\""
        + type
        + "\",\"identities\":["
        + ids
        + "]}\n";
  }

  private static String id(String ns, String value) {
    return "{\"namespace\":\"" + ns + "\",\"value\":\"" + value + "\"}";
  }

  @BeforeAll
  void backfillThenCorrect(@TempDir Path dir) throws Exception {
    input = dir.resolve("events.jsonl");
    Files.writeString(
        input,
        event(
                "a1",
                "2026-01-05T10:00:00Z",
                "LOGIN",
                id("email", "Alice@Example.com") + "," + id("cookie_id", "ca"))
            + event(
                "a2",
                "2026-01-05T11:00:00Z",
                "PRODUCT_VIEW",
                id("email", "alice@example.com") + "," + id("device_id", "tablet-1"))
            + event(
                "b1",
                "2026-01-05T12:00:00Z",
                "LOGIN",
                id("email", "bob@example.com") + "," + id("cookie_id", "cb"))
            + event(
                "b2",
                "2026-01-06T09:00:00Z",
                "PRODUCT_VIEW",
                id("email", " BOB@example.com") + "," + id("device_id", "tablet-1"))
            + event("t1", "2026-01-06T10:00:00Z", "PAGE_VIEW", id("device_id", "tablet-1")));
    key = Files.writeString(dir.resolve("hmac.key"), KEY + "\n");
    out = dir.resolve("out");
    duck = DriverManager.getConnection("jdbc:duckdb:");

    assertThat(backfill()).isZero();
    mergedPersons = personsWithEvents(out);
    readmeStep1 =
        Duck.rows(
            duck,
            "SELECT DISTINCT person_id FROM read_parquet('"
                + out
                + "/events/**/*.parquet') WHERE list_contains(identities, {'namespace': 'email',"
                + " 'value': '"
                + P.hmacHex("alice@example.com")
                + "'})");
    readmeStep2 =
        Duck.rows(
            duck,
            "SELECT event_id, event_time, [i.namespace || ':' || i.value FOR i IN identities] AS"
                + " identities FROM read_parquet('"
                + out
                + "/events/**/*.parquet') WHERE person_id = '"
                + P_MERGED
                + "' AND len(identities) > 1 ORDER BY event_time, event_id");

    explainBefore = explainAlice();

    rules =
        Files.writeString(
            dir.resolve("identity-rules.yaml"),
            """
            # bob and alice share a tablet; they are two customers
            never_link:
              - ["email:alice@example.com", "email:Bob@Example.com"]
            """);
    assertThat(backfill("--identity-rules", rules.toString())).isZero();
    explainAfter = explainAlice();
    try (Stream<Path> runs = Files.list(out.resolve("_runs"))) {
      List<Path> summaries = runs.sorted().toList();
      assertThat(summaries).hasSize(2);
      correctedSummary = new ObjectMapper().readTree(summaries.get(1).toFile());
    }

    streamOut = dir.resolve("stream");
    stream();
  }

  /** README step 1 and 5: {@code explain} the person of Alice's email. */
  private String explainAlice() {
    CliTest.Run r =
        CliTest.run(
            "explain",
            "--output",
            out.toString(),
            "--identity",
            "email=alice@example.com",
            "--hmac-key-file",
            key.toString());
    assertThat(r.code()).as(r.err()).isZero();
    System.out.println(r.out());
    return r.out();
  }

  private int backfill(String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "backfill",
                "--input",
                input.toString(),
                "--output",
                out.toString(),
                "--from",
                "2026-01-05",
                "--to",
                "2026-01-06",
                "--parallelism",
                "2",
                "--hmac-key-file",
                key.toString()));
    args.addAll(List.of(more));
    return Main.execute(args.toArray(String[]::new));
  }

  /** The stream pipeline over the same file with the same rules (STREAMING, event time). */
  private void stream() throws Exception {
    PipelineOptions options =
        CommandLine.populateCommand(new PipelineOptions(), "--identity-rules", rules.toString());
    options.validate();
    FlowConfig config =
        options.backfillConfig(
            List.of(input.toString()),
            streamOut,
            null,
            null,
            2,
            KEY.getBytes(StandardCharsets.UTF_8),
            "stream-never-link");
    StreamSettings settings =
        new StreamSettings(
            Duration.ofDays(2),
            Duration.ZERO,
            Duration.ZERO,
            Duration.ofDays(400),
            Duration.ofDays(7));
    Configuration conf = new Configuration();
    conf.set(ExecutionOptions.RUNTIME_MODE, RuntimeExecutionMode.STREAMING);
    StreamExecutionEnvironment env = LocalFlink.environment(conf, 2);
    env.enableCheckpointing(1000);
    DataStream<RawRecord> raw =
        env.fromSource(
                FileSource.forBulkFileFormat(
                        new EventFileFormat(), new org.apache.flink.core.fs.Path(input.toString()))
                    .build(),
                WatermarkStrategy.noWatermarks(),
                "events file")
            .setParallelism(1);
    StreamPipeline.sinkParquet(
        new StreamPipeline(config, settings).wire(raw), streamOut.toUri().toString());
    env.execute("stream with never_link");
  }

  @AfterAll
  void close() throws Exception {
    if (duck != null) {
      duck.close();
    }
  }

  /** person_id → its event ids, sorted and joined by commas. */
  private Map<String, String> personsWithEvents(Path output) throws Exception {
    Map<String, String> out = new TreeMap<>();
    for (String r :
        Duck.rows(
            duck,
            "SELECT person_id, string_agg(event_id, ',' ORDER BY event_id) FROM "
                + Duck.table(output, "events")
                + " GROUP BY person_id")) {
      String[] f = r.split("\\|");
      out.put(f[0], f[1]);
    }
    return out;
  }

  private List<String> rejectedLinks(Path output) throws Exception {
    return Duck.rows(
        duck,
        "SELECT event_id, event_time, old_person_id, new_person_id, reason FROM "
            + Duck.table(output, "identity_merges")
            + " WHERE NOT accepted ORDER BY ALL");
  }

  @Test
  void theSharedTabletMergesTheTwoCustomersWithoutARule() {
    assertThat(mergedPersons).isEqualTo(Map.of(P_MERGED, "a1,a2,b1,b2,t1"));
  }

  /** The README's queries (section "Correcting a wrong merge") find the person and its links. */
  @Test
  void theReadmeQueriesFindThePersonAndTheEventsThatLinkedIt() {
    assertThat(readmeStep1).containsExactly(P_MERGED + "|");
    assertThat(readmeStep2)
        .containsExactly(
            "a1|2026-01-05T10:00Z|['" + ALICE + "', 'cookie_id:ca']|",
            "a2|2026-01-05T11:00Z|['" + ALICE + "', 'device_id:tablet-1']|",
            "b1|2026-01-05T12:00Z|['" + BOB + "', 'cookie_id:cb']|",
            "b2|2026-01-06T09:00Z|['" + BOB + "', 'device_id:tablet-1']|");
  }

  /** The README's workflow with explain: the merged person before, Alice alone after the rule. */
  @Test
  void explainShowsTheWrongMergeAndThenItsCorrection() {
    assertThat(explainBefore)
        .startsWith("Person " + P_MERGED + "  (identity " + ALICE + ")\n")
        .contains(
            "  identities           5: email 2, device_id 1, cookie_id 2\n",
            // the link that fused them: Bob's email meets the tablet Alice's person holds
            "  2026-01-06T09:00:00Z  b2  "
                + BOB
                + " x device_id:tablet-1  "
                + P_ALICE
                + " -> "
                + P_MERGED
                + "\n",
            "Rejected links (0)\n  none\n");
    assertThat(explainAfter)
        .startsWith("Person " + P_ALICE + "  (identity " + ALICE + ")\n")
        .contains(
            "  identities           3: email 1, device_id 1, cookie_id 1\n",
            "Rejected links (1)\n  2026-01-06T09:00:00Z  b2  " + BOB + " x device_id:tablet-1\n",
            "    refused by never_link (" + BOB + " x device_id:tablet-1) keeps ",
            "    device_id:tablet-1 stays in " + P_ALICE + "\n")
        .doesNotContain(BOB + "  event");
  }

  @Test
  void theReplayWithTheRuleSplitsThemIntoExactlyTheTwoCustomers() throws Exception {
    assertThat(personsWithEvents(out)).isEqualTo(Map.of(P_ALICE, "a1,a2,t1", P_BOB, "b1,b2"));
    // the shared tablet stays with the person that had it first; b2 carries both sides and
    // belongs to its highest-priority identity, Bob's email
  }

  @Test
  void theRefusedLinkIsInIdentityMergesWithTheRule() throws Exception {
    String first = ALICE.compareTo(BOB) < 0 ? ALICE : BOB;
    String second = first.equals(ALICE) ? BOB : ALICE;
    assertThat(rejectedLinks(out))
        .containsExactly(
            "b2|2026-01-06T09:00Z|"
                + P_BOB
                + "|"
                + P_ALICE
                + "|never_link ("
                + BOB
                + " x device_id:tablet-1) keeps "
                + first
                + " and "
                + second
                + " apart|");
    assertThat(correctedSummary.get("rejected_links").asLong()).isEqualTo(1);
    assertThat(correctedSummary.get("persons").asLong()).isEqualTo(2);
    assertThat(correctedSummary.get("accounting").get("balanced").asBoolean()).isTrue();
    assertThat(correctedSummary.get("arguments").toString()).contains("--identity-rules");
  }

  @Test
  void noRawEmailIsInTheOutput() throws Exception {
    for (String table : List.of("events", "identity_merges", "journeys")) {
      assertThat(
              Duck.rows(
                  duck,
                  "SELECT count(*) FROM "
                      + Duck.table(out, table)
                      + " t WHERE lower(CAST(t AS VARCHAR)) LIKE '%example.com%'"))
          .as(table)
          .containsExactly("0|");
    }
  }

  @Test
  void theStreamWithTheSameRulesGivesTheSamePersonsAndTheSameRefusedLink() throws Exception {
    assertThat(personsWithEvents(streamOut)).isEqualTo(personsWithEvents(out));
    assertThat(rejectedLinks(streamOut)).isEqualTo(rejectedLinks(out));
  }
}
