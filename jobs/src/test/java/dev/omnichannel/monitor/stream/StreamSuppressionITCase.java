package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.cli.PipelineOptions;
import dev.omnichannel.monitor.flow.Alert;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import dev.omnichannel.monitor.identity.SuppressionList;
import dev.omnichannel.monitor.io.KafkaOptions;
import dev.omnichannel.monitor.io.KafkaRecordFormat;
import dev.omnichannel.monitor.testing.Await;
import dev.omnichannel.monitor.testing.Duck;
import dev.omnichannel.monitor.testing.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * An erasure while a stream job runs, end to end on a real broker: the stream job reads a topic,
 * person X is put on the suppression list at its default place, and from then on X's events produce
 * no rows and no alerts, and what the job held of X is never written.
 *
 * <p>Four persons with hand-written events, so every expectation is exact:
 *
 * <ul>
 *   <li>X and Y: the same events at the same times. Before the erasure a product view, a cart, an
 *       unresolved and unhappy chat (a NEGATIVE_SENTIMENT alert), and a page view that still waits
 *       for the stitch delay when the list changes. After it two more contacts (UNRESOLVED_CONTACT,
 *       REPEAT_CONTACT, CHANNEL_HOP), a purchase (which converts the journey, completes
 *       BROWSE_ABANDON_CHAT_PURCHASE and gets attribution) sent twice, a contact about delivery
 *       (POST_PURCHASE_CONTACT), and a late page view. Y shows that these events do produce rows
 *       and alerts.
 *   <li>W: X's events before the erasure only. W shows what X's state at the erasure would still
 *       produce if it were kept: CART_ABANDONED once 72 h pass without a purchase, an ABANDONED
 *       journey once the inactivity gap passes, and profile rows.
 *   <li>Z: page views on both partitions, which move the watermark (no idleness: every partition
 *       holds it back, so event time moves exactly as the test sends events).
 * </ul>
 *
 * The watermark is moved 50 days on while the job runs, so every journey gap, absence window and
 * friction horizon passes live; then the job is stopped with a drained savepoint (the end of input:
 * every remaining timer fires). X keeps exactly its rows and its alert from before the erasure, and
 * the accounting counts each of X's records after the erasure, and X's page view that was still
 * waiting, as suppressed.
 */
class StreamSuppressionITCase {
  private static final String KEY = "stream-suppression-itcase-hmac-key-0123456789";
  private static final String RUN_ID = "erasure";
  private static final Pseudonymiser P = new Pseudonymiser(KEY.getBytes(StandardCharsets.UTF_8));
  private static final Duration TIMEOUT = Await.TIMEOUT;

  private static final long T0 = Instant.parse("2026-03-02T10:00:00Z").toEpochMilli();
  private static final long MIN = 60_000L;
  private static final long DAY = 24 * 60 * MIN;

  /** Watermark = newest event time - 1 min - 1 ms; events wait 10 min for identity links. */
  private static final StreamSettings SETTINGS =
      new StreamSettings(
          Duration.ofMinutes(1),
          Duration.ZERO,
          Duration.ZERO,
          Duration.ofMinutes(10),
          Duration.ofDays(7));

  private static final String X = person("x");
  private static final String Y = person("y");
  private static final String W = person("w");

  /** The person id of customer {@code p}: its customer_id is its canonical identity. */
  private static String person(String p) {
    return PersonIds.personId(IdentityKey.parse("customer_id:c-" + p));
  }

  private static Identity customer(String p) {
    return new Identity("customer_id", "c-" + p);
  }

  private static Identity cookie(String p) {
    return new Identity("cookie_id", "k-" + p);
  }

  private static Identity email(String p) {
    return new Identity("email", p.toUpperCase() + "@Example.com");
  }

  private static ChannelEvent.Builder event(
      String id, long time, Channel channel, EventType type, Identity... ids) {
    return ChannelEvent.newBuilder()
        .setEventId(id)
        .setEventTime(Instant.ofEpochMilli(time))
        .setChannel(channel)
        .setEventType(type)
        .setIdentities(List.of(ids));
  }

