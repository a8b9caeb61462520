package dev.omnichannel.monitor.explain;

import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.io.ParquetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.avro.generic.GenericRecord;

/**
 * Why identities are one person, from the Parquet output alone: the {@code identity_merges} rows.
 * An accepted row is a link that merged two persons (the person id {@code old_person_id} joined
 * {@code new_person_id} as of that link), so a person's identities are the two ends of every
 * accepted link in its merge tree (the rows whose {@code new_person_id} is the person or one of the
 * ids merged into it), and an identity's person is found by following {@code old_person_id →
 * new_person_id} from the first link it took part in. A person with one identity has no link: its
 * identity is the one its person id is derived from, found in its events. Plain Java; reads the
 * tables once (the {@code events} table only for a person without links).
 */
public final class IdentityEvidence {
  private static final Comparator<Link> ORDER =
      Comparator.comparingLong(Link::eventTime)
          .thenComparing(Link::eventId)
          .thenComparing(Link::primary)
          .thenComparing(Link::other);

  private final Path output;
  private final List<Link> accepted;
  private final List<Link> rejected;
  private final Map<String, String> mergedInto = new HashMap<>();
  private final Map<String, List<Link>> mergesInto = new HashMap<>();
  private final Map<IdentityKey, Link> firstLinkOf = new HashMap<>();
  private Set<String> knownPersons;

  /**
   * One identity_merges row.
   *
   * @param oldPerson old_person_id
   * @param newPerson new_person_id
   * @param primary the link's first identity (the event's highest-priority identity)
   * @param other the identity linked to it
   * @param reason the row's reason
   */
  public record Link(
      String eventId,
      long eventTime,
      String oldPerson,
      String newPerson,
      boolean accepted,
      IdentityKey primary,
      IdentityKey other,
      String reason) {}

  private IdentityEvidence(Path output, List<Link> accepted, List<Link> rejected) {
    this.output = output;
    this.accepted = accepted;
    this.rejected = rejected;
    for (Link l : accepted) {
      mergedInto.putIfAbsent(l.oldPerson(), l.newPerson());
      mergesInto.computeIfAbsent(l.newPerson(), k -> new ArrayList<>()).add(l);
      firstLinkOf.putIfAbsent(l.primary(), l);
      firstLinkOf.putIfAbsent(l.other(), l);
    }
  }

  /**
   * Reads the {@code identity_merges} table of an output directory (a missing table: no links).
   *
   * @throws IOException when a file cannot be read
   */
  public static IdentityEvidence load(Path output) throws IOException {
    List<Link> accepted = new ArrayList<>();
    List<Link> rejected = new ArrayList<>();
    Path dir = output.resolve("identity_merges");
    if (Files.isDirectory(dir)) {
      ParquetFiles.forEach(
          ParquetFiles.under(dir),
          r -> {
            Link l = link(r);
            (l.accepted() ? accepted : rejected).add(l);
          });
    }
    accepted.sort(ORDER);
    rejected.sort(ORDER);
    return new IdentityEvidence(output, accepted, rejected);
  }

  private static Link link(GenericRecord r) {
    String reason = str(r, "reason");
    String primary = str(r, "primary_identity");
    String other = str(r, "other_identity");
    if (primary == null || other == null) {
      // written before the identity columns: the reason holds "(<primary> x <other>)"
      int open = reason.indexOf('(');
      int x = reason.indexOf(" x ", open);
      int close = reason.indexOf(')', x);
      primary = reason.substring(open + 1, x);
      other = reason.substring(x + 3, close);
    }
    Object time = r.get("event_time");
    long millis =
        time instanceof java.time.Instant i ? i.toEpochMilli() : ((Number) time).longValue();
    return new Link(
        str(r, "event_id"),
        millis,
        str(r, "old_person_id"),
        str(r, "new_person_id"),
        (Boolean) r.get("accepted"),
        IdentityKey.parse(primary),
        IdentityKey.parse(other),
        reason);
  }

  private static String str(GenericRecord r, String field) {
    if (r.getSchema().getField(field) == null) {
      return null;
    }
    Object v = r.get(field);
    return v == null ? null : v.toString();
  }

  /** The person id a merged-away id ended in (the id itself when it was never merged away). */
  public String finalPerson(String personId) {
    String p = personId;
    Set<String> seen = new LinkedHashSet<>();
    while (mergedInto.containsKey(p) && seen.add(p)) {
      p = mergedInto.get(p);
    }
    return p;
  }

  /**
   * The final person of an identity, or empty when the output does not know it: an identity that
   * took part in an accepted link is in that link's (final) person; any other identity is its own
   * person when a row of that person exists.
   */
  public Optional<String> personOf(IdentityKey identity) throws IOException {
    Link first = firstLinkOf.get(identity);
    if (first != null) {
      return Optional.of(finalPerson(first.newPerson()));
    }
    String own = PersonIds.personId(identity);
    return knownPerson(own) ? Optional.of(finalPerson(own)) : Optional.empty();
  }

