package dev.omnichannel.monitor.backfill;

import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.identity.Fingerprint;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.util.Collector;

/**
 * A link as an undirected edge between the node ids of its identities: (a, b) and (b, a), each
 * keyed by its first field. A link whose identities share a node id (a collision) gives no edge;
 * its node is then a component of its own unless other edges reach it.
 *
 * <p>Most links repeat a pair already seen (a customer logging in with the same cookie again), and
 * a repeated edge changes no component. A small direct-mapped cache of recent pairs (4,096 entries,
 * about 32 KiB) drops most repeats here, before they cross an exchange; a repeat it misses is
 * harmless. No Flink state: the cache starts empty after a restart.
 */
public class LinkEdgesFunction implements FlatMapFunction<Link, Tuple2<Long, Long>> {
  private static final int CACHE = 1 << 12;

  private final Fingerprint fingerprint;
  private transient long[] recentA;
  private transient long[] recentB;

  public LinkEdgesFunction(Fingerprint fingerprint) {
    this.fingerprint = fingerprint;
  }

  @Override
  public void flatMap(Link link, Collector<Tuple2<Long, Long>> out) {
    long a = fingerprint.of(link.primary);
    long b = fingerprint.of(link.other);
    if (a == b) {
      return;
    }
    if (recentA == null) {
      recentA = new long[CACHE];
      recentB = new long[CACHE];
    }
    int slot = (int) ((a * 0x9E3779B97F4A7C15L + b) >>> 52) & (CACHE - 1);
    if (recentA[slot] == a && recentB[slot] == b) {
      return;
    }
    recentA[slot] = a;
    recentB[slot] = b;
    out.collect(Tuple2.of(a, b));
    out.collect(Tuple2.of(b, a));
  }
}
