package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import java.io.Serializable;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Turns the first occurrence of every identity pair into persons: the part of identity stitching
 * that differs between the modes (a backfill resolves with full knowledge and in parallel; stream
 * mode resolves live). The shared dataflow filters the links before and handles the repeats after
 * (see {@link Flow}).
 */
public interface IdentityResolver extends Serializable {
  /**
   * Wires the resolver.
   *
   * @param firstLinks the first occurrence of each identity pair, in any order; each carries the
   *     event-time timestamp of its link
   * @param limits the namespace limits
   */
  Resolved resolve(DataStream<Link> firstLinks, Map<String, Integer> limits);

  /**
   * What a resolver gives.
   *
   * @param updates one update per identity whose person differs from its own person id (an identity
   *     never updated is its own person); a backfill sends final persons at time {@link
   *     Long#MIN_VALUE}, stream mode sends each change at the linking event's time
   * @param merges identity_merges rows for the first occurrences: rejected links, and in stream
   *     mode the accepted merges
   * @param decisions one decision per pair, for its repeats
   */
  record Resolved(
      DataStream<PersonUpdate> updates,
      DataStream<IdentityMergeRow> merges,
      DataStream<PairDecision> decisions) {}
}
