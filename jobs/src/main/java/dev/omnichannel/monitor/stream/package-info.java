/**
 * Stream mode: the shared dataflow ({@link dev.omnichannel.monitor.flow.Flow}) on an unbounded
 * Kafka input, in event time, with live identity stitching, exactly-once Parquet, real-time alerts
 * and a run summary kept at every checkpoint. This package supplies only what differs from a
 * backfill: the source and its watermarks ({@link StreamRunner}, {@link StreamPipeline}), the
 * event-time {@link dev.omnichannel.monitor.flow.Timing}, the live identity resolver ({@link
 * LiveResolver}), and the counting and summary operators.
 *
 * <h2>Live identity stitching: the merge protocol</h2>
 *
 * <ol>
 *   <li><b>Links.</b> Every accepted event with two or more identities gives one {@link
 *       dev.omnichannel.monitor.flow.Link} per other identity, joined to its primary identity.
 *   <li><b>First occurrences, in parallel.</b> {@link PairFilterFunction} is keyed by the identity
 *       pair: when the watermark passes a link it decides whether it is the pair's first occurrence
 *       (the smallest (time, event id)). Only first occurrences go on: a repeat of a pair cannot
 *       change the graph (an accepted pair is one person from then on; a rejected pair can never be
 *       joined later, because its merged person would exceed the same namespace limit, or break the
 *       same never_link rule, and persons only grow). On the generated data 26% of links and 12% of
 *       events reach the next step, and the share falls as customers come back.
 *   <li><b>The graph, in one task.</b> {@link LiveIdentityFunction} applies the first occurrences
 *       in DESIGN's global order (event time, event id, then the other identity) when the watermark
 *       passes them, with exactly the backfill's union-find and guards (never_link rules, then
 *       namespace limits; {@link dev.omnichannel.monitor.identity.LiveGraph}). Exact results under
 *       that global order need one place that sees the order; Flink 2.x has no iterations through
 *       which parallel tasks could agree on it. Its state is map entries per identity and per
 *       person (parent, next member, and a root record with the person's size, namespace counts and
 *       canonical identity), so a checkpoint on RocksDB writes only what changed; no value holds
 *       the graph.
 *   <li><b>Persons.</b> Each merge sends a {@link dev.omnichannel.monitor.flow.PersonUpdate} (at
 *       the linking event's time) for every identity whose person id changes: the side whose
 *       canonical identity loses. {@link dev.omnichannel.monitor.flow.AssignPersonFunction}, keyed
 *       by identity, holds each event until the watermark passes {@code event_time + stitch delay +
 *       allowed lateness}, then gives it the person its primary identity has then.
 *   <li><b>Rows.</b> Every accepted merge and every rejected first occurrence is an {@code
 *       identity_merges} row from the graph; {@link PairOutcomeFunction}, keyed by pair, writes the
 *       rows of the repeats of rejected pairs from the graph's decision (with the persons of the
 *       first rejection).
 * </ol>
 *
 * <p><b>Final and eventual.</b> An event's person id is final when it is written: it is the best
 * knowledge after the stitch delay. Merges that happen later are eventual: they are written as
 * {@code identity_merges} rows (old → new), and the old person's already-written events, journeys
 * and patterns stay under the old id; applying the merges transitively maps them to the person a
 * backfill gives, and a scheduled backfill ({@code --replay-days}) re-stitches them. Stream output
 * equals the backfill's when every merge comes within the stitch delay of the events it joins
 * (always true for a bounded replay with a stitch delay longer than the data).
 *
 * <p><b>Cost per event.</b> Every event crosses the three keyed exchanges of the shared flow (event
 * id, primary identity, person). An event with k+1 identities also sends k small link records to
 * the pair filter; only first occurrences (a map-entry write each) reach the graph task, where a
 * link costs a few map reads (find with path compression) and, for a merge, one update per identity
 * of the losing side.
 *
 * <p><b>Super-nodes.</b> A very large component (an identity shared by many people that is not on
 * the blocked list) costs, in the graph task: one map entry per identity; namespace limits stop it
 * from growing past the limits (default: 1 customer_id, 3 emails, 10 devices, 50 cookies ...), so
 * every further link to it is a rejection (a row, no merge); and a merge updates at most the
 * identities of the losing side, which the limits bound too. Only namespaces without a limit
 * ({@code --namespace-limit}) can make a person grow without bound; give every namespace you use a
 * limit, or list the shared value with {@code --blocked-identity-value}.
 *
 * <p><b>Retention.</b> The graph, the pair filter's first-occurrence flags and the rejected pairs'
 * decisions are kept for the life of the job (an expired graph entry would silently un-stitch a
 * person), and so are the persons' profiles and each identity's count of rejected pairs (an expired
 * profile would start a returning person's lifetime counts again from zero; one small entry per
 * person); de-duplication ids expire after {@code --dedup-ttl}; every other state is cleared as
 * events are released, journeys close and matches complete.
 */
package dev.omnichannel.monitor.stream;
