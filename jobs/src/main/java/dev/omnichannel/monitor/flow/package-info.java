/**
 * The dataflow shared by both modes, wired once by {@link dev.omnichannel.monitor.flow.Flow}:
 * decoding, de-duplication, the person assignment and the one person-keyed analytics stage ({@link
 * dev.omnichannel.monitor.flow.PersonFunction}: journeys, touches, every pattern, friction counts,
 * rule-based attribution and alerts), the data-driven attribution and the Parquet sinks.
 *
 * <p>A mode supplies only what differs: the raw records, a {@link
 * dev.omnichannel.monitor.flow.Timing} (end of input in a backfill, watermarks and timers in a
 * stream) and an {@link dev.omnichannel.monitor.flow.IdentityResolver}. The {@code backfill} and
 * {@code stream} packages are siblings over this one: each imports it, neither imports the other,
 * and this package imports neither.
 *
 * <p>Between operators events travel as {@link dev.omnichannel.monitor.event.Event}, a compact
 * record with its own Flink serializer; Avro and Parquet appear only at the edges (the decoder and
 * the sinks).
 */
package dev.omnichannel.monitor.flow;