  /**
   * Person {@code p}'s events before the erasure: an open journey, a cart that 72 h without a
   * purchase make CART_ABANDONED, a partial BROWSE_ABANDON_CHAT_PURCHASE, an unresolved contact and
   * a NEGATIVE_SENTIMENT alert; {@code -before-4} links a new device (the profile learns of it at
   * T0 + 3 h) and comes so close to the newest time that it still waits for the stitch delay when
   * the list changes.
   */
  private static List<ChannelEvent> before(String p) {
    return List.of(
        event(
                p + "-before-1",
                T0,
                Channel.WEB,
                EventType.PRODUCT_VIEW,
                customer(p),
                cookie(p),
                email(p))
            .setProductId("sku-1")
            .build(),
        event(p + "-before-2", T0 + 5 * MIN, Channel.WEB, EventType.ADD_TO_CART, cookie(p))
            .setProductId("sku-1")
            .setValue(30.0)
            .build(),
        event(p + "-before-3", T0 + 90 * MIN, Channel.CHAT, EventType.CONTACT_START, customer(p))
            .setOutcome("UNRESOLVED")
            .setSentiment(-0.8)
            .build(),
        event(
                p + "-before-4",
                T0 + 115 * MIN,
                Channel.WEB,
                EventType.PAGE_VIEW,
                cookie(p),
                new Identity("device_id", "d-" + p))
            .build());
  }

  /**
   * Person {@code p}'s records after the erasure: two more contacts, a purchase (twice), a contact
   * about the delivery, and a page view a day older than everything (late).
   */
  private static List<ChannelEvent> after(String p) {
    ChannelEvent purchase =
        event(
                p + "-after-3",
                T0 + 240 * MIN,
                Channel.WEB,
                EventType.PURCHASE,
                customer(p),
                cookie(p))
            .setOrderId("o-" + p)
            .setValue(30.0)
            .build();
    return List.of(
        event(p + "-after-1", T0 + 150 * MIN, Channel.EMAIL, EventType.CONTACT_START, email(p))
            .setOutcome("RESOLVED")
            .build(),
        event(p + "-after-2", T0 + 180 * MIN, Channel.VOICE, EventType.CONTACT_START, customer(p))
            .setOutcome("RESOLVED")
            .build(),
        purchase,
        purchase,
        event(p + "-after-4", T0 + 300 * MIN, Channel.CHAT, EventType.CONTACT_START, cookie(p))
            .setTopic("delivery")
            .setOutcome("RESOLVED")
            .build(),
        event(p + "-late", T0 - DAY, Channel.WEB, EventType.PAGE_VIEW, cookie(p)).build());
  }

  /** Z's page view {@code id} at {@code time}. */
  private static ChannelEvent clock(String id, long time) {
    return event(id, time, Channel.WEB, EventType.PAGE_VIEW, cookie("z")).build();
  }

  private static List<byte[]> encode(List<ChannelEvent> events) {
    return events.stream().map(KafkaRecordFormat::encode).toList();
  }

