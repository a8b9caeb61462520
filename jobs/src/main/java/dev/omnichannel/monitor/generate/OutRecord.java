package dev.omnichannel.monitor.generate;

/**
 * One record as it is written: a valid event, or a planted bad record derived from one. Records
 * attached to the same event form a singly linked list ({@link #next}) kept in insertion order.
 */
final class OutRecord {
  final GenEvent ev;
  final BadKind kind;

  /** The event id written instead of {@code ev.id}; null to keep it. */
  final String freshId;

  long altTime;
  Ident[] altIds;
  double cut;

  /** Seed of the bytes of a {@link BadKind#RANDOM_BYTES} or {@link BadKind#WRONG_SCHEMA} record. */
  long salt;

  OutRecord next;

  OutRecord(GenEvent ev, BadKind kind, String freshId) {
    this.ev = ev;
    this.kind = kind;
    this.freshId = freshId;
  }

  String id() {
    return freshId != null ? freshId : ev.id;
  }

  /** The event id the ground truth reports: null when the record has none that is usable. */
  String reportedId() {
    if (kind == BadKind.MALFORMED_JSON
        || kind == BadKind.MISSING_EVENT_ID
        || kind == BadKind.EMPTY_EVENT_ID
        || (kind != null && kind.kafkaOnly())) {
      return null;
    }
    return id();
  }
}
