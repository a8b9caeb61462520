package dev.omnichannel.monitor.erase;

import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.IdentitySpec;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One erasure request: its id, the person ids it names and the identities it names (email and phone
 * already pseudonymised, as in the tables). Raw values never leave {@link #resolve}.
 *
 * @param requestId names the receipt {@code _erasures/<request_id>.json}
 * @param persons person ids as in the tables ({@code p-} and 16 hex characters)
 * @param identities identity keys, pseudonymised where the contract says so
 */
public record ErasureRequest(
    String requestId, SortedSet<String> persons, SortedSet<IdentityKey> identities) {

  private static final Pattern REQUEST_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  public ErasureRequest {
    persons = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(persons));
    identities = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(identities));
  }

  /**
   * A request as written (on the command line or in a requests file), its identities still raw.
   *
   * @param requestId the given id, or null to derive one ({@link #derivedId})
   * @param persons person ids
   * @param identities {@code NAMESPACE=VALUE} specs, checked by {@link #checkIdentity}
   * @param where where it was written, for messages ("--identity", "requests.jsonl line 3")
   */
  public record Draft(
      String requestId, List<String> persons, List<String> identities, String where) {
    public Draft {
      persons = List.copyOf(persons);
      identities = List.copyOf(identities);
    }

    /** True when an identity is an email or phone, which needs the HMAC key. */
    public boolean needsKey() {
      for (String spec : identities) {
        if (IdentitySpec.needsKey(spec)) {
          return true;
        }
      }
      return false;
    }

    /**
     * The request, identities pseudonymised with {@code pseudonymiser} (null when {@link #needsKey}
     * is false).
     */
    public ErasureRequest resolve(Pseudonymiser pseudonymiser) {
      SortedSet<IdentityKey> keys = new TreeSet<>();
      for (String spec : identities) {
        keys.add(identity(spec, pseudonymiser));
      }
      SortedSet<String> ps = new TreeSet<>(persons);
      String id = requestId != null ? requestId : derivedId(ps, keys);
      return new ErasureRequest(id, ps, keys);
    }
  }

  /**
   * Checks a {@code NAMESPACE=VALUE} identity: a namespace without ':' and a usable value (not
   * empty, not a blocked placeholder such as "unknown" or "0", which is never an identity).
   *
   * @throws IllegalArgumentException naming the spec
   */
  public static void checkIdentity(String spec) {
    IdentitySpec.check(spec);
  }

  /** Checks a person id: {@code p-} and 16 lower-case hex characters. */
  public static void checkPerson(String personId) {
    if (!PersonIds.isPersonId(personId)) {
      throw new IllegalArgumentException(
          quote(personId) + " is not a person id (p- and 16 hex characters, as in the tables)");
    }
  }

  /**
   * Checks a request id: letters, digits, '.', '_' and '-', starting with a letter or digit, at
   * most 128 characters (it names a file).
   */
  public static void checkRequestId(String requestId) {
    if (!REQUEST_ID.matcher(requestId).matches()) {
      throw new IllegalArgumentException(
          quote(requestId)
              + " is not a request id (letters, digits, '.', '_', '-', starting with a letter or"
              + " digit, at most 128)");
    }
  }

  /** The identity key of {@code spec}, as the tables hold it ({@link IdentitySpec#parse}). */
  static IdentityKey identity(String spec, Pseudonymiser pseudonymiser) {
    return IdentitySpec.parse(spec, pseudonymiser);
  }

  /**
   * The id of a request given without one: {@code erase-} and the first 16 hex characters of
   * SHA-256 over its sorted targets ({@code person:<id>} and {@code identity:<namespace:value>}
   * lines, pseudonymised values), so the same request always gets the same id.
   */
  public static String derivedId(SortedSet<String> persons, SortedSet<IdentityKey> identities) {
    List<String> lines = new ArrayList<>();
    persons.forEach(p -> lines.add("person:" + p));
    identities.forEach(k -> lines.add("identity:" + k));
    java.util.Collections.sort(lines);
    try {
      byte[] d =
          MessageDigest.getInstance("SHA-256")
              .digest(String.join("\n", lines).getBytes(StandardCharsets.UTF_8));
      return "erase-" + HexFormat.of().formatHex(d, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static String quote(String s) {
    return "'" + s + "'";
  }
}
