package dev.omnichannel.monitor.erase;

import dev.omnichannel.monitor.identity.SuppressionList;

/**
 * Finds an identity value in a dead letter's payload as a whole token: the value, not followed or
 * preceded by a letter, a digit or one of {@code - _ . @ + %} (characters that continue a value),
 * so that {@code c-81} is found in {@code "value":"c-81"} and in {@code hmac:c-81} but not in
 * {@code c-812} or {@code xc-81}. The value is also looked for in its JSON-escaped form.
 */
public final class PayloadTokens {
  private PayloadTokens() {}

  /** True when {@code text} holds {@code value} as a whole token. */
  public static boolean contains(String text, String value) {
    if (text == null || value == null || value.isEmpty()) {
      return false;
    }
    if (find(text, value)) {
      return true;
    }
    String escaped = jsonEscaped(value);
    return !escaped.equals(value) && find(text, escaped);
  }

  private static boolean find(String text, String value) {
    int from = 0;
    while (true) {
      int i = text.indexOf(value, from);
      if (i < 0) {
        return false;
      }
      int end = i + value.length();
      boolean startOk = i == 0 || !continues(text.charAt(i - 1));
      boolean endOk = end == text.length() || !continues(text.charAt(end));
      if (startOk && endOk) {
        return true;
      }
      from = i + 1;
    }
  }

  /** Characters that continue an identity value, so a match next to one is part of another. */
  static boolean continues(char c) {
    return SuppressionList.valueChar(c);
  }

  private static String jsonEscaped(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\t' -> b.append("\\t");
        default -> {
          if (c < 0x20) {
            b.append(String.format("\\u%04x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.toString();
  }
}
