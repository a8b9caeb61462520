package dev.omnichannel.monitor.io;

/**
 * One input record exactly as read, before decoding: where it came from and its text. Avro records
 * are rendered as JSON text so that one decoder serves every encoding. A Flink POJO.
 */
public class RawRecord {
  /**
   * Where the record came from: {@code file:line} (Avro files: {@code file:record-index}; Kafka:
   * {@code kafka:topic/partition/offset}).
   */
  public String source;

  /** The record's text (a JSON object when well-formed), at most {@link #MAX_PAYLOAD} chars. */
  public String payload;

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
}
