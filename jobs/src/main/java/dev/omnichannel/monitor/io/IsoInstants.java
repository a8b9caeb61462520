package dev.omnichannel.monitor.io;

/**
 * A fast path for the common spelling of an ISO-8601 instant, {@code yyyy-MM-ddTHH:mm:ssZ} with an
 * optional fraction of 1 to 9 digits. Every text it reads gives the same epoch millis as {@code
 * Instant.parse(s).toEpochMilli()}; every other text (lower-case letters, offsets, leap seconds,
 * signed years, invalid dates) is left to {@code Instant.parse}.
 */
final class IsoInstants {
  /** The answer for a text this fast path does not read. */
  static final long NOT_SIMPLE = Long.MIN_VALUE;

  private IsoInstants() {}

  /** Epoch millis of {@code s}, or {@link #NOT_SIMPLE}. */
  static long parseMillis(String s) {
    int n = s.length();
    if (n < 20 || n > 30 || s.charAt(n - 1) != 'Z') {
      return NOT_SIMPLE;
    }
    if (s.charAt(4) != '-'
        || s.charAt(7) != '-'
        || s.charAt(10) != 'T'
        || s.charAt(13) != ':'
        || s.charAt(16) != ':') {
      return NOT_SIMPLE;
    }
    int year = digits(s, 0, 4);
    int month = digits(s, 5, 2);
    int day = digits(s, 8, 2);
    int hour = digits(s, 11, 2);
    int minute = digits(s, 14, 2);
    int second = digits(s, 17, 2);
    if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
      return NOT_SIMPLE;
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
      return NOT_SIMPLE;
    }
    int millis = 0;
    if (n > 20) {
      int fraction = n - 21;
      if (s.charAt(19) != '.' || fraction < 1) {
        return NOT_SIMPLE;
      }
      for (int i = 0; i < fraction; i++) {
        char c = s.charAt(20 + i);
        if (c < '0' || c > '9') {
          return NOT_SIMPLE;
        }
        if (i < 3) {
          millis = millis * 10 + (c - '0');
        }
      }
      for (int i = fraction; i < 3; i++) {
        millis *= 10;
      }
    }
    long seconds = epochDay(year, month, day) * 86_400L + hour * 3_600L + minute * 60L + second;
    return seconds * 1000 + millis;
  }

  private static int digits(String s, int from, int count) {
    int v = 0;
    for (int i = from; i < from + count; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static int daysInMonth(int year, int month) {
    return switch (month) {
      case 2 -> (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28;
      case 4, 6, 9, 11 -> 30;
      default -> 31;
    };
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
  private static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long doy = (153L * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }
}
