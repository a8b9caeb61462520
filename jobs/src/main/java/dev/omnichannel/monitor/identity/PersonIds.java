package dev.omnichannel.monitor.identity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Deterministic ids derived from content: never random. */
public final class PersonIds {
  private PersonIds() {}

  /**
   * The person id of a component whose canonical identity is {@code canonical}: {@code "p-"} plus
   * the first 16 hex characters of SHA-256({@code namespace + ":" + value}).
   */
  public static String personId(IdentityKey canonical) {
    return "p-" + sha256Hex16(canonical.namespace() + ":" + canonical.value());
  }

  /** Whether {@code text} has a person id's form: {@code p-} and 16 lower-case hex characters. */
  public static boolean isPersonId(String text) {
    if (text.length() != 18 || !text.startsWith("p-")) {
      return false;
    }
    for (int i = 2; i < 18; i++) {
      char c = text.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /** The first 16 lower-case hex characters of SHA-256 of the UTF-8 bytes of {@code text}. */
  public static String sha256Hex16(String text) {
    byte[] digest = SHA256.get().digest(text.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(digest, 0, 8);
  }

  /**
   * One digest per thread: {@code MessageDigest.getInstance} looks the provider up on every call,
   * which cost more than the hashing itself (the stream job hashes a journey id per event). {@code
   * digest} resets the instance, so it is reused safely.
   */
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("SHA-256 is missing from this JVM", e);
            }
          });
}