  @Test
  void eventsOfAPersonErasedWhileTheStreamRunsShouldProduceNoRowsAndNoAlerts(@TempDir Path dir)
      throws Exception {
    try (KafkaBroker broker = KafkaBroker.start()) {
      broker.createTopic("events", 2);
      broker.createTopic("alerts", 1);
      Path out = dir.resolve("out");
      Path summary = out.resolve("_runs").resolve(RUN_ID + ".json");

      // Before the erasure: X, Y and W on partition 0; Z at T0 + 2 h on both partitions moves the
      // watermark to T0 + 2 h - 1 min - 1 ms, which releases every event but the -before-4 ones.
      List<ChannelEvent> first = new ArrayList<>();
      for (String p : List.of("x", "y", "w")) {
        first.addAll(before(p));
      }
      first.add(clock("z-1", T0 + 120 * MIN));
      broker.produce("events", 0, encode(first));
      broker.produce("events", 1, encode(List.of(clock("z-2", T0 + 120 * MIN))));

      JobClient job = start(broker, dir, out);
      boolean stopped = false;
      try {
        // The NEGATIVE_SENTIMENT alerts of the unhappy chats (released at T0 + 100 min) are out;
        // so are the profile rows of the hour to T0 + 1 h (X, Y, W).
        Await.until(
            "the first alerts and profile rows",
            () ->
                alerts(broker).size() == 3
                    && summaryOf(summary) != null
                    && summaryOf(summary).tables.get("persons") == 3);
        assertThat(alerts(broker))
            .extracting(a -> a.type() + " " + a.personId() + " " + a.evidenceEventIds())
            .containsExactlyInAnyOrder(
                "NEGATIVE_SENTIMENT " + X + " [x-before-3]",
                "NEGATIVE_SENTIMENT " + Y + " [y-before-3]",
                "NEGATIVE_SENTIMENT " + W + " [w-before-3]");
        RunSummary beforeErasure = summaryOf(summary);
        assertThat(beforeErasure.accounting.inputRecords).isEqualTo(14);
        assertThat(beforeErasure.accounting.acceptedEvents).isEqualTo(14);
        assertThat(beforeErasure.suppressionListIdentities).isZero();

        // The erasure: X's identities, email pseudonymised as the tables hold it.
        List<String> xKeys =
            List.of(
                "customer_id:c-x",
                "cookie_id:k-x",
                "device_id:d-x",
                "email:" + P.apply("email", "X@Example.com"));
        assertThat(SuppressionList.add(SuppressionList.defaultPath(out), xKeys)).isEqualTo(4);
        Await.until(
            "a checkpoint after every operator applied the list",
            () -> summaryOf(summary) != null && summaryOf(summary).suppressionListIdentities == 4);

        // After the erasure: X's and Y's records interleaved, then Z 50 days later on both
        // partitions, so that every gap, absence window and friction horizon passes live.
        List<ChannelEvent> second = new ArrayList<>();
        List<ChannelEvent> ax = after("x");
        List<ChannelEvent> ay = after("y");
        for (int i = 0; i < ax.size(); i++) {
          second.add(ax.get(i));
          second.add(ay.get(i));
        }
        second.add(clock("z-3", T0 + 50 * DAY));
        broker.produce("events", 0, encode(second));
        broker.produce("events", 1, encode(List.of(clock("z-4", T0 + 50 * DAY))));
        // Live: Y's two journeys, W's abandoned one and Z's first; every friction.
        Await.until(
            "every record read and the timers of 50 days fired",
            () -> {
              RunSummary s = summaryOf(summary);
              return s != null
                  && s.accounting.inputRecords == 28
                  && s.tables.get("journeys") >= 4
                  && s.tables.get("friction") >= 8;
            });
        // The end of input: the rest of every timer fires, the last files are committed.
        job.stopWithSavepoint(
                true, dir.resolve("savepoints").toUri().toString(), SavepointFormatType.CANONICAL)
            .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        // the job ended without a failure (this throws otherwise)
        job.getJobExecutionResult().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        stopped = true;
      } finally {
        if (!stopped) {
          try {
            job.cancel().get();
          } catch (Exception alreadyEnded) {
            // the job failed on its own: the failure above is the one to report
          }
        }
      }

      RunSummary s = RunSummary.read(summary);
      assertThat(s.status).isEqualTo("FINISHED");
      assertThat(s.suppressionListIdentities).isEqualTo(4);
      assertThat(s.accounting.inputRecords).isEqualTo(28);
      assertThat(s.accounting.suppressed)
          .as("X's 6 records after the erasure, and x-before-4, which was waiting")
          .isEqualTo(7);
      assertThat(s.accounting.duplicates).as("Y's purchase sent twice").isEqualTo(1);
      assertThat(s.accounting.lateEvents).as("y-late").isEqualTo(1);
      assertThat(s.accounting.deadLetters).isZero();
      assertThat(s.accounting.acceptedEvents).isEqualTo(28 - 7 - 1 - 1);
      assertThat(s.accounting.balanced()).isTrue();

      try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
        assertThat(Duck.count(duck, out, "events")).isEqualTo(s.accounting.acceptedEvents);

        // Nothing of X's after the erasure anywhere: no row names one of its later event ids.
        for (String table : Table.allTables()) {
          for (String row : rows(duck, out, table, "*")) {
            assertThat(row).as(table).doesNotContain("x-after", "x-late");
            if (!table.equals("identity_merges")) {
              // its identity link was taken before the erasure
              assertThat(row).as(table).doesNotContain("x-before-4");
            }
          }
        }
        // The erased identities are X's as the tables hold them (x-before-4 brought the device).
        assertThat(
                rows(
                    duck,
                    out,
                    "events",
                    "DISTINCT (unnest(identities)).namespace || ':' || (unnest(identities)).value",
                    "person_id = '" + X + "'"))
            .containsExactly(
                "cookie_id:k-x|",
                "customer_id:c-x|",
                "email:" + P.apply("email", "X@Example.com") + "|");
        // X's rows are exactly those written before the erasure.
        assertThat(personRows(duck, out, "events", X, "event_id"))
            .containsExactly("x-before-1|", "x-before-2|", "x-before-3|");
        assertThat(personRows(duck, out, "journeys", X, "*"))
            .as("X's open journey is never closed")
            .isEmpty();
        assertThat(personRows(duck, out, "journey_matches", X, "*")).isEmpty();
        assertThat(personRows(duck, out, "friction", X, "friction_type, evidence_event_ids"))
            .containsExactly("NEGATIVE_SENTIMENT|[x-before-3]|");
        assertThat(personRows(duck, out, "attribution", X, "*")).isEmpty();
        assertThat(personRows(duck, out, "persons", X, "events, updated_at"))
            .as("the profile of the hour to T0 + 1 h, and none after")
            .containsExactly("2|2026-03-02T10:50Z|");
        assertThat(
                rows(
                    duck,
                    out,
                    "identity_merges",
                    "DISTINCT event_id",
                    "old_person_id = '" + X + "' OR new_person_id = '" + X + "'"))
            .containsExactly("x-before-1|", "x-before-4|");
        assertThat(rows(duck, out, "late_events", "event_id")).containsExactly("y-late|");

        // Y, with the same events, has every row that X's would have produced.
        assertThat(personRows(duck, out, "events", Y, "event_id"))
            .containsExactly(
                "y-after-1|",
                "y-after-2|",
                "y-after-3|",
                "y-after-4|",
                "y-before-1|",
                "y-before-2|",
                "y-before-3|",
                "y-before-4|");
        assertThat(personRows(duck, out, "journeys", Y, "status, event_count"))
            .containsExactly("ABANDONED|1|", "CONVERTED|7|");
        assertThat(personRows(duck, out, "journey_matches", Y, "pattern, event_ids"))
            .containsExactly(
                "BROWSE_ABANDON_CHAT_PURCHASE|[y-before-1, y-before-2, y-before-3, y-after-3]|");
        assertThat(personRows(duck, out, "friction", Y, "friction_type"))
            .containsExactly(
                "CHANNEL_HOP|",
                "NEGATIVE_SENTIMENT|",
                "POST_PURCHASE_CONTACT|",
                "REPEAT_CONTACT|",
                "UNRESOLVED_CONTACT|");
        assertThat(personRows(duck, out, "attribution", Y, "DISTINCT conversion_event_id"))
            .containsExactly("y-after-3|");
        // W, with X's events before the erasure only, shows what X's kept state would have
        // produced: the abandoned cart, the journey closed by the inactivity gap.
        assertThat(personRows(duck, out, "journeys", W, "status, event_count"))
            .containsExactly("ABANDONED|4|");
        assertThat(personRows(duck, out, "friction", W, "friction_type"))
            .containsExactly("CART_ABANDONED|", "NEGATIVE_SENTIMENT|");
      }

      // Alerts: X's only alert is the one from before the erasure; Y and W got theirs.
      Map<String, List<String>> byPerson =
          alerts(broker).stream()
              .collect(
                  Collectors.groupingBy(
                      Alert::personId,
                      TreeMap::new,
                      Collectors.mapping(
                          a -> a.type() + " " + a.evidenceEventIds(), Collectors.toList())));
      assertThat(byPerson.keySet()).containsExactlyInAnyOrder(X, Y, W);
      assertThat(byPerson.get(X)).containsExactly("NEGATIVE_SENTIMENT [x-before-3]");
      assertThat(byPerson.get(W))
          .containsExactlyInAnyOrder(
              "NEGATIVE_SENTIMENT [w-before-3]", "CART_ABANDONED [w-before-2]");
      assertThat(byPerson.get(Y))
          .containsExactlyInAnyOrder(
              "NEGATIVE_SENTIMENT [y-before-3]",
              "UNRESOLVED_CONTACT [y-before-3, y-after-1]",
              "REPEAT_CONTACT [y-before-3, y-after-1, y-after-2]",
              "CHANNEL_HOP [y-before-3, y-after-1, y-after-2]",
              "BROWSE_ABANDON_CHAT_PURCHASE [y-before-1, y-before-2, y-before-3, y-after-3]",
              "POST_PURCHASE_CONTACT [y-after-3, y-after-4]");
    }
  }

  /** Starts the stream job as the {@code stream} command wires it, with alerts to a topic. */
  private static JobClient start(KafkaBroker broker, Path dir, Path out) throws Exception {
    // the stream command's default for an unbounded input
    PipelineOptions options =
        CommandLine.populateCommand(new PipelineOptions(), "--attribution-window", "day");
    FlowConfig config =
        options.backfillConfig(
            List.of(), out, null, null, 2, KEY.getBytes(StandardCharsets.UTF_8), RUN_ID);
    StreamRunner.Run run =
        new StreamRunner.Run(
            dir.resolve("checkpoints").toUri().toString(),
            Duration.ofMillis(300),
            null,
            "alerts",
            null,
            0,
            List.of());
    StreamExecutionEnvironment env = StreamRunner.environment(config, run);
    StreamRunner.wire(
        env,
        config,
        SETTINGS,
        KafkaOptions.topics(broker.bootstrapServers(), "events")
            .withGroupId(RUN_ID)
            .withStartingOffsets("earliest"),
        run);
    return env.executeAsync("stream with an erasure");
  }

  /** Every alert on the topic so far. */
  private static List<Alert> alerts(KafkaBroker broker) {
    List<Alert> alerts = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> r : broker.consumeAll("alerts")) {
      alerts.add(Alert.fromJson(new String(r.value(), StandardCharsets.UTF_8)));
    }
    return alerts;
  }

  /** The run summary as of the last completed checkpoint; null before the first (or mid-write). */
  private static RunSummary summaryOf(Path summary) {
    try {
      return Files.exists(summary) ? RunSummary.read(summary) : null;
    } catch (Exception beingReplaced) {
      return null;
    }
  }

  /** {@code SELECT cols FROM table} under {@code out}, sorted; none when it has no file. */
  private static List<String> rows(Connection duck, Path out, String table, String cols)
      throws Exception {
    return rows(duck, out, table, cols, "true");
  }

  /** {@code SELECT cols FROM table WHERE where}, sorted; none when the table has no file. */
  private static List<String> rows(
      Connection duck, Path out, String table, String cols, String where) throws Exception {
    try (Stream<Path> files =
        Files.exists(out.resolve(table)) ? Files.walk(out.resolve(table)) : Stream.empty()) {
      if (files.noneMatch(f -> f.toString().endsWith(".parquet"))) {
        return List.of();
      }
    }
    return Duck.rows(
        duck,
        "SELECT " + cols + " FROM " + Duck.table(out, table) + " WHERE " + where + " ORDER BY ALL");
  }

  /** The rows of {@code person} in {@code table}, sorted. */
  private static List<String> personRows(
      Connection duck, Path out, String table, String person, String cols) throws Exception {
    return rows(duck, out, table, cols, "person_id = '" + person + "'");
  }
}
