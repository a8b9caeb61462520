/**
 * Backfill mode: the shared dataflow ({@link dev.omnichannel.monitor.flow.Flow}) over files, in
 * Flink's BATCH execution, with full knowledge of the input. This package supplies only what
 * differs from a stream: the file source and the range ({@link BackfillRunner}), the bounded {@link
 * dev.omnichannel.monitor.flow.Timing} (everything closes at the end of the input), and the
 * parallel identity resolver ({@link ComponentResolver}).
 *
 * <h2>Identity resolution in parallel</h2>
 *
 * Links in different connected components of the unguarded link graph never interact, so the
 * resolver finds the components with large-star/small-star rounds (every step a keyed exchange on a
 * 64-bit node id, spread over all subtasks), then replays each component's links in DESIGN's order
 * with the guards ({@link ReplayFunction}, one component per key). The result is exactly what one
 * ordered pass over every event gives: the same persons, person ids, rejected links and {@code
 * identity_merges} rows. The number of rounds is unrolled into the job graph (4 by default; the
 * generated data needs 2, a chain of n identities in random order about log₂ n); when a run's
 * components have not converged it fails fast with {@link ComponentsNotConvergedException} and
 * {@link BackfillRunner} runs again with twice the rounds, up to 256.
 *
 * <p>A super-node (one identity shared by very many events) is one component: its replay runs in
 * one task, linear in its links, and the namespace limits keep the person it yields small (the
 * links past a limit are rejected). Its star rounds cost one edge per distinct neighbour, spread by
 * node.
 */
package dev.omnichannel.monitor.backfill;
