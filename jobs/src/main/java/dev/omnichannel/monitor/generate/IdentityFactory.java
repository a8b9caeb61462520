package dev.omnichannel.monitor.generate;

import dev.omnichannel.monitor.identity.Namespaces;
import java.util.HexFormat;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Deterministic identity values for a person index. Every value embeds the index through a
 * bijection, so two persons never share a value; emails and phones come in several raw spellings
 * that normalise to the same value.
 */
final class IdentityFactory {
  private static final HexFormat HEX = HexFormat.of();

  private static final String[] FIRST = {
    "jane", "john", "maria", "ahmed", "li", "sofia", "lucas", "emma", "noah", "olivia", "liam",
    "ava", "mateo", "mia", "yuki", "ines", "omar", "chloe", "ivan", "zara", "leo", "nina", "sam",
    "ella", "kofi", "anya", "raj", "lena", "tom", "sara"
  };
  private static final String[] LAST = {
    "doe", "smith", "garcia", "khan", "wang", "rossi", "martin", "muller", "silva", "novak",
    "kowalski", "jensen", "nguyen", "ito", "costa", "dubois", "ahmed", "berg", "larsen", "moreau",
    "patel", "schmidt", "lopez", "fischer", "meyer", "brown", "lee", "kim", "olsen", "weber"
  };
  private static final String[] DOMAINS = {
    "example.com", "example.org", "example.net", "mail.example", "inbox.example"
  };

  /** Placeholder values the job must ignore (all of them are blocked by BlockedValues). */
  static final Ident[] PLACEHOLDERS = {
    Ident.placeholder(Namespaces.EMAIL, "unknown"),
    Ident.placeholder(Namespaces.CUSTOMER_ID, "0"),
    Ident.placeholder(Namespaces.COOKIE_ID, "undefined"),
    Ident.placeholder(Namespaces.DEVICE_ID, "00000000"),
    Ident.placeholder(Namespaces.PHONE, "n/a"),
    Ident.placeholder(Namespaces.LOYALTY_ID, "null"),
    Ident.placeholder(Namespaces.SOCIAL_ID, "none"),
    Ident.placeholder(Namespaces.CUSTOMER_ID, "-1"),
    Ident.placeholder(Namespaces.EMAIL, "N/A"),
    Ident.placeholder(Namespaces.COOKIE_ID, "anonymous"),
    Ident.placeholder(Namespaces.DEVICE_ID, "00000000-0000-0000-0000-000000000000"),
    Ident.placeholder(Namespaces.CUSTOMER_ID, "NULL")
  };

  private final long salt;

  IdentityFactory(long seed) {
    this.salt = mix64(seed ^ 0x5DEECE66DL);
  }

  /** SplitMix64's finaliser: a bijection on 64-bit values. */
  static long mix64(long z) {
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private long hash(int person, int namespace, int k) {
    return mix64((((long) person << 8) | ((long) namespace << 4) | k) ^ salt);
  }

  Ident cookie(int person, int k) {
    return Ident.of(Namespaces.COOKIE_ID, "ck_" + HEX.toHexDigits(hash(person, 1, k)));
  }

  Ident device(int person, int k) {
    long a = hash(person, 2, k);
    String h = HEX.toHexDigits(a) + HEX.toHexDigits(mix64(a + 0x632BE59BD9B4E019L));
    String uuid =
        h.substring(0, 8)
            + "-"
            + h.substring(8, 12)
            + "-"
            + h.substring(12, 16)
            + "-"
            + h.substring(16, 20)
            + "-"
            + h.substring(20, 32);
    return Ident.of(Namespaces.DEVICE_ID, uuid.toUpperCase(Locale.ROOT));
  }

  /** A device id shared by the two persons of pair {@code pair}. */
  Ident sharedTablet(int pair) {
    return Ident.of(Namespaces.DEVICE_ID, "tab-" + HEX.toHexDigits(hash(pair, 7, 0)));
  }

  Ident social(int person, int k) {
    return Ident.of(Namespaces.SOCIAL_ID, "sm_" + HEX.toHexDigits(hash(person, 3, k)));
  }

  static Ident customer(int person) {
    return Ident.of(Namespaces.CUSTOMER_ID, "C" + pad(person + 1L, 9));
  }

  static Ident loyalty(int person) {
    return Ident.of(
        Namespaces.LOYALTY_ID, "LY" + pad(((person + 1L) * 7_919L) % 10_000_000_000L, 10));
  }

  /** Raw spellings of the {@code k}-th email of a person; all normalise to the same value. */
  Ident[] emailVariants(int person, int k) {
    long h = hash(person, 4, k);
    String first = FIRST[(int) Long.remainderUnsigned(h, FIRST.length)];
    String last = LAST[(int) Long.remainderUnsigned(h >>> 16, LAST.length)];
    String domain =
        k == 0 ? DOMAINS[(int) Long.remainderUnsigned(h >>> 32, DOMAINS.length)] : "work.example";
    String local =
        k == 0 ? first + "." + last + (person + 1) : first.charAt(0) + last + "_" + (person + 1);
    String displayLocal =
        k == 0
            ? capitalise(first) + "." + capitalise(last) + (person + 1)
            : Character.toUpperCase(first.charAt(0)) + capitalise(last) + "_" + (person + 1);
    String canonical = local + "@" + domain;
    return new Ident[] {
      Ident.of(Namespaces.EMAIL, canonical),
      Ident.of(Namespaces.EMAIL, displayLocal + "@" + capitalise(domain)),
      Ident.of(Namespaces.EMAIL, " " + canonical.toUpperCase(Locale.ROOT) + " "),
      Ident.of(Namespaces.EMAIL, local + "@" + domain.toUpperCase(Locale.ROOT) + " ")
    };
  }

  /** Raw spellings of the {@code k}-th phone of a person; all normalise to the same digits. */
  static Ident[] phoneVariants(int person, int k) {
    long n = (long) person * 2 + k;
    long num = 2_000_000_000L + (n * 7_919L) % 8_000_000_000L;
    String area = Long.toString(num / 10_000_000L);
    String exch = pad((num / 10_000L) % 1000L, 3);
    String line = pad(num % 10_000L, 4);
    return new Ident[] {
      Ident.of(Namespaces.PHONE, "+1" + area + exch + line),
      Ident.of(Namespaces.PHONE, "+1 (" + area + ") " + exch + "-" + line),
      Ident.of(Namespaces.PHONE, "+1 " + area + " " + exch + " " + line),
      Ident.of(Namespaces.PHONE, "+1-" + area + "-" + exch + "-" + line),
      Ident.of(Namespaces.PHONE, "+1." + area + "." + exch + "." + line)
    };
  }

  static Ident placeholder(SplittableRandom rng) {
    return PLACEHOLDERS[rng.nextInt(PLACEHOLDERS.length)];
  }

  private static String capitalise(String s) {
    return Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }

  /** Zero-padded decimal of a non-negative value. */
  static String pad(long value, int width) {
    String s = Long.toString(value);
    if (s.length() >= width) {
      return s;
    }
    StringBuilder sb = new StringBuilder(width);
    for (int i = s.length(); i < width; i++) {
      sb.append('0');
    }
    return sb.append(s).toString();
  }
}
