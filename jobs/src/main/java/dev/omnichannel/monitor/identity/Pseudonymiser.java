package dev.omnichannel.monitor.identity;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Keyed HMAC-SHA-256 pseudonymisation of email and phone values. An email is trimmed and
 * lower-cased, a phone reduced to its digits (keeping a leading '+'), and the stored value is the
 * lower-case hex of the HMAC. Not thread-safe: one instance per task.
 */
public final class Pseudonymiser implements Serializable {
  private final byte[] key;
  private transient Mac mac;

  public Pseudonymiser(byte[] key) {
    if (key == null || key.length == 0) {
      throw new IllegalArgumentException("the HMAC key is empty");
    }
    this.key = key.clone();
  }

  /** Normalises an email: trimmed, lower-cased. */
  public static String normaliseEmail(String raw) {
    return raw.trim().toLowerCase(Locale.ROOT);
  }

  /** Normalises a phone number to its digits, keeping a leading '+'. */
  public static String normalisePhone(String raw) {
    String t = raw.trim();
    StringBuilder sb = new StringBuilder(t.length());
    if (t.startsWith("+")) {
      sb.append('+');
    }
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      if (c >= '0' && c <= '9') {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /**
   * Pseudonymises {@code raw} when {@code namespace} is email or phone; returns it unchanged else.
   */
  public String apply(String namespace, String raw) {
    if (Namespaces.EMAIL.equals(namespace)) {
      return hmacHex(normaliseEmail(raw));
    }
    if (Namespaces.PHONE.equals(namespace)) {
      return hmacHex(normalisePhone(raw));
    }
    return raw;
  }

  /** Lower-case hex of HMAC-SHA-256(key, UTF-8 bytes of {@code text}). */
  public String hmacHex(String text) {
    try {
      if (mac == null) {
        mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
      }
      return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
