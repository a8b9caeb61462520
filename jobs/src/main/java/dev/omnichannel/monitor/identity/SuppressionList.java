package dev.omnichannel.monitor.identity;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The identities of erased persons, which later and replayed runs must drop. The file (by default
 * {@code <output>/_erasures/suppressed-identities.txt}) holds one line per identity: the lower-case
 * hex SHA-256 of the UTF-8 identity key {@code namespace:value} (email and phone already
 * pseudonymised), so not even the pseudonymised identity is kept; lines starting with {@code #} and
 * blank lines are ignored. It only grows: {@link #add} merges, sorts and replaces the file
 * atomically. Plain Java; immutable once loaded.
 */
public final class SuppressionList implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The file name under {@code <output>/_erasures/}. */
  public static final String FILE_NAME = "suppressed-identities.txt";

  /** The empty list: nothing erased. */
  public static final SuppressionList EMPTY = new SuppressionList(Set.of());

  private final Set<String> hashes;

  /**
   * The first 8 bytes of each hash, sorted: the per-event lookup ({@link #listed}) digests into a
   * reused buffer and searches these, so an event of a person not on the list costs one digest and
   * no hex string; only a prefix hit is confirmed against {@link #hashes}.
   */
  private final long[] prefixes;

  private SuppressionList(Set<String> hashes) {
    this.hashes = hashes;
    long[] p = new long[hashes.size()];
    int i = 0;
    for (String h : hashes) {
      p[i++] = Long.parseUnsignedLong(h.substring(0, 16), 16);
    }
    java.util.Arrays.sort(p);
    this.prefixes = p;
  }

  /** Whether {@code key} ({@code namespace:value}) is listed: see {@link #prefixes}. */
  private boolean listed(String key) {
    byte[] d = DIGEST_BUFFER.get();
    MessageDigest md = SHA256.get();
    md.update(key.getBytes(StandardCharsets.UTF_8));
    try {
      md.digest(d, 0, d.length);
    } catch (java.security.DigestException e) {
      throw new IllegalStateException(e);
    }
    long prefix = 0;
    for (int i = 0; i < 8; i++) {
      prefix = (prefix << 8) | (d[i] & 0xff);
    }
    return java.util.Arrays.binarySearch(prefixes, prefix) >= 0
        && hashes.contains(HexFormat.of().formatHex(d));
  }

  /** {@code <output>/_erasures/suppressed-identities.txt}. */
  public static Path defaultPath(Path output) {
    return output.resolve("_erasures").resolve(FILE_NAME);
  }

  /**
   * Reads a suppression list; a missing file is the empty list.
   *
   * @throws IllegalArgumentException naming the file and line when a line is not 64 hex characters
   * @throws UncheckedIOException when the file exists but cannot be read
   */
  public static SuppressionList load(Path file) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      return EMPTY;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read suppression list " + file + ": " + e, e);
    }
    return parse(file.toString(), lines);
  }

  /**
   * The suppression list in {@code lines}, read from {@code file} (a path or URI, for messages).
   *
   * @throws IllegalArgumentException naming the file and line when a line is not 64 hex characters
   */
  public static SuppressionList parse(String file, List<String> lines) {
    Set<String> hashes = new HashSet<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      if (!isHash(line)) {
        throw new IllegalArgumentException(
            "suppression list "
                + file
                + " line "
                + (i + 1)
                + ": expected 64 lower-case hex characters (SHA-256 of namespace:value), got '"
                + (line.length() > 80 ? line.substring(0, 80) + "..." : line)
                + "'");
      }
      hashes.add(line);
    }
    return hashes.isEmpty() ? EMPTY : new SuppressionList(Set.copyOf(hashes));
  }

  /** A list holding exactly {@code identityKeys} ({@code namespace:value} each). */
  public static SuppressionList of(Collection<String> identityKeys) {
    Set<String> hashes = new HashSet<>();
    for (String k : identityKeys) {
      hashes.add(hash(k));
    }
    return hashes.isEmpty() ? EMPTY : new SuppressionList(Set.copyOf(hashes));
  }

  /**
   * Adds identities to the list in {@code file}, creating it (and its folder) when missing. The
   * file is rewritten sorted and replaced atomically, so a reader sees the old or the new list.
   *
   * @param identityKeys {@code namespace:value} keys
   * @return how many of them were not on the list yet
   */
  public static int add(Path file, Collection<String> identityKeys) throws IOException {
    Set<String> all = new TreeSet<>(load(file).hashes);
    int added = 0;
    for (String k : identityKeys) {
      if (all.add(hash(k))) {
        added++;
      }
    }
    if (added == 0 && Files.exists(file)) {
      return 0;
    }
    Files.createDirectories(file.toAbsolutePath().getParent());
    List<String> lines = new ArrayList<>(all.size() + 1);
    lines.add(
        "# SHA-256 of namespace:value of each erased identity; written by erase, one per line");
    lines.addAll(all);
    Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
    Files.write(tmp, lines, StandardCharsets.UTF_8);
    try {
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return added;
  }

  /** Lower-case hex SHA-256 of the UTF-8 bytes of {@code identityKey}. */
  public static String hash(String identityKey) {
    byte[] digest = SHA256.get().digest(identityKey.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest);
  }

  /** A list of already hashed identities (64 lower-case hex characters each). */
  public static SuppressionList ofHashes(Collection<String> hashes) {
    for (String h : hashes) {
      if (!isHash(h)) {
        throw new IllegalArgumentException("not a SHA-256 hex hash: '" + h + "'");
      }
    }
    return hashes.isEmpty() ? EMPTY : new SuppressionList(Set.copyOf(hashes));
  }

  /** The hashes on the list, sorted. */
  public java.util.SortedSet<String> hashes() {
    return new TreeSet<>(hashes);
  }

  /** The identities of this list and of {@code other} (lists only grow). */
  public SuppressionList union(SuppressionList other) {
    if (other.hashes.isEmpty() || hashes.containsAll(other.hashes)) {
      return this;
    }
    if (hashes.isEmpty()) {
      return other;
    }
    Set<String> all = new HashSet<>(hashes);
    all.addAll(other.hashes);
    return new SuppressionList(Set.copyOf(all));
  }

  /**
   * The keys ({@code Event#personKey}) of the persons whose id derives from a suppressed identity:
   * a person id is {@code "p-"} plus the first 16 hex characters of the SHA-256 of its canonical
   * identity, which is exactly the start of that identity's hash on this list. Erasing a person
   * puts all of its identities on the list, its canonical one among them, so its person key is in
   * this set.
   */
  public java.util.Set<Long> personKeys() {
    Set<Long> keys = new HashSet<>();
    for (String h : hashes) {
      keys.add(Long.parseUnsignedLong(h.substring(0, 16), 16));
    }
    return keys;
  }

  /** True when nothing is suppressed (callers skip hashing then). */
  public boolean isEmpty() {
    return hashes.isEmpty();
  }

  /** Number of suppressed identities. */
  public int size() {
    return hashes.size();
  }

  /** True when the identity key {@code namespace:value} is suppressed. */
  public boolean contains(String identityKey) {
    return !hashes.isEmpty() && listed(identityKey);
  }

  /** True when any of the identity keys is suppressed. */
  public boolean containsAny(String[] identityKeys) {
    if (hashes.isEmpty()) {
      return false;
    }
    for (String k : identityKeys) {
      if (listed(k)) {
        return true;
      }
    }
    return false;
  }

  /** Longest token {@link #carriedBy} looks up; identity values are shorter. */
  static final int MAX_TOKEN = 256;

  /**
   * True when {@code text} (a dead letter's redacted payload: email and phone already replaced by
   * their HMAC) holds a suppressed identity of a standard namespace as a whole token: a maximal run
   * of letters, digits and {@code - _ . @ + %} (the characters of identity values, as {@code erase}
   * matches them) that is suppressed as {@code namespace:token} for one of the namespaces of {@link
   * Namespaces#PRIORITY}. Values of other namespaces, or holding other characters, are not found.
   * Costs one hash per token and namespace: for dead letters only, and only with a non-empty list.
   */
  public boolean carriedBy(String text) {
    if (hashes.isEmpty() || text == null) {
      return false;
    }
    int n = text.length();
    int i = 0;
    while (i < n) {
      while (i < n && !valueChar(text.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && valueChar(text.charAt(i))) {
        i++;
      }
      if (i > start && i - start <= MAX_TOKEN) {
        String token = text.substring(start, i);
        for (String ns : Namespaces.PRIORITY) {
          if (listed(ns + ":" + token)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /**
   * Whether {@code c} continues an identity value (letters, digits and {@code - _ . @ + %}): the
   * token rule of {@link #carriedBy}, and of {@code erase}'s payload matching.
   */
  public static boolean valueChar(char c) {
    return Character.isLetterOrDigit(c)
        || c == '-'
        || c == '_'
        || c == '.'
        || c == '@'
        || c == '+'
        || c == '%';
  }

  private static boolean isHash(String s) {
    if (s.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static final ThreadLocal<byte[]> DIGEST_BUFFER =
      ThreadLocal.withInitial(() -> new byte[32]);

  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
          });
}
