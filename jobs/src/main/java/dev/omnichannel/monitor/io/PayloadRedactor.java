package dev.omnichannel.monitor.io;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps raw email and phone values out of the dead-letter payloads. A payload that parses as JSON
 * gets the values of its email and phone identities replaced by their HMAC (as the events table has
 * them). Text that does not parse gets every email-like and formatted-phone-like substring replaced
 * by {@code hmac:<hex>}. Everything else is kept as read.
 */
public final class PayloadRedactor {
  private static final ObjectMapper JSON =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  // A match starts only where a run of local-part characters starts, and the run is taken
  // possessively: the same matches as the plain pattern, in linear rather than quadratic time on
  // long runs without an '@' (Base64 payloads, padding).
  private static final Pattern EMAIL =
      Pattern.compile(
          "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}");
  private static final Pattern PHONE =
      Pattern.compile("\\+\\d[\\d ().-]{5,}\\d|\\(\\d{2,4}\\)[\\d .-]{5,}\\d");

  private final Pseudonymiser pseudonymiser;

  public PayloadRedactor(Pseudonymiser pseudonymiser) {
    this.pseudonymiser = pseudonymiser;
  }

  public String redact(String payload) {
    if (payload == null || payload.isEmpty()) {
      return payload == null ? "" : payload;
    }
    try {
      JsonNode root = JSON.readTree(payload);
      if (root != null && root.isObject()) {
        JsonNode ids = root.get("identities");
        boolean changed = false;
        if (ids != null && ids.isArray()) {
          for (JsonNode id : ids) {
            JsonNode ns = id.get("namespace");
            JsonNode v = id.get("value");
            if (id.isObject() && ns != null && v != null && v.isTextual()) {
              String namespace = ns.asText().trim().toLowerCase();
              if (Namespaces.isPseudonymised(namespace)) {
                ((ObjectNode) id).put("value", pseudonymiser.apply(namespace, v.asText()));
                changed = true;
              }
            }
          }
        }
        String text = changed ? JSON.writeValueAsString(root) : payload;
        return scrub(text);
      }
    } catch (Exception e) {
      // not JSON: fall through to the pattern scrub
    }
    return scrub(payload);
  }

  /** Replaces email-like and formatted-phone-like substrings of free text by their HMAC. */
  public String scrub(String text) {
    if (text.indexOf('@') < 0 && text.indexOf('+') < 0 && text.indexOf('(') < 0) {
      return text;
    }
    return replace(PHONE, replace(EMAIL, text, Namespaces.EMAIL), Namespaces.PHONE);
  }

  /**
   * Raw bytes with every email-like and formatted-phone-like run of ASCII replaced by as many
   * {@code '*'} bytes, for payloads kept as bytes (Base64) rather than text: there is no key here
   * to pseudonymise them with, and Base64 would otherwise carry them out readable. Bytes without
   * such runs come back unchanged (the same array).
   */
  public static byte[] maskRawBytes(byte[] bytes, int length) {
    String text = new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
    if (text.indexOf('@') < 0 && text.indexOf('+') < 0 && text.indexOf('(') < 0) {
      return bytes;
    }
    byte[] out = null;
    for (Pattern p : new Pattern[] {EMAIL, PHONE}) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        if (out == null) {
          out = java.util.Arrays.copyOf(bytes, bytes.length);
        }
        java.util.Arrays.fill(out, m.start(), m.end(), (byte) '*');
      }
    }
    return out == null ? bytes : out;
  }

  private String replace(Pattern p, String text, String namespace) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      return text;
    }
    StringBuilder sb = new StringBuilder(text.length());
    do {
      m.appendReplacement(
          sb, Matcher.quoteReplacement("hmac:" + pseudonymiser.apply(namespace, m.group())));
    } while (m.find());
    m.appendTail(sb);
    return sb.toString();
  }
}
