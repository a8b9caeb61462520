package dev.omnichannel.monitor.generate;

/**
 * Kinds of broken or tricky records planted by {@code --bad-ratio}, with what the job is expected
 * to do with each. All but {@link #OUT_OF_ORDER} are extra records; OUT_OF_ORDER moves a valid
 * event out of time order. Each output format carries the kinds it can represent ({@link
 * #carriedBy}); the last five exist only on Kafka.
 */
public enum BadKind {
  MALFORMED_JSON(Expected.DEAD_LETTER, "malformed_record", false, false),
  MISSING_EVENT_ID(Expected.DEAD_LETTER, "missing_field", false, false),
  EMPTY_EVENT_ID(Expected.DEAD_LETTER, "missing_field", true, true),
  MISSING_EVENT_TIME(Expected.DEAD_LETTER, "missing_field", false, false),
  ABSURD_TIMESTAMP_1970(Expected.DEAD_LETTER, "implausible_event_time", true, true),
  ABSURD_TIMESTAMP_2999(Expected.DEAD_LETTER, "implausible_event_time", true, true),
  BLOCKED_IDENTITY_ONLY(Expected.DEAD_LETTER, "no_usable_identity", true, true),
  EMPTY_IDENTITIES(Expected.DEAD_LETTER, "no_usable_identity", true, true),
  NAN_VALUE(Expected.DEAD_LETTER, "invalid_value", true, true),
  HUGE_VALUE(Expected.DEAD_LETTER, "invalid_value", true, true),
  BAD_SENTIMENT(Expected.DEAD_LETTER, "invalid_value", true, true),

  /**
   * On Kafka an Avro enum cannot hold an unknown symbol: the record carries OTHER with the original
   * spelling in {@code attributes.raw_channel} (or {@code raw_event_type}), as a producer that has
   * normalised it would send it; the job reads it the same way as the JSON spelling.
   */
  UNKNOWN_CHANNEL(Expected.ACCEPTED, null, false, true),
  UNKNOWN_EVENT_TYPE(Expected.ACCEPTED, null, false, true),
  EXACT_DUPLICATE(Expected.DUPLICATE, null, true, true),
  OUT_OF_ORDER(Expected.ACCEPTED, null, true, true),

  // Kafka only: values that are not one Avro ChannelEvent

  /** Bytes that do not decode as a ChannelEvent. No key. */
  RANDOM_BYTES(Expected.DEAD_LETTER, "malformed_record", false, true),
  /** A ChannelEvent cut short. */
  TRUNCATED_AVRO(Expected.DEAD_LETTER, "malformed_record", false, true),
  /**
   * An Avro record of another schema (a page hit); checked not to read as a ChannelEvent. No key.
   */
  WRONG_SCHEMA(Expected.DEAD_LETTER, "malformed_record", false, true),
  /** A null value with a key. */
  TOMBSTONE(Expected.DEAD_LETTER, "malformed_record", false, true),
  /**
   * A valid ChannelEvent padded past the 1 MiB record limit (a highly compressible attribute, so
   * that lz4 batches fit the broker's default message size). At most {@link
   * Generator#MAX_OVERSIZED} per run.
   */
  OVERSIZED_RECORD(Expected.DEAD_LETTER, "record_too_large", false, true);

  /** What the job should do with such a record. */
  public enum Expected {
    DEAD_LETTER("dead_letter"),
    DUPLICATE("duplicate"),
    ACCEPTED("accepted");

    public final String label;

    Expected(String label) {
      this.label = label;
    }
  }

  public final Expected expected;

  /** The dead-letter reason code, or null when the record is not a dead letter. */
  public final String reasonCode;

  /** Whether an Avro container file can carry this kind. */
  public final boolean avro;

  /** Whether a Kafka topic of Avro binary ChannelEvents carries this kind. */
  public final boolean kafka;

  BadKind(Expected expected, String reasonCode, boolean avro, boolean kafka) {
    this.expected = expected;
    this.reasonCode = reasonCode;
    this.avro = avro;
    this.kafka = kafka;
  }

  /** Whether output of {@code format} carries this kind. */
  public boolean carriedBy(GeneratorConfig.Format format) {
    return switch (format) {
      case JSONL -> !kafkaOnly();
      case AVRO -> avro;
      case KAFKA -> kafka;
    };
  }

  /** A kind that only Kafka carries: the value is not one readable Avro ChannelEvent. */
  boolean kafkaOnly() {
    return ordinal() > OUT_OF_ORDER.ordinal();
  }

  /** An accepted extra event whose channel or event type is spelled in a way the schema lacks. */
  boolean unknownEnum() {
    return this == UNKNOWN_CHANNEL || this == UNKNOWN_EVENT_TYPE;
  }
}
