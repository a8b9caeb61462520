package dev.omnichannel.monitor.generate;

/**
 * Kinds of broken or tricky records planted by {@code --bad-ratio}, with what the job is expected
 * to do with each. All but {@link #OUT_OF_ORDER} are extra records; OUT_OF_ORDER moves a valid
 * event out of time order.
 */
public enum BadKind {
  MALFORMED_JSON(Expected.DEAD_LETTER, "malformed_record", false),
  MISSING_EVENT_ID(Expected.DEAD_LETTER, "missing_field", false),
  EMPTY_EVENT_ID(Expected.DEAD_LETTER, "missing_field", true),
  MISSING_EVENT_TIME(Expected.DEAD_LETTER, "missing_field", false),
  ABSURD_TIMESTAMP_1970(Expected.DEAD_LETTER, "implausible_event_time", true),
  ABSURD_TIMESTAMP_2999(Expected.DEAD_LETTER, "implausible_event_time", true),
  BLOCKED_IDENTITY_ONLY(Expected.DEAD_LETTER, "no_usable_identity", true),
  EMPTY_IDENTITIES(Expected.DEAD_LETTER, "no_usable_identity", true),
  NAN_VALUE(Expected.DEAD_LETTER, "invalid_value", true),
  HUGE_VALUE(Expected.DEAD_LETTER, "invalid_value", true),
  BAD_SENTIMENT(Expected.DEAD_LETTER, "invalid_value", true),
  UNKNOWN_CHANNEL(Expected.ACCEPTED, null, false),
  UNKNOWN_EVENT_TYPE(Expected.ACCEPTED, null, false),
  EXACT_DUPLICATE(Expected.DUPLICATE, null, true),
  OUT_OF_ORDER(Expected.ACCEPTED, null, true);

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

  BadKind(Expected expected, String reasonCode, boolean avro) {
    this.expected = expected;
    this.reasonCode = reasonCode;
    this.avro = avro;
  }

  /** An accepted extra event whose channel or event type is spelled in a way the schema lacks. */
  boolean unknownEnum() {
    return this == UNKNOWN_CHANNEL || this == UNKNOWN_EVENT_TYPE;
  }
}
