package dev.omnichannel.monitor.generate;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.identity.Namespaces;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Legacy exports of the generated persons, in the layouts of the example mappings of {@code
 * examples/mappings/}: the contact centre's call log (CSV), the tills' receipts (fixed width) and
 * the e-mail service provider's activity (TSV). Each row mirrors one digital event of a known
 * person (a call on VOICE, a purchase in a store with the loyalty card, an e-mail opened or
 * clicked) and carries an identity that person also uses in its digital events (the same phone,
 * customer number, loyalty card or e-mail, in one of its raw spellings), so that a backfill over
 * the events and the exports stitches each row to the person of that digital event. {@link
 * GroundTruth.LegacyRow} lists every row with its person; with a bad ratio, that share of the rows
 * is broken the way a real export breaks (an unknown code, a value in the wrong format) and listed
 * as an expected dead letter.
 *
 * <p>The exports add no identity and never merge persons. A call-log row is the call's wrap-up,
 * timed a second at most after its CONTACT_START and before its CONTACT_END: it stays inside the
 * call's VOICE touch, so journeys keep their touches, statuses and attribution (only their event
 * counts grow). Receipts are purchases and e-mail opens and clicks are touches, so those two change
 * journeys; tests use them for stitching.
 */
final class LegacyExports {
  private static final ZoneId LONDON = ZoneId.of("Europe/London");
  private static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");
  private static final DateTimeFormatter CALL_TIME =
      DateTimeFormatter.ofPattern("dd/MM/yyyy HH:mm:ss", Locale.ROOT);
  private static final DateTimeFormatter CALL_DAY =
      DateTimeFormatter.ofPattern("yyyyMMdd", Locale.ROOT);
  private static final DateTimeFormatter RECEIPT_TIME =
      DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT);
  private static final String[] AGENTS = {
    "agent.khan", "agent.osei", "agent.price", "agent.nowak", "agent.silva", "agent.berg"
  };

  private final GenPerson[] persons;
  private final SplittableRandom rng;
  private final double badRatio;
  private final List<GroundTruth.LegacyRow> rows = new ArrayList<>();

  LegacyExports(GenPerson[] persons, long seed, double badRatio) {
    this.persons = persons;
    this.rng = new SplittableRandom(IdentityFactory.mix64(seed ^ 0x1E6AC7L));
    this.badRatio = badRatio;
  }

  /** Writes the exports of {@code kinds} to {@code dir} and returns their rows. */
  List<GroundTruth.LegacyRow> write(Path dir, Set<LegacyExport> kinds) throws IOException {
    Files.createDirectories(dir);
    for (LegacyExport kind : LegacyExport.values()) {
      Path file = dir.resolve(kind.file);
      if (!kinds.contains(kind)) {
        Files.deleteIfExists(file);
        continue;
      }
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        switch (kind) {
          case CONTACT_CENTRE -> calls(w);
          case POS -> receipts(w);
          case ESP -> activity(w);
        }
      }
    }
    return rows;
  }

  /** The first whole second strictly after {@code ms}. */
  static long nextSecond(long ms) {
    return Math.floorDiv(ms, 1000L) * 1000L + 1000L;
  }

  private boolean bad() {
    return badRatio > 0 && rng.nextDouble() < badRatio;
  }

  /**
   * A local time in {@code zone} that reads back as {@code ms} (not in a clock change's overlap).
   */
  private static String local(long ms, ZoneId zone, DateTimeFormatter f) {
    LocalDateTime t = LocalDateTime.ofInstant(Instant.ofEpochMilli(ms), zone);
    if (zone.getRules().getValidOffsets(t).size() != 1) {
      return null;
    }
    return f.format(t);
  }

  private static Ident find(GenEvent e, String namespace) {
    for (Ident i : e.ids) {
      if (!i.placeholder() && i.namespace().equals(namespace)) {
        return i;
      }
    }
    return null;
  }

  private void row(
      LegacyExport kind,
      long line,
      String eventId,
      long timeMs,
      GenPerson p,
      GenEvent e,
      String reason) {
    rows.add(
        new GroundTruth.LegacyRow(
            kind.file,
            line,
            reason == null ? eventId : null,
            timeMs,
            p.label(),
            e.id,
            reason == null ? "accepted" : "dead_letter",
            reason));
  }

  // The contact centre's call log: one row per VOICE call, at its start (local London time).
  private void calls(BufferedWriter w) throws IOException {
    w.write("call_id,started_at,caller_number,customer_no,agent,queue,wrap_up,talk_time_s,csat\n");
    long line = 1;
    int seq = 0;
    for (GenPerson p : persons) {
      if (p.anonymous) {
        continue;
      }
      for (int i = 0; i + 1 < p.events.size(); i++) {
        GenEvent start = p.events.get(i);
        GenEvent end = p.events.get(i + 1);
        if (start.channel != Channel.VOICE
            || start.type != EventType.CONTACT_START
            || end.type != EventType.CONTACT_END
            || start.session == null
            || !start.session.equals(end.session)) {
          continue;
        }
        Ident phone = find(start, Namespaces.PHONE);
        Ident customer = find(start, Namespaces.CUSTOMER_ID);
        long t = nextSecond(start.time);
        String when = local(t, LONDON, CALL_TIME);
        if (phone == null || when == null || t >= end.time) {
          continue;
        }
        String id =
            "CC-"
                + CALL_DAY.format(LocalDateTime.ofInstant(Instant.ofEpochMilli(t), LONDON))
                + "-"
                + IdentityFactory.pad(++seq, 5);
        String wrapUp =
            start.outcome == null
                ? ""
                : switch (start.outcome) {
                  case "RESOLVED" -> seq % 3 == 0 ? "FCR" : "RES";
                  case "UNRESOLVED" -> "CB";
                  case "ESCALATED" -> "ESC";
                  case "TRANSFERRED" -> "XFER";
                  case "ABANDONED" -> "AB";
                  default -> "";
                };
        String csat =
            start.hasSentiment()
                ? Long.toString(Math.max(1, Math.min(5, Math.round(2 * start.sentiment + 3))))
                : "";
        String reason = null;
        if (bad()) {
          if (csat.isEmpty() || rng.nextBoolean()) {
            reason =
                "mapping: column wrap_up value \"ZZZ\": not a known value for outcome"
                    + " (expected one of RES, FCR, CB, ESC, XFER, AB)";
            wrapUp = "ZZZ";
          } else {
            reason = "mapping: column csat value \"n/a\": not a number (sentiment)";
            csat = "n/a";
          }
        }
        String queue =
            start.topic == null
                ? "GENERAL"
                : switch (start.topic) {
                  case "billing" -> "BILLING";
                  case "delivery" -> "DELIVERY";
                  case "returns" -> "RETURNS";
                  case "order_status" -> "ORDERS";
                  default -> "GENERAL";
                };
        line++;
        w.write(
            String.join(
                ",",
                id,
                when,
                phone.raw(),
                customer == null ? "" : customer.raw(),
                AGENTS[seq % AGENTS.length],
                queue,
                wrapUp,
                Long.toString((end.time - start.time) / 1000),
                csat));
        w.write('\n');
        row(LegacyExport.CONTACT_CENTRE, line, id, t, p, start, reason);
      }
    }
  }

  // The tills' receipts: one fixed-width line per store purchase with the loyalty card.
  private void receipts(BufferedWriter w) throws IOException {
    long line = 0;
    int seq = 0;
    for (GenPerson p : persons) {
      if (p.anonymous) {
        continue;
      }
      for (GenEvent e : p.events) {
        Ident card = find(e, Namespaces.LOYALTY_ID);
        if (e.channel != Channel.STORE
            || e.type != EventType.PURCHASE
            || card == null
            || card.raw().length() != 12
            || !e.hasValue()) {
          continue;
        }
        long t = nextSecond(e.time);
        String when = local(t, BERLIN, RECEIPT_TIME);
        long cents = Math.round(e.value * 100);
        if (when == null || cents < 0 || cents > 999_999_999L) {
          continue;
        }
        seq++;
        String store = "S" + IdentityFactory.pad(1 + (p.index % 40), 3);
        String till = IdentityFactory.pad(1 + seq % 4, 2);
        String receipt = IdentityFactory.pad(seq % 1_000_000, 6);
        String currency = e.currency == null ? "EUR" : e.currency;
        String type = "S";
        String reason = null;
        if (bad()) {
          type = "X";
          reason =
              "mapping: column txn_type value \"X\": not a known value for event_type"
                  + " (expected one of S, R)";
        }
        line++;
        w.write(
            store
                + till
                + receipt
                + when
                + type
                + card.raw()
                + IdentityFactory.pad(cents, 9)
                + currency
                + IdentityFactory.pad(1 + seq % 9, 3));
        w.write('\n');
        row(LegacyExport.POS, line, store + "-" + till + "-" + receipt, t, p, e, reason);
      }
    }
  }

  // The e-mail service provider's activity: one tab-separated row per open or click.
  private void activity(BufferedWriter w) throws IOException {
    w.write("message_id\tevent\ttimestamp\temail\tcampaign\turl\tbounce_type\n");
    long line = 1;
    for (GenPerson p : persons) {
      if (p.anonymous) {
        continue;
      }
      for (GenEvent e : p.events) {
        Ident email = find(e, Namespaces.EMAIL);
        if (e.channel != Channel.EMAIL
            || (e.type != EventType.EMAIL_OPEN && e.type != EventType.EMAIL_CLICK)
            || email == null) {
          continue;
        }
        long t = nextSecond(e.time);
        String message = "m-" + e.id;
        String event = e.type == EventType.EMAIL_OPEN ? "open" : "click";
        String seconds = Long.toString(t / 1000);
        String reason = null;
        String shown = seconds;
        if (bad()) {
          shown = LocalDateTime.ofInstant(Instant.ofEpochMilli(t), ZoneId.of("UTC")).toString();
          reason =
              "mapping: column timestamp value \""
                  + shown
                  + "\": not a time in format epoch_seconds";
        }
        line++;
        w.write(
            String.join(
                "\t",
                message,
                event,
                shown,
                email.raw(),
                e.campaign == null ? "" : e.campaign,
                "",
                ""));
        w.write('\n');
        row(LegacyExport.ESP, line, message + ":" + event + ":" + seconds, t, p, e, reason);
      }
    }
  }
}
