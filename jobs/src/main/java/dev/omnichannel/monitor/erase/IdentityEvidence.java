package dev.omnichannel.monitor.erase;

import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.io.ParquetFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.avro.generic.GenericRecord;

/**
 * Interim: which person holds which identity, read from the Parquet output (events and
 * identity_merges). An event's highest-priority identity belongs to the event's person; its other
 * identities too, unless a link of that event was rejected. Merged person ids come from the
 * accepted identity_merges rows. To be replaced by the shared evidence class of {@code explain}.
 */
public final class IdentityEvidence {
  private final Map<IdentityKey, String> owner;
  private final Map<String, SortedSet<IdentityKey>> identities;
  private final Map<String, Set<String>> mergedInto;

  private IdentityEvidence(
      Map<IdentityKey, String> owner,
      Map<String, SortedSet<IdentityKey>> identities,
      Map<String, Set<String>> mergedInto) {
    this.owner = owner;
    this.identities = identities;
    this.mergedInto = mergedInto;
  }

  /** Loads the evidence of an output directory. */
  public static IdentityEvidence load(Path output) throws IOException {
    Set<String> rejectedEvents = new HashSet<>();
    Map<String, Set<String>> mergedInto = new HashMap<>();
    List<Path> merges = ParquetFiles.under(output.resolve(Table.IDENTITY_MERGES.tableName()));
    ParquetFiles.forEach(
        merges,
        r -> {
          boolean accepted = Boolean.TRUE.equals(r.get("accepted"));
          String eventId = str(r.get("event_id"));
          if (!accepted) {
            rejectedEvents.add(eventId);
          } else {
            mergedInto
                .computeIfAbsent(str(r.get("new_person_id")), k -> new HashSet<>())
                .add(str(r.get("old_person_id")));
          }
        });
    Map<IdentityKey, String> sure = new HashMap<>();
    Map<IdentityKey, String> likely = new HashMap<>();
    List<Path> events = ParquetFiles.under(output.resolve(Table.EVENTS.tableName()));
    ParquetFiles.forEach(
        events,
        r -> {
          String person = str(r.get("person_id"));
          List<IdentityKey> ids = new ArrayList<>();
          for (Object o : (List<?>) r.get("identities")) {
            GenericRecord id = (GenericRecord) o;
            ids.add(new IdentityKey(str(id.get("namespace")), str(id.get("value"))));
          }
          if (ids.isEmpty()) {
            return;
          }
          IdentityKey primary = Collections.min(ids);
          sure.putIfAbsent(primary, person);
          if (!rejectedEvents.contains(str(r.get("event_id")))) {
            for (IdentityKey k : ids) {
              likely.putIfAbsent(k, person);
            }
          }
        });
    Map<IdentityKey, String> owner = new HashMap<>(likely);
    owner.putAll(sure);
    Map<String, SortedSet<IdentityKey>> byPerson = new HashMap<>();
    owner.forEach((k, p) -> byPerson.computeIfAbsent(p, x -> new TreeSet<>()).add(k));
    return new IdentityEvidence(owner, byPerson, mergedInto);
  }

  /** The person of an identity, or empty when the output does not know it. */
  public Optional<String> personOf(IdentityKey identity) {
    String p = owner.get(identity);
    if (p == null) {
      return Optional.empty();
    }
    // the final person: follow accepted merges forward
    Map<String, String> forward = new HashMap<>();
    mergedInto.forEach((n, olds) -> olds.forEach(o -> forward.put(o, n)));
    Set<String> seen = new HashSet<>();
    while (forward.containsKey(p) && seen.add(p)) {
      p = forward.get(p);
    }
    return Optional.of(p);
  }

  /** Every identity of the person (and of the person ids merged into it). */
  public SortedSet<IdentityKey> identitiesOf(String personId) {
    SortedSet<IdentityKey> out = new TreeSet<>();
    for (String p : personIdsOf(personId)) {
      out.addAll(identities.getOrDefault(p, Collections.emptySortedSet()));
    }
    return out;
  }

  /** The person id and every earlier person id merged into it. */
  public Set<String> personIdsOf(String personId) {
    Set<String> out = new HashSet<>();
    Deque<String> todo = new ArrayDeque<>(List.of(personId));
    while (!todo.isEmpty()) {
      String p = todo.pop();
      if (out.add(p)) {
        todo.addAll(mergedInto.getOrDefault(p, Set.of()));
      }
    }
    return out;
  }

  private static String str(Object o) {
    return o == null ? null : o.toString();
  }
}
