package dev.omnichannel.monitor.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.zip.GZIPOutputStream;

/**
 * Writes records as JSON Lines, by hand (no tree building): schema field order, optional fields
 * left out when absent, {@code event_time} as epoch milliseconds or an ISO-8601 instant with
 * milliseconds. Bad records are broken the way their {@link BadKind} says.
 */
final class JsonlSink implements RecordSink {
  private static final long DAY = 86_400_000L;

  private final Writer out;
  private final StringBuilder sb = new StringBuilder(512);
  private boolean first;
  private long cachedDay = Long.MIN_VALUE;
  private String cachedDate;

  JsonlSink(Path file, boolean gzip) throws IOException {
    OutputStream os = Files.newOutputStream(file);
    if (gzip) {
      os = new GZIPOutputStream(os, 1 << 16);
    }
    out = new BufferedWriter(new OutputStreamWriter(os, StandardCharsets.UTF_8), 1 << 16);
  }

  @Override
  public void write(OutRecord r) throws IOException {
    sb.setLength(0);
    append(r);
    if (r.kind == BadKind.MALFORMED_JSON) {
      int len = sb.length();
      sb.setLength(Math.max(5, Math.min(len - 2, (int) (len * r.cut))));
    }
    sb.append('\n');
    out.append(sb);
  }

  /** Appends the JSON object of {@code r} (without a newline) to the buffer. */
  private void append(OutRecord r) {
    GenEvent e = r.ev;
    BadKind k = r.kind;
    sb.append('{');
    first = true;
    if (k != BadKind.MISSING_EVENT_ID) {
      name("event_id");
      string(k == BadKind.EMPTY_EVENT_ID ? "" : r.id());
    }
    if (k != BadKind.MISSING_EVENT_TIME) {
      long t =
          k == BadKind.ABSURD_TIMESTAMP_1970 || k == BadKind.ABSURD_TIMESTAMP_2999
              ? r.altTime
              : e.time;
      name("event_time");
      if (e.iso) {
        sb.append('"');
        iso(t);
        sb.append('"');
      } else {
        sb.append(t);
      }
    }
    name("channel");
    string(e.rawChannel != null ? e.rawChannel : e.channel.name());
    name("event_type");
    string(e.rawType != null ? e.rawType : e.type.name());
    name("identities");
    Ident[] ids =
        k == BadKind.BLOCKED_IDENTITY_ONLY
            ? r.altIds
            : k == BadKind.EMPTY_IDENTITIES ? new Ident[0] : e.ids;
    sb.append('[');
    for (int i = 0; i < ids.length; i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append("{\"namespace\":");
      string(ids[i].namespace());
      sb.append(",\"value\":");
      string(ids[i].raw());
      sb.append('}');
    }
    sb.append(']');
    optional("session_id", e.session);
    optional("source_system", e.source);
    optional("order_id", e.order);
    optional("product_id", e.product);
    optional("currency", e.currency);
    optional("campaign", e.campaign);
    optional("topic", e.topic);
    optional("outcome", e.outcome);
    if (k == BadKind.NAN_VALUE) {
      name("value");
      sb.append("NaN");
    } else if (k == BadKind.HUGE_VALUE) {
      name("value");
      sb.append(1e300);
    } else if (e.hasValue()) {
      name("value");
      sb.append(e.value);
    }
    if (k == BadKind.BAD_SENTIMENT) {
      name("sentiment");
      sb.append(7.5);
    } else if (e.hasSentiment()) {
      name("sentiment");
      sb.append(e.sentiment);
    }
    if (e.attrKey != null) {
      name("attributes");
      sb.append('{');
      string(e.attrKey);
      sb.append(':');
      string(e.attrValue);
      sb.append('}');
    }
    sb.append('}');
  }

  private void name(String field) {
    if (!first) {
      sb.append(',');
    }
    first = false;
    sb.append('"').append(field).append("\":");
  }

  private void optional(String field, String value) {
    if (value != null) {
      name(field);
      string(value);
    }
  }

  private void string(String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append("\\u00");
        sb.append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
      } else {
        sb.append(c);
      }
    }
    sb.append('"');
  }

  /** ISO-8601 instant with milliseconds, e.g. 2026-01-05T10:00:00.123Z. */
  private void iso(long ms) {
    long day = Math.floorDiv(ms, DAY);
    if (day != cachedDay) {
      cachedDay = day;
      cachedDate = LocalDate.ofEpochDay(day).toString();
    }
    long rest = Math.floorMod(ms, DAY);
    sb.append(cachedDate).append('T');
    two((int) (rest / 3_600_000L));
    sb.append(':');
    two((int) (rest / 60_000L % 60));
    sb.append(':');
    two((int) (rest / 1000 % 60));
    sb.append('.');
    int millis = (int) (rest % 1000);
    sb.append((char) ('0' + millis / 100))
        .append((char) ('0' + millis / 10 % 10))
        .append((char) ('0' + millis % 10));
    sb.append('Z');
  }

  private void two(int v) {
    sb.append((char) ('0' + v / 10)).append((char) ('0' + v % 10));
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
