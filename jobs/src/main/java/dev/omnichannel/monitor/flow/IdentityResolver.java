package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.identity.NeverLinkRules;
import dev.omnichannel.monitor.profile.PersonProfile;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Turns identity links into persons: the part of identity stitching that differs between the modes.
 * A backfill resolves with full knowledge and in parallel (connected components, then an ordered
 * replay per component); stream mode resolves live, in one task fed only the links that can change
 * the graph. Both follow DESIGN's global link order and guards, so they give the same persons and
 * rejected links.
 */
public interface IdentityResolver extends Serializable {
  /** Wires the resolver without never_link rules. */
  default Resolved resolve(
      DataStream<Link> links, DataStream<Link> early, Map<String, Integer> limits) {
    return resolve(links, early, limits, NeverLinkRules.NONE);
  }

  /**
   * Wires the resolver.
   *
   * @param links every link occurrence of the accepted events, in any order; in stream mode each
   *     carries its event-time timestamp
   * @param early the links of every decoded record, before de-duplication: a superset of {@code
   *     links} that is ready earlier (a resolver may use it where extra links cannot change the
   *     result, as for grouping identities into components)
   * @param limits the namespace limits
   * @param neverLink the never_link rules (checked before the limits)
   */
  Resolved resolve(
      DataStream<Link> links,
      DataStream<Link> early,
      Map<String, Integer> limits,
      NeverLinkRules neverLink);

  /**
   * What a resolver gives.
   *
   * @param updates one update per identity whose person differs from its own person id (an identity
   *     never updated is its own person); a backfill sends final persons at time {@link
   *     Long#MIN_VALUE}, stream mode sends each change at the linking event's time
   * @param merges identity_merges rows: every rejected link occurrence, and in stream mode every
   *     accepted merge (one stream per operator that writes them)
   * @param identities profile deltas ({@link dev.omnichannel.monitor.flow.Tags#PERSON_IDENTITIES})
   *     that add up, per final person, to its identities per namespace other than its canonical
   *     identity, and to the distinct rejected identity pairs whose primary identity is in it; in
   *     stream mode each at the linking event's time
   */
  record Resolved(
      DataStream<PersonUpdate> updates,
      List<DataStream<IdentityMergeRow>> merges,
      DataStream<PersonProfile> identities) {}
}
