package dev.omnichannel.monitor.erase;

import dev.omnichannel.monitor.explain.IdentityEvidence;
import dev.omnichannel.monitor.identity.IdentityKey;
import java.io.IOException;
import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Who one request erases, resolved against what the output knows ({@link IdentityEvidence}).
 *
 * @param persons the persons erased: the person ids named, and the persons of the identities named
 * @param personIds those, with every earlier person id merged into them (rows may carry those)
 * @param identities every identity of those persons, and every identity named (also one that no
 *     person holds: it is suppressed all the same)
 * @param unknownIdentities identities named that no person of the output holds
 * @param unknownPersons person ids named of which the output knows no identity
 */
public record ErasureTargets(
    SortedSet<String> persons,
    SortedSet<String> personIds,
    SortedSet<IdentityKey> identities,
    int unknownIdentities,
    int unknownPersons) {

  public ErasureTargets {
    persons = Collections.unmodifiableSortedSet(new TreeSet<>(persons));
    personIds = Collections.unmodifiableSortedSet(new TreeSet<>(personIds));
    identities = Collections.unmodifiableSortedSet(new TreeSet<>(identities));
  }

  /** Resolves {@code request} with {@code evidence}. */
  public static ErasureTargets resolve(ErasureRequest request, IdentityEvidence evidence)
      throws IOException {
    SortedSet<String> persons = new TreeSet<>(request.persons());
    SortedSet<IdentityKey> identities = new TreeSet<>(request.identities());
    int unknownIdentities = 0;
    for (IdentityKey k : request.identities()) {
      var p = evidence.personOf(k);
      if (p.isPresent()) {
        persons.add(p.get());
      } else {
        unknownIdentities++;
      }
    }
    int unknownPersons = 0;
    SortedSet<String> personIds = new TreeSet<>();
    for (String p : persons) {
      personIds.addAll(evidence.personIdsOf(p));
      SortedSet<IdentityKey> own = evidence.identitiesOf(p);
      if (own.isEmpty() && request.persons().contains(p)) {
        unknownPersons++;
      }
      identities.addAll(own);
    }
    return new ErasureTargets(persons, personIds, identities, unknownIdentities, unknownPersons);
  }

  /** True when there is nothing to look for: no person and no identity. */
  public boolean isEmpty() {
    return personIds.isEmpty() && identities.isEmpty();
  }

  /** The number of identities per namespace (no values), sorted by namespace. */
  public Map<String, Integer> identitiesPerNamespace() {
    Map<String, Integer> m = new TreeMap<>();
    for (IdentityKey k : identities) {
      m.merge(k.namespace(), 1, Integer::sum);
    }
    return m;
  }

  /** The identities as {@code namespace:value} keys, for the suppression list. */
  public Set<String> identityKeys() {
    Set<String> out = new TreeSet<>();
    identities.forEach(k -> out.add(k.toString()));
    return out;
  }
}
