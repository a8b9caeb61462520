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

  /** The first 16 lower-case hex characters of SHA-256 of the UTF-8 bytes of {@code text}. */
  public static String sha256Hex16(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] digest = md.digest(text.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
