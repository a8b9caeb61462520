package dev.omnichannel.monitor.io;

import java.util.Locale;

/**
 * Why a record became a dead letter. The {@code reason} column holds {@link #code()}, then ": " and
 * a detail naming the field or value, e.g. {@code missing_field: event_id}.
 */
public enum DeadLetterReason {
  /** Not a JSON object, invalid UTF-8, or undecodable Avro. */
  MALFORMED_RECORD,
  /** A required field (event_id, event_time, identities) is absent, null or empty. */
  MISSING_FIELD,
  /** A field has the wrong type or cannot be parsed (e.g. event_time "yesterday"). */
  INVALID_FIELD,
  /** event_time outside the plausible range. */
  IMPLAUSIBLE_EVENT_TIME,
  /** No identity left after removing empty and placeholder values. */
  NO_USABLE_IDENTITY,
  /** value or sentiment is NaN, infinite, or out of range. */
  INVALID_VALUE,
  /** The record is larger than the 1 MiB limit. */
  RECORD_TOO_LARGE,
  /**
   * A row of a legacy export that does not fit its {@code --mapping}: the detail names the column
   * and the value, e.g. {@code mapping: column csat value "ten": not a number (sentiment)}.
   */
  MAPPING,
  /**
   * With a schema registry: the Kafka value is not in the registry wire format (magic byte 0, a
   * 4-byte schema id, the datum).
   */
  REGISTRY_BAD_FRAME,
  /** With a schema registry: the registry has no schema of the value's schema id. */
  REGISTRY_UNKNOWN_SCHEMA_ID,
  /**
   * With a schema registry: the value's writer schema is not Avro, or cannot be resolved to the
   * current ChannelEvent schema.
   */
  REGISTRY_INCOMPATIBLE_SCHEMA;

  /** The lower-case code written to the reason column. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** {@code code + ": " + detail}. */
  public String with(String detail) {
    return code() + ": " + detail;
  }

  /** The code part of a reason string. */
  public static String codeOf(String reason) {
    int i = reason.indexOf(':');
    return i < 0 ? reason : reason.substring(0, i);
  }
}
