/**
 * Stream mode: the same rules as the backfill, on an unbounded Kafka input, in event time.
 *
 * <h2>Dataflow</h2>
 *
 * <pre>
 *  Kafka ─► decode ─► watermarks ─► late filter ─► de-duplicate (event_id, TTL)
 *      │                    │             └─► late_events
 *      └─► dead_letters (topic/partition/offset, reason, raw bytes)
 *  unique events ─┬─► links of multi-identity events ─► identity graph (one task) ─┬─► person updates, keyed by identity
 *                 │                                                                └─► identity_merges
 *                 └─► by primary identity ─► assign person (after the stitch delay) ◄─┘
 *                          ─► by person ─► journeys ─► patterns ─► friction, journey_matches, alerts
 *                                                  └─► attribution (tumbling windows)
 * </pre>
 *
 * <h2>Live identity stitching</h2>
 *
 * <ul>
 *   <li><b>Where the graph lives.</b> {@link StreamIdentityFunction} holds the identity graph (the
 *       backfill's {@link dev.omnichannel.monitor.identity.IdentityGraph}, same rules and limits)
 *       in one task. That task receives only the compact link records of events that carry two or
 *       more identities; no task sees every event. Events are keyed by their primary identity
 *       everywhere else, at any parallelism.
 *   <li><b>Order.</b> Links are applied when the watermark passes their time, in (event time, event
 *       id) order, so every run over the same input takes the same merges and rejections. A link
 *       that arrives behind the watermark (within the allowed lateness) is applied when it arrives.
 *   <li><b>Which person an event gets.</b> {@link StreamAssignFunction} holds each event until the
 *       watermark passes {@code event_time + --stitch-delay + --allowed-lateness}, then writes it
 *       with the person its primary identity has at that moment: the graph has by then applied
 *       every link up to that time. So an anonymous browse followed within the stitch delay by a
 *       login is stitched to the logged-in person before any journey or pattern sees it.
 *   <li><b>Merges.</b> Every accepted merge is written to {@code identity_merges} (old person → new
 *       person, the linking event and its time, {@code accepted = true}); rejected links are
 *       written as in the backfill ({@code accepted = false}, the namespace limit as reason). The
 *       person ids of an event in {@code events} are final for that event; applying the merges (old
 *       → new, transitively) maps them to the person the backfill gives.
 * </ul>
 *
 * <h2>What is and is not re-stitched live</h2>
 *
 * <ul>
 *   <li>Re-stitched: everything an event touches after its release, for merges that happen within
 *       the stitch delay of the event (its person, journey, patterns, friction and attribution).
 *   <li>Not re-stitched: events already released when a later merge happens keep their old person
 *       id; the old person's open journey and pattern state stay under the old id and close by
 *       their own rules. A Flink dataflow has no cycle through which keyed state could move to
 *       another key, and moving it through an external topic would make the output depend on
 *       processing-time races. The merge row says exactly which ids to combine, and a scheduled
 *       {@code backfill} over the affected days (or {@code --replay-days}) recomputes them with
 *       full knowledge, replacing those partitions atomically.
 *   <li>Consequence: stream output equals the backfill's when every merge comes within the stitch
 *       delay of the events it joins (always true for a bounded replay with a stitch delay longer
 *       than the data), and otherwise differs exactly for the persons named in {@code
 *       identity_merges} rows whose time is later than the stitch delay after an event of the old
 *       person.
 * </ul>
 *
 * <h2>Limits</h2>
 *
 * The graph is one value in one task's keyed state (about 100 bytes per identity on the heap); tens
 * of millions of identities fit a TaskManager of a few GiB, and it is snapshotted whole at each
 * checkpoint (use the heap state backend). Person assignments are kept per identity without a TTL,
 * because an expired assignment would silently un-stitch a person.
 */
package dev.omnichannel.monitor.stream;
