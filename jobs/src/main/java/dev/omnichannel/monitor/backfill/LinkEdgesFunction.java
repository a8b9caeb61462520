package dev.omnichannel.monitor.backfill;

import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.identity.Fingerprint;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.util.Collector;

/**
 * A first link as an undirected edge between the node ids of its identities: (a, b) and (b, a),
 * each keyed by its first field. Stateless. A link whose identities share a node id (a collision)
 * gives no edge; its node is then a component of its own unless other edges reach it.
 */
public class LinkEdgesFunction implements FlatMapFunction<Link, Tuple2<Long, Long>> {
  private final Fingerprint fingerprint;

  public LinkEdgesFunction(Fingerprint fingerprint) {
    this.fingerprint = fingerprint;
  }

  @Override
  public void flatMap(Link link, Collector<Tuple2<Long, Long>> out) {
    long a = fingerprint.of(link.primary);
    long b = fingerprint.of(link.other);
    if (a != b) {
      out.collect(Tuple2.of(a, b));
      out.collect(Tuple2.of(b, a));
    }
  }
}
