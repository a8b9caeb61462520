/**
 * Explaining a person from the Parquet output alone: which identities are one person and the links
 * (events) that joined them ({@link dev.omnichannel.monitor.explain.IdentityEvidence}), the links
 * that guards rejected, and the person's profile, as text or JSON ({@link
 * dev.omnichannel.monitor.explain.Explanation}). Plain Java, free of Flink; used by the {@code
 * explain} and {@code erase} commands.
 */
package dev.omnichannel.monitor.explain;
