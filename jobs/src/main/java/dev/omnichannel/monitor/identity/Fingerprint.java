package dev.omnichannel.monitor.identity;

import java.io.Serializable;

/**
 * Maps an identity key ({@code namespace:value}) to its 64-bit node id in the parallel component
 * computation. {@link Fingerprints#of} is the one the job uses; tests pass others to force
 * collisions.
 *
 * <p>A node id only decides which identities are replayed together: two identities with the same
 * node id land in the same component, and the replay then works on the real strings. So a collision
 * can only make a component larger (two unrelated persons replayed in one task), never change a
 * person, a person id, a rejected link or an identity_merges row.
 */
@FunctionalInterface
public interface Fingerprint extends Serializable {
  /** The node id of {@code identity}; its top 3 bits must be {@link Namespaces#rank} of it. */
  long of(String identity);
}
