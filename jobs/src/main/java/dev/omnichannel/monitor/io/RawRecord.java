package dev.omnichannel.monitor.io;

/**
 * One input record exactly as read, before decoding: where it came from and its bytes or text. A
 * Flink POJO.
 *
 * <p>A JSON line travels as its text ({@link #payload}). An Avro {@code ChannelEvent} (a Kafka
 * value, or a record of an Avro container file written with the {@code ChannelEvent} schema)
 * travels as its binary datum ({@link #avro}), which {@link EventDecoder} reads directly; only a
 * rejected record is rendered as JSON text, for its dead letter ({@link #payloadText()}).
 */
public class RawRecord {
  /**
   * Where the record came from: {@code file:line} (Avro files: {@code file:record-index}; Kafka:
   * {@code kafka:topic/partition/offset}).
   */
  public String source;

  /**
   * The record's text: a JSON line (a JSON object when well-formed), an Avro record of another
   * schema rendered as JSON text, or what is kept of an unreadable record ({@code base64:...} for
   * Kafka bytes). Null when the record travels as {@link #avro}.
   */
  public String payload;

  /**
   * The Avro binary datum of a {@code ChannelEvent}, already checked to be exactly one datum of the
   * schema; null for text records.
   */
  public byte[] avro;

  /**
   * Set when the reader already knows the record is unusable (for example invalid UTF-8 or a record
   * over the size limit): a dead-letter reason such as {@code record_too_large: 2000000 bytes}.
   */
  public String readError;

  /**
   * When the source stored the record, in epoch milliseconds: the Kafka record timestamp
   * (CreateTime or LogAppendTime, as the topic is configured). Null for files and for Kafka records
   * without a timestamp.
   */
  public Long sourceTimestamp;

  /**
   * The record's {@code event_time} when the reader could already see it (Kafka: a well-formed Avro
   * record), for watermarks in the source; null otherwise. The decoder still validates it.
   */
  public Long eventTime;

  /** Largest record accepted, in bytes. Larger records become dead letters. */
  public static final int MAX_RECORD_BYTES = 1 << 20;

  /** Largest payload kept in a dead letter, in chars. */
  public static final int MAX_PAYLOAD = 64 * 1024;

  public RawRecord() {}

  public RawRecord(String source, String payload, String readError) {
    this.source = source;
    this.payload = payload;
    this.readError = readError;
  }

  public RawRecord(String source, String payload, String readError, Long sourceTimestamp) {
    this(source, payload, readError);
    this.sourceTimestamp = sourceTimestamp;
  }

  /** A record that travels as the Avro binary datum of a {@code ChannelEvent}. */
  public static RawRecord avro(String source, byte[] datum, Long sourceTimestamp) {
    RawRecord r = new RawRecord(source, null, null, sourceTimestamp);
    r.avro = datum;
    return r;
  }

  /**
   * The record as a dead letter shows it: {@link #payload}, or the {@link #avro} datum rendered as
   * JSON text ({@link AvroJson}), or "" when there is neither. Not cut to {@link #MAX_PAYLOAD}.
   */
  public String payloadText() {
    if (payload != null) {
      return payload;
    }
    return avro == null ? "" : AvroJson.render(avro);
  }
}
