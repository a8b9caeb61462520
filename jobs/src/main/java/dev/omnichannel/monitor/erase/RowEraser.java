package dev.omnichannel.monitor.erase;

import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.identity.IdentityKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;

/**
 * Decides, row by row, what erasing {@link ErasureTargets} does to a table's row: keep it, remove
 * it, or keep it with the erased identities taken out of it. Plain Java over the tables' Avro rows.
 *
 * <ul>
 *   <li>events: removed when its person id is erased; the event id is then an <em>erased event
 *       id</em>. An event of another person that carries an erased identity (a link that was
 *       rejected) keeps its row and loses that identity from its {@code identities} (redacted).
 *   <li>late_events: removed when it carries an erased identity or an erased event id; its event id
 *       becomes an erased event id.
 *   <li>journeys, journey_matches, friction, attribution, persons: removed when the person id is
 *       erased, or when the row names an erased event id (conversion, evidence, matched events).
 *   <li>identity_merges: removed when its old or new person id is erased, its linking event is
 *       erased, or one of its identity columns ({@code primary_identity}, {@code other_identity})
 *       holds an erased identity.
 *   <li>dead_letters: removed when its event id is erased or its payload holds an erased identity
 *       value as a whole token ({@link PayloadTokens}; email and phone as their HMAC, as the
 *       payload has them).
 *   <li>attribution_channel: aggregates without a person; kept.
 * </ul>
 *
 * <p>The erased event ids are collected from events and late_events, so those two tables go first
 * ({@link #ORDER}).
 */
public final class RowEraser {
  /** What happens to a row. */
  public enum Outcome {
    KEEP,
    REMOVE,
    /** Kept, with erased identities taken out (the row was changed in place). */
    REDACT
  }

  /** The order the tables must be erased in: events and late_events first, for the event ids. */
  public static final List<Table> ORDER =
      List.of(
          Table.EVENTS,
          Table.LATE_EVENTS,
          Table.JOURNEYS,
          Table.JOURNEY_MATCHES,
          Table.FRICTION,
          Table.ATTRIBUTION,
          Table.ATTRIBUTION_CHANNEL,
          Table.IDENTITY_MERGES,
          Table.PERSONS,
          Table.DEAD_LETTERS);

  private final Set<String> personIds;
  private final Set<String> identityKeys;
  private final List<String> values;
  private final Set<String> eventIds = new HashSet<>();

  public RowEraser(ErasureTargets targets) {
    // HashSets: contains(null) is false there (Set.copyOf would throw on a null column)
    this.personIds = new HashSet<>(targets.personIds());
    this.identityKeys = new HashSet<>(targets.identityKeys());
    Set<String> v = new java.util.TreeSet<>();
    for (IdentityKey k : targets.identities()) {
      v.add(k.value());
    }
    this.values = List.copyOf(v);
  }

  /** The erased event ids seen so far. */
  public Set<String> erasedEventIds() {
    return java.util.Collections.unmodifiableSet(eventIds);
  }

  /** What erasing does to {@code row} of {@code table}; a {@link Outcome#REDACT} changed it. */
  public Outcome apply(Table table, GenericRecord row) {
    return switch (table) {
      case EVENTS -> {
        if (personIds.contains(str(row, "person_id")) || eventIds.contains(str(row, "event_id"))) {
          eventIds.add(str(row, "event_id"));
          yield Outcome.REMOVE;
        }
        yield redactIdentities(row) ? Outcome.REDACT : Outcome.KEEP;
      }
      case LATE_EVENTS -> {
        if (eventIds.contains(str(row, "event_id")) || carriesErased(row)) {
          eventIds.add(str(row, "event_id"));
          yield Outcome.REMOVE;
        }
        yield Outcome.KEEP;
      }
      case JOURNEYS, ATTRIBUTION ->
          remove(
              personIds.contains(str(row, "person_id"))
                  || eventIds.contains(str(row, "conversion_event_id")));
      case JOURNEY_MATCHES ->
          remove(personIds.contains(str(row, "person_id")) || anyErased(row.get("event_ids")));
      case FRICTION ->
          remove(
              personIds.contains(str(row, "person_id"))
                  || anyErased(row.get("evidence_event_ids")));
      case PERSONS -> remove(personIds.contains(str(row, "person_id")));
      case IDENTITY_MERGES ->
          remove(
              personIds.contains(str(row, "old_person_id"))
                  || personIds.contains(str(row, "new_person_id"))
                  || eventIds.contains(str(row, "event_id"))
                  || identityKeys.contains(field(row, "primary_identity"))
                  || identityKeys.contains(field(row, "other_identity")));
      case DEAD_LETTERS ->
          remove(eventIds.contains(str(row, "event_id")) || payloadCarries(str(row, "payload")));
      case ATTRIBUTION_CHANNEL -> Outcome.KEEP;
    };
  }

  private static Outcome remove(boolean remove) {
    return remove ? Outcome.REMOVE : Outcome.KEEP;
  }

  private boolean payloadCarries(String payload) {
    if (payload == null) {
      return false;
    }
    for (String v : values) {
      if (PayloadTokens.contains(payload, v)) {
        return true;
      }
    }
    return false;
  }

  private boolean anyErased(Object list) {
    if (list instanceof Collection<?> c) {
      for (Object o : c) {
        if (o != null && eventIds.contains(o.toString())) {
          return true;
        }
      }
    }
    return false;
  }

  private boolean carriesErased(GenericRecord row) {
    for (Object o : identities(row)) {
      if (identityKeys.contains(key((GenericRecord) o))) {
        return true;
      }
    }
    return false;
  }

  /** Takes erased identities out of the row's {@code identities}; true when any was. */
  private boolean redactIdentities(GenericRecord row) {
    List<?> ids = identities(row);
    List<Object> kept = new ArrayList<>(ids.size());
    for (Object o : ids) {
      if (!identityKeys.contains(key((GenericRecord) o))) {
        kept.add(o);
      }
    }
    if (kept.size() == ids.size()) {
      return false;
    }
    row.put("identities", kept);
    return true;
  }

  private static List<?> identities(GenericRecord row) {
    Object o = row.get("identities");
    return o instanceof List<?> l ? l : List.of();
  }

  private static String key(GenericRecord identity) {
    return identity.get("namespace") + ":" + identity.get("value");
  }

  private static String str(GenericRecord row, String field) {
    Object o = row.get(field);
    return o == null ? null : o.toString();
  }

  /** A column that not every version of the table has: null when it is missing. */
  private static String field(GenericRecord row, String name) {
    Schema.Field f = row.getSchema().getField(name);
    if (f == null) {
      return null;
    }
    Object o = row.get(f.pos());
    return o == null ? null : o.toString();
  }
}
