package dev.omnichannel.monitor.event;

/**
 * Fixed-length (long) keys for the keyed exchanges. In BATCH execution Flink sorts every keyed
 * input; a {@code long} key is sorted on normalized bytes, a {@code String} key by comparing
 * serialized records, which cost about as much as the exchange itself. A hashed key can collide, so
 * every operator keyed by {@link #of} keeps its state per real key (a map entry per event id or
 * identity) and stays exact; a collision only puts two keys in one group.
 */
public final class Keys {
  private Keys() {}

  /** A 64-bit hash of {@code s} (FNV-1a over the chars, then a 64-bit finaliser). */
  public static long of(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0, n = s.length(); i < n; i++) {
      h ^= s.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
