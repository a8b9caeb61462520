package dev.omnichannel.monitor.generate;

import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.Pseudonymiser;

/**
 * One identity as the generator writes it: the raw value (an email or phone in one of its
 * spellings), its normalised form (what the job pseudonymises), and whether it is a placeholder
 * that the job must ignore.
 */
record Ident(String namespace, String raw, String normalised, boolean placeholder) {

  static Ident of(String namespace, String raw) {
    return new Ident(namespace, raw, normalise(namespace, raw), false);
  }

  static Ident placeholder(String namespace, String raw) {
    return new Ident(namespace, raw, raw, true);
  }

  static String normalise(String namespace, String raw) {
    if (Namespaces.EMAIL.equals(namespace)) {
      return Pseudonymiser.normaliseEmail(raw);
    }
    if (Namespaces.PHONE.equals(namespace)) {
      return Pseudonymiser.normalisePhone(raw);
    }
    return raw;
  }

  /** The identity in normalised form, ordered by namespace priority. */
  IdentityKey key() {
    return new IdentityKey(namespace, normalised);
  }
}
