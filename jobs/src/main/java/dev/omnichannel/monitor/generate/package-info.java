/**
 * Synthetic omnichannel events with exact ground truth, for tests, demos and outside checks.
 *
 * <p>{@link dev.omnichannel.monitor.generate.Generator#generate} simulates a population of personas
 * (browser, buyer, service_heavy, store_first, multi_device) and writes {@code
 * events/events-YYYY-MM-DD.(jsonl|jsonl.gz|avro)} plus {@code ground-truth.json} ({@link
 * dev.omnichannel.monitor.generate.GroundTruth}). Guarantees, by construction:
 *
 * <ul>
 *   <li><b>Persons</b>: every identity of a known person co-occurs with its customer_id in some
 *       event, and per-person counts stay far under the namespace limits, so stitching recovers the
 *       true persons exactly. Anonymous browsers have one cookie and nothing else.
 *   <li><b>Journeys</b>: each person's timeline is a sequence of episodes, each exactly one journey
 *       under the default rules (30-day gap, 5,000 events, 90 days).
 *   <li><b>Patterns and friction</b>: the design's built-in ones are planted at known per-persona
 *       rates ({@link dev.omnichannel.monitor.generate.Persona}) in isolated episodes, at least 15
 *       days from any other activity; background activity creates none by accident.
 *   <li><b>Guard cases</b>: about 1% of customers share a tablet in pairs; about 2% of events carry
 *       an extra placeholder identity.
 *   <li><b>Bad records</b>: {@code --bad-ratio} plants the {@link
 *       dev.omnichannel.monitor.generate.BadKind} kinds evenly, each listed with its file and line.
 *   <li><b>Determinism</b>: everything follows from the seed; the same configuration gives the same
 *       bytes.
 * </ul>
 */
package dev.omnichannel.monitor.generate;
