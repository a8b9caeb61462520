package dev.omnichannel.monitor.identity;

import java.util.Arrays;

/**
 * 64-bit node ids of identities for the parallel component computation ({@link ComponentSteps}).
 *
 * <p>A node id is {@code rank << 61 | hash61}: the top 3 bits are the namespace rank ({@link
 * Namespaces#rank}: 0 = customer_id ... 6 = cookie_id, 7 = any other namespace) and the low 61 bits
 * a hash of the whole {@code namespace:value} key. Node ids are compared <b>unsigned</b> ({@link
 * #compare}), so the minimum of a component is one of its highest-priority identities. The
 * component steps converge towards each component's minimum; the usual identity-graph star (a
 * customer id with its emails, devices and cookies, every link having the customer id as primary)
 * therefore is a converged star from the start.
 *
 * <p>Collisions only coarsen the grouping: see {@link Fingerprint}. With 61 hash bits they are rare
 * (about n²/2⁶² pairs for n identities of one rank), and harmless.
 */
public final class Fingerprints {
  /** The job's fingerprint function. */
  public static final Fingerprint DEFAULT = Fingerprints::of;

  private static final long HASH_MASK = (1L << 61) - 1;

  private Fingerprints() {}

  /** The node id of a {@code namespace:value} key. */
  public static long of(String identity) {
    int colon = identity.indexOf(':');
    String namespace = colon < 0 ? identity : identity.substring(0, colon);
    return withRank(Namespaces.rank(namespace), hash64(identity));
  }

  /** {@code rank << 61} with the low 61 bits of {@code hash}. */
  public static long withRank(int rank, long hash) {
    if (rank < 0 || rank > 7) {
      throw new IllegalArgumentException("rank must be in 0..7: " + rank);
    }
    return ((long) rank << 61) | (hash & HASH_MASK);
  }

  /** The namespace rank held in the top 3 bits. */
  public static int rank(long nodeId) {
    return (int) (nodeId >>> 61);
  }

  /** Compares node ids: unsigned, so rank 0 (customer_id) is the smallest. */
  public static int compare(long a, long b) {
    return Long.compareUnsigned(a, b);
  }

  /** The smaller of two node ids, unsigned. */
  public static long min(long a, long b) {
    return Long.compareUnsigned(a, b) <= 0 ? a : b;
  }

  /** Sorts {@code ids[0..n)} in unsigned order. */
  public static void sortUnsigned(long[] ids, int n) {
    for (int i = 0; i < n; i++) {
      ids[i] ^= Long.MIN_VALUE;
    }
    Arrays.sort(ids, 0, n);
    for (int i = 0; i < n; i++) {
      ids[i] ^= Long.MIN_VALUE;
    }
  }

  /**
   * A 64-bit hash of the UTF-16 code units of {@code s}: FNV-1a over the chars, then the SplitMix64
   * finaliser so every bit depends on every char.
   */
  static long hash64(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= s.length();
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }
}
