package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.config.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

/**
 * Finds the HMAC key for pseudonymising email and phone: {@code --hmac-key-file} first, else the
 * environment variable {@value #ENV}. Never from the code, except the clearly labelled {@link
 * #DEMO_KEY} that only {@code demo} and {@code bench} use.
 */
public final class HmacKeys {
  public static final String ENV = "OMNI_HMAC_KEY";

  /** The demo's key. Public knowledge, so demo output is not privacy-safe. */
  public static final String DEMO_KEY = "omnichannel-monitor-DEMO-KEY-not-secret";

  static final int MIN_BYTES = 16;

  private HmacKeys() {}

  /** The key from the file or environment; a {@link UserException} when neither gives one. */
  public static byte[] resolve(Path keyFile, Map<String, String> env) {
    byte[] key;
    String where;
    if (keyFile != null) {
      where = "--hmac-key-file " + keyFile;
      try {
        key = trimTrailingNewlines(Files.readAllBytes(keyFile));
      } catch (IOException e) {
        throw new UserException(where + " cannot be read: " + e.getMessage());
      }
    } else {
      String v = env.get(ENV);
      if (v == null || v.isEmpty()) {
        throw new UserException(
            "no HMAC key: set the environment variable "
                + ENV
                + " or pass --hmac-key-file FILE (email and phone values are pseudonymised with"
                + " it)");
      }
      where = "the environment variable " + ENV;
      key = v.getBytes(StandardCharsets.UTF_8);
    }
    if (key.length < MIN_BYTES) {
      throw new UserException(
          "the HMAC key from " + where + " is " + key.length + " bytes; use at least " + MIN_BYTES);
    }
    // The key is a secret too: should it ever turn up in a message, it is masked.
    Secrets.remember(new String(key, StandardCharsets.UTF_8));
    return key;
  }

  private static byte[] trimTrailingNewlines(byte[] b) {
    int n = b.length;
    while (n > 0 && (b[n - 1] == '\n' || b[n - 1] == '\r')) {
      n--;
    }
    return Arrays.copyOf(b, n);
  }
}
