package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import dev.omnichannel.monitor.identity.SuppressionList;
import dev.omnichannel.monitor.io.DeadLetterReason;
import dev.omnichannel.monitor.io.DecodeResult;
import dev.omnichannel.monitor.io.EventDecoder;
import dev.omnichannel.monitor.io.PayloadRedactor;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.io.ValidationRules;
import dev.omnichannel.monitor.mapping.MappedSources;
import dev.omnichannel.monitor.mapping.Mapping;
import dev.omnichannel.monitor.mapping.RowMapper;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Decodes raw records. In: {@link RawRecord}. Out: pseudonymised {@link Event}s inside the read
 * window; rejected records go to the {@link Tags#DEAD_LETTERS} side output with their source,
 * reason and redacted payload, unless that payload carries an identity of the suppression list the
 * run started with ({@link SuppressionList#carriedBy}): such a record is counted as suppressed and
 * goes to {@link #SUPPRESSED_DEAD_LETTERS} (stream mode counts it from there), so a re-run after an
 * erasure does not bring the erased person back as a dead letter. Valid records outside the read
 * window are counted as out of range and dropped. Stateless.
 */
public class DecodeFunction extends ProcessFunction<RawRecord, Event> {
  /** Rejected records that carry a suppressed identity: counted as suppressed, never written. */
  public static final OutputTag<DeadLetterRow> SUPPRESSED_DEAD_LETTERS =
      new OutputTag<>("suppressed-dead-letters", TypeInformation.of(DeadLetterRow.class));

  private final ValidationRules rules;
  private final SuppressionList suppression;
  private final byte[] hmacKey;
  private final long readFrom;
  private final long readTo;

  private final MappedSources mapped;

  private transient EventDecoder decoder;

  /** One row mapper per mapping in use, created when its first row comes. */
  private transient Map<Mapping, RowMapper> rows;

  private transient PayloadRedactor redactor;
  private transient LongCounter input;
  private transient LongCounter dead;
  private transient LongCounter outOfRange;
  private transient LongCounter suppressed;

  /**
   * @param readFrom first event time read, inclusive (Long.MIN_VALUE for no bound)
   * @param readTo last event time read, exclusive (Long.MAX_VALUE for no bound)
   */
  public DecodeFunction(ValidationRules rules, byte[] hmacKey, long readFrom, long readTo) {
    this(rules, hmacKey, readFrom, readTo, SuppressionList.EMPTY);
  }

  /**
   * @param suppression the suppression list the run started with, for dead letters
   */
  public DecodeFunction(
      ValidationRules rules,
      byte[] hmacKey,
      long readFrom,
      long readTo,
      SuppressionList suppression) {
    this(rules, hmacKey, readFrom, readTo, suppression, null);
  }

  /**
   * @param mapped the sources whose records are rows of a legacy export, with their mappings; the
   *     records of other sources are events
   */
  public DecodeFunction(
      ValidationRules rules,
      byte[] hmacKey,
      long readFrom,
      long readTo,
      SuppressionList suppression,
      MappedSources mapped) {
    this.mapped = mapped == null ? MappedSources.NONE : mapped;
    this.rules = rules;
    this.suppression = suppression;
    this.hmacKey = hmacKey.clone();
    this.readFrom = readFrom;
    this.readTo = readTo;
  }

  @Override
  public void open(OpenContext ctx) {
    decoder = new EventDecoder(rules, new Pseudonymiser(hmacKey));
    redactor = new PayloadRedactor(new Pseudonymiser(hmacKey));
    rows = new IdentityHashMap<>();
    input = getRuntimeContext().getLongCounter(Counters.INPUT_RECORDS);
    dead = getRuntimeContext().getLongCounter(Counters.DEAD_LETTERS);
    outOfRange = getRuntimeContext().getLongCounter(Counters.OUT_OF_RANGE);
    suppressed = getRuntimeContext().getLongCounter(Counters.SUPPRESSED);
  }

  @Override
  public void processElement(RawRecord raw, Context ctx, Collector<Event> out) {
    input.add(1);
    DecodeResult r = decode(raw);
    Long time = r.eventTime();
    if (time != null && (time < readFrom || time >= readTo)) {
      outOfRange.add(1);
      return;
    }
    if (r.isAccepted()) {
      out.collect(r.event());
      return;
    }
    DeadLetterRow row = deadLetter(raw, r, redactor);
    if (!suppression.isEmpty() && suppression.carriedBy(row.getPayload())) {
      suppressed.add(1);
      ctx.output(SUPPRESSED_DEAD_LETTERS, row);
      return;
    }
    dead.add(1);
    ctx.output(Tags.DEAD_LETTERS, row);
  }

  /**
   * Decodes a record: an event record directly, a row of a legacy export through its mapping (a row
   * that does not fit is rejected with a {@link DeadLetterReason#MAPPING} reason).
   */
  private DecodeResult decode(RawRecord raw) {
    Mapping mapping =
        mapped.isEmpty() || raw.readError != null ? null : mapped.forSource(raw.source);
    if (mapping == null) {
      return decoder.decode(raw);
    }
    RowMapper.Result m =
        rows.computeIfAbsent(mapping, RowMapper::new).map(raw.payload == null ? "" : raw.payload);
    if (m.problem() != null) {
      return DecodeResult.rejected(DeadLetterReason.MAPPING.with(m.problem()), null, null);
    }
    return decoder.decode(m.json());
  }

  /**
   * The dead letter of a rejected record: its source and reason, its payload cut to {@link
   * RawRecord#MAX_PAYLOAD} chars and redacted, and its event id and time when they could be read.
   */
  public static DeadLetterRow deadLetter(RawRecord raw, DecodeResult r, PayloadRedactor redactor) {
    String payload = raw.payloadText();
    if (payload.length() > RawRecord.MAX_PAYLOAD) {
      payload = payload.substring(0, RawRecord.MAX_PAYLOAD);
    }
    Long time = r.eventTime();
    return DeadLetterRow.newBuilder()
        .setSource(raw.source)
        .setReason(r.reason())
        .setPayload(redactor.redact(payload))
        .setEventId(r.eventId())
        .setEventTime(time == null ? null : Instant.ofEpochMilli(time))
        .build();
  }
}
