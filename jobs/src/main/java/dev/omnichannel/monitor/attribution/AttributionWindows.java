package dev.omnichannel.monitor.attribution;

import java.io.Serializable;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Locale;

/**
 * The windows the data-driven models are solved over in a backfill. A journey belongs to the window
 * containing its end time (the conversion, or the last event of an ABANDONED journey).
 *
 * <ul>
 *   <li>RANGE: one window, the backfill range [{@code --from}, {@code --to} + 1 day); without a
 *       range, the whole UTC days spanned by the journeys' end times.
 *   <li>DAY: UTC days.
 *   <li>WEEK: ISO weeks, Monday 00:00 UTC to the next Monday.
 * </ul>
 *
 * Windows are clipped to the range when one is given, and journeys ending outside the range belong
 * to no window (they were read only as context).
 */
public final class AttributionWindows implements Serializable {
  /** The window kinds. */
  public enum Kind {
    RANGE,
    DAY,
    WEEK;

    /** Parses {@code range}, {@code day} or {@code week}; the error names the bad value. */
    public static Kind parse(String s) {
      try {
        return valueOf(s.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "--attribution-window must be range, day or week, got '" + s + "'");
      }
    }
  }

  /** The window key of RANGE without a range: its bounds come from the data. */
  public static final long SPAN_OF_DATA = Long.MIN_VALUE;

  private static final long DAY_MS = 86_400_000L;

  private final Kind kind;
  private final long rangeStart;
  private final long rangeEnd;

  /**
   * @param from first day of the range, or null
   * @param to last day of the range (inclusive), or null
   */
  public AttributionWindows(Kind kind, LocalDate from, LocalDate to) {
    this.kind = kind;
    this.rangeStart =
        from == null
            ? Long.MIN_VALUE
            : from.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    this.rangeEnd =
        to == null
            ? Long.MAX_VALUE
            : to.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }

  public Kind kind() {
    return kind;
  }

  /**
   * The key of the window holding a journey that ended at {@code endTime}: the window's start, or
   * {@link #SPAN_OF_DATA}; null when the journey is outside the range.
   */
  public Long windowOf(long endTime) {
    if (endTime < rangeStart || endTime >= rangeEnd) {
      return null;
    }
    return switch (kind) {
      case RANGE -> rangeStart == Long.MIN_VALUE ? SPAN_OF_DATA : rangeStart;
      case DAY -> Math.max(rangeStart, Math.floorDiv(endTime, DAY_MS) * DAY_MS);
      case WEEK -> Math.max(rangeStart, weekStart(endTime));
    };
  }

  /**
   * The window's [start, end) for a key from {@link #windowOf}, given the earliest and latest end
   * times of its journeys (used only for {@link #SPAN_OF_DATA}).
   */
  public long[] bounds(long key, long minEnd, long maxEnd) {
    long end;
    if (key == SPAN_OF_DATA) {
      long start =
          rangeStart != Long.MIN_VALUE ? rangeStart : Math.floorDiv(minEnd, DAY_MS) * DAY_MS;
      end = rangeEnd != Long.MAX_VALUE ? rangeEnd : Math.floorDiv(maxEnd, DAY_MS) * DAY_MS + DAY_MS;
      return new long[] {start, end};
    }
    switch (kind) {
      case RANGE ->
          end =
              rangeEnd == Long.MAX_VALUE
                  ? Math.floorDiv(maxEnd, DAY_MS) * DAY_MS + DAY_MS
                  : rangeEnd;
      case DAY -> end = Math.floorDiv(key, DAY_MS) * DAY_MS + DAY_MS;
      default -> end = weekStart(key) + 7 * DAY_MS;
    }
    return new long[] {key, Math.min(end, rangeEnd)};
  }

  private static long weekStart(long t) {
    LocalDate d = Instant.ofEpochMilli(t).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate monday = d.minusDays(d.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue());
    return monday.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
  }
}
