package dev.omnichannel.monitor.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Keeps secrets (passwords, JAAS configurations, tokens, keys) out of everything the job records or
 * prints: the run summary's {@code arguments}, printed messages and error messages. Every secret
 * value is replaced by {@value #MASK}.
 *
 * <p>The rule for names ({@link #isSecretKey}): a property or option name is secret when,
 * lower-cased, it contains {@code password}, {@code passwd}, {@code passphrase}, {@code secret},
 * {@code token}, {@code jaas}, {@code credential} or {@code userinfo}/{@code user.info}; or one of
 * its parts (split at {@code .}, {@code -}, {@code _}) is {@code pwd}; or one of its parts ends in
 * {@code key} and is not followed by a part that says what or where the key is rather than being it
 * ({@code file}, {@code path}, {@code location}, {@code serializer}, {@code deserializer}, {@code
 * type}, {@code algorithm}, {@code id}). So {@code sasl.jaas.config}, {@code ssl.key.password},
 * {@code ssl.keystore.key}, {@code basic.auth.user.info}, {@code
 * sasl.oauthbearer.client.credentials.client.secret}, {@code s3.secret-key} and {@code api.key} are
 * secret; {@code key.deserializer}, {@code ssl.keystore.location}, {@code --hmac-key-file} and
 * {@code security.protocol} are not.
 *
 * <p>Plain Java, no state but the values {@link #remember remembered} for {@link #redactText}.
 */
public final class Secrets {
  /** What a secret value is replaced with. */
  public static final String MASK = "***";

  /** Shorter remembered values are not searched for in free text (they would match anywhere). */
  static final int MIN_REMEMBERED_LENGTH = 4;

  private static final List<String> SECRET_WORDS =
      List.of(
          "password",
          "passwd",
          "passphrase",
          "secret",
          "token",
          "jaas",
          "credential",
          "userinfo",
          "user.info",
          "user_info",
          "user-info");

  /** Parts after a "...key" part that make the name a description of the key, not the key. */
  private static final Set<String> NOT_THE_KEY =
      Set.of("file", "path", "location", "serializer", "deserializer", "type", "algorithm", "id");

  /** {@code NAME=VALUE} as a whole argument (a {@code --kafka} property, say). */
  private static final Pattern PROPERTY =
      Pattern.compile("(\\s*)([A-Za-z0-9_.\\-]+)(\\s*=)(.*)", Pattern.DOTALL);

  /**
   * The {@code name=} or {@code name:} before a value inside free text (a JAAS configuration, an
   * error message), also {@code "name": } as in JSON.
   */
  private static final Pattern NAME_AND_SEPARATOR =
      Pattern.compile("([A-Za-z0-9_.\\-]+)([\"']?\\s*[=:]\\s*)");

  /** Where an unquoted value inside free text ends. */
  private static final String VALUE_ENDS = " \t\r\n\"',;&";

  /** The password of {@code scheme://user:password@host}. */
  private static final Pattern URI_USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.\\-]*://[^\\s/:@'\"]+:)([^\\s/@'\"]+)@");

  private static final Set<String> REMEMBERED = ConcurrentHashMap.newKeySet();

  private Secrets() {}

  /** Whether the value of the property or option {@code name} is a secret (see the class doc). */
  public static boolean isSecretKey(String name) {
    if (name == null) {
      return false;
    }
    String k = name.toLowerCase(Locale.ROOT);
    for (String w : SECRET_WORDS) {
      if (k.contains(w)) {
        return true;
      }
    }
    String[] parts =
        Arrays.stream(k.split("[^a-z0-9]+")).filter(p -> !p.isEmpty()).toArray(String[]::new);
    for (int i = 0; i < parts.length; i++) {
      if (parts[i].equals("pwd")) {
        return true;
      }
      if (parts[i].endsWith("key")
          && (i == parts.length - 1 || !NOT_THE_KEY.contains(parts[i + 1]))) {
        return true;
      }
    }
    return false;
  }

  /**
   * A command line fit to record: the value of every option whose name is secret ({@code
   * --x-password VALUE}, {@code --x-password=VALUE}), every {@code NAME=VALUE} argument whose name
   * is secret ({@code --kafka sasl.jaas.config=...}, {@code --kafka=ssl.key.password=...}), and any
   * secret inside other values ({@link #redactText}) become {@value #MASK}. Option names, paths and
   * other values are kept.
   */
  public static List<String> redactArgs(List<String> args) {
    List<String> out = new ArrayList<>(args.size());
    boolean secretValueNext = false;
    for (String a : args) {
      if (a == null) {
        out.add(null);
        secretValueNext = false;
        continue;
      }
      if (secretValueNext && !a.startsWith("--")) {
        out.add(MASK);
        secretValueNext = false;
        continue;
      }
      secretValueNext = false;
      if (a.startsWith("-") && a.length() > 1 && !Character.isDigit(a.charAt(1))) {
        int eq = a.indexOf('=');
        if (eq < 0) {
          out.add(a);
          secretValueNext = isSecretKey(a);
        } else {
          String name = a.substring(0, eq);
          out.add(name + "=" + (isSecretKey(name) ? MASK : redactValue(a.substring(eq + 1))));
        }
      } else {
        out.add(redactValue(a));
      }
    }
    return out;
  }

  /** {@link #redactArgs(List)} of an array. */
  public static List<String> redactArgs(String... args) {
    return redactArgs(Arrays.asList(args));
  }

  /** One argument value: {@code NAME=***} for a secret name, else {@link #redactText}. */
  static String redactValue(String value) {
    Matcher m = PROPERTY.matcher(value);
    if (m.matches() && isSecretKey(m.group(2))) {
      return m.group(1) + m.group(2) + m.group(3) + MASK;
    }
    return redactText(value);
  }

  /**
   * Free text (a message, a value) with its secrets replaced: the values of secret names written as
   * {@code name=value}, {@code name: value} or quoted ({@code password="..."} inside a JAAS
   * configuration), the password of {@code scheme://user:password@host}, and every {@link #remember
   * remembered} secret value wherever it appears.
   */
  public static String redactText(String text) {
    if (text == null || text.isEmpty()) {
      return text;
    }
    String s =
        URI_USERINFO
            .matcher(text)
            .replaceAll(m -> Matcher.quoteReplacement(m.group(1)) + MASK + "@");
    StringBuilder b = new StringBuilder(s.length());
    int copied = 0;
    for (int[] span : secretValues(s)) {
      b.append(s, copied, span[0]).append(MASK);
      copied = span[1];
    }
    s = b.append(s, copied, s.length()).toString();
    if (!REMEMBERED.isEmpty()) {
      List<String> known = new ArrayList<>(REMEMBERED);
      known.sort(Comparator.comparingInt(String::length).reversed());
      for (String v : known) {
        s = s.replace(v, MASK);
      }
    }
    return s;
  }

  /** The properties with every secret value replaced by {@value #MASK}, sorted by name. */
  public static Map<String, String> redactProperties(Map<String, String> properties) {
    Map<String, String> out = new TreeMap<>();
    properties.forEach((k, v) -> out.put(k, isSecretKey(k) ? MASK : redactText(v)));
    return out;
  }

  /**
   * Remembers {@code value} (and any quoted secret inside it, such as the password of a JAAS
   * configuration) as a secret, so that {@link #redactText} masks it wherever it turns up, for
   * example in an error message from a library. Values shorter than {@value #MIN_REMEMBERED_LENGTH}
   * characters are not remembered.
   */
  public static void remember(String value) {
    if (value == null) {
      return;
    }
    if (value.length() >= MIN_REMEMBERED_LENGTH) {
      REMEMBERED.add(value);
    }
    for (int[] span : secretValues(value)) {
      String v = value.substring(span[0], span[1]);
      if (v.length() >= MIN_REMEMBERED_LENGTH) {
        REMEMBERED.add(v);
      }
    }
  }

  /**
   * The spans {@code [start, end)} of the values of secret names inside {@code text}, without their
   * quotes, in order. A value is quoted ({@code password="..."}), or runs to the quote that closes
   * the quoted text its name starts ({@code 'sasl.jaas.config=... required ...;'} as picocli quotes
   * an argument), or else to the next blank, quote, comma, semicolon or ampersand.
   */
  private static List<int[]> secretValues(String text) {
    List<int[]> spans = new ArrayList<>();
    Matcher m = NAME_AND_SEPARATOR.matcher(text);
    int from = 0;
    while (from < text.length() && m.find(from)) {
      int start = m.end();
      from = start; // a value that is not secret may hold a secret name=value itself
      if (!isSecretKey(m.group(1)) || start >= text.length()) {
        continue;
      }
      char first = text.charAt(start);
      int end;
      if (first == '"' || first == '\'') {
        start++;
        end = text.indexOf(first, start);
        if (end < 0) {
          end = text.length();
        }
      } else {
        char before = m.start() > 0 ? text.charAt(m.start() - 1) : ' ';
        end = before == '"' || before == '\'' ? text.indexOf(before, start) : -1;
        if (end < 0) {
          end = start;
          while (end < text.length() && VALUE_ENDS.indexOf(text.charAt(end)) < 0) {
            end++;
          }
        }
      }
      if (end > start) {
        spans.add(new int[] {start, end});
      }
      from = Math.max(end, start);
    }
    return spans;
  }

  /** Remembers the value of every secret property (see {@link #remember}). */
  public static void rememberSecretValues(Map<String, String> properties) {
    properties.forEach(
        (k, v) -> {
          if (isSecretKey(k)) {
            remember(v);
          }
        });
  }
}