  /** The person id and every earlier id merged into it (stream rows may carry those). */
  public Set<String> personIdsOf(String personId) {
    Set<String> ids = new LinkedHashSet<>();
    Deque<String> todo = new ArrayDeque<>();
    todo.add(personId);
    while (!todo.isEmpty()) {
      String p = todo.poll();
      if (ids.add(p)) {
        for (Link l : mergesInto.getOrDefault(p, List.of())) {
          todo.add(l.oldPerson());
        }
      }
    }
    return ids;
  }

  /** The accepted links of the person's merge tree, in the order they were applied. */
  public List<Link> acceptedLinksOf(String personId) {
    List<Link> out = new ArrayList<>();
    for (String id : personIdsOf(personId)) {
      out.addAll(mergesInto.getOrDefault(id, List.of()));
    }
    out.sort(ORDER);
    return out;
  }

  /**
   * The rejected links on either side of the person (its events' links that a guard refused, and
   * other persons' links to its identities), in order.
   */
  public List<Link> rejectedLinksOf(String personId) {
    Set<String> ids = personIdsOf(personId);
    List<Link> out = new ArrayList<>();
    for (Link l : rejected) {
      if (ids.contains(l.oldPerson()) || ids.contains(l.newPerson())) {
        out.add(l);
      }
    }
    return out;
  }

  /**
   * Every identity of the person, canonical included, in priority order; empty when the output has
   * no such person.
   */
  public SortedSet<IdentityKey> identitiesOf(String personId) throws IOException {
    SortedSet<IdentityKey> ids = new TreeSet<>();
    for (Link l : acceptedLinksOf(personId)) {
      ids.add(l.primary());
      ids.add(l.other());
    }
    if (ids.isEmpty()) {
      IdentityKey own = ownIdentity(personId, rejectedLinksOf(personId));
      if (own != null) {
        ids.add(own);
      }
    }
    return ids;
  }

  /** The first accepted link the identity took part in, if any. */
  public Optional<Link> firstLinkOf(IdentityKey identity) {
    return Optional.ofNullable(firstLinkOf.get(identity));
  }

  /** Every identity_merges row read (accepted, then rejected), for tools. */
  public int rowCount() {
    return accepted.size() + rejected.size();
  }

  /**
   * The latest {@code persons} row of the person (latest last_seen, then updated_at), or empty.
   *
   * @throws IOException when a file cannot be read
   */
  public Optional<PersonRow> profile(String personId) throws IOException {
    Path dir = output.resolve("persons");
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    PersonRow best = null;
    for (PersonRow r : ParquetFiles.readAll(ParquetFiles.under(dir), PersonRow.class)) {
      if (!r.getPersonId().toString().equals(personId)) {
        continue;
      }
      if (best == null
          || r.getLastSeen().isAfter(best.getLastSeen())
          || (r.getLastSeen().equals(best.getLastSeen())
              && r.getUpdatedAt().isAfter(best.getUpdatedAt()))) {
        best = r;
      }
    }
    return Optional.ofNullable(best);
  }

  /** The identity a person without links is derived from, from its rejected links or events. */
  private IdentityKey ownIdentity(String personId, Collection<Link> rejectedLinks)
      throws IOException {
    for (Link l : rejectedLinks) {
      for (IdentityKey k : List.of(l.primary(), l.other())) {
        if (PersonIds.personId(k).equals(personId)) {
          return k;
        }
      }
    }
    Path dir = output.resolve("events");
    if (!Files.isDirectory(dir)) {
      return null;
    }
    IdentityKey[] found = new IdentityKey[1];
    ParquetFiles.forEach(
        ParquetFiles.under(dir),
        EventRow.getClassSchema(),
        List.of("person_id", "identities"),
        r -> {
          if (found[0] == null && personId.equals(String.valueOf(r.get("person_id")))) {
            for (Object o : (Collection<?>) r.get("identities")) {
              GenericRecord id = (GenericRecord) o;
              IdentityKey k =
                  new IdentityKey(id.get("namespace").toString(), id.get("value").toString());
              if (PersonIds.personId(k).equals(personId)) {
                found[0] = k;
              }
            }
          }
        });
    return found[0];
  }

  private boolean knownPerson(String personId) throws IOException {
    if (knownPersons == null) {
      knownPersons = new java.util.HashSet<>();
      for (Link l : rejected) {
        knownPersons.add(l.oldPerson());
        knownPersons.add(l.newPerson());
      }
      Path dir = output.resolve("persons");
      if (Files.isDirectory(dir)) {
        ParquetFiles.forEach(
            ParquetFiles.under(dir),
            PersonRow.getClassSchema(),
            List.of("person_id"),
            r -> knownPersons.add(r.get("person_id").toString()));
      }
    }
    if (knownPersons.contains(personId)) {
      return true;
    }
    return !Files.isDirectory(output.resolve("persons"))
        && ownIdentity(personId, List.of()) != null;
  }
}
