package dev.omnichannel.monitor.io;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Puts each row in {@code dt=YYYY-MM-DD}, the UTC date of the row's main time (DESIGN.md "Output").
 * Rows without a main time (dead letters that never parsed) go to {@value #UNKNOWN}; the committer
 * moves them to the run's fallback date.
 */
public final class DatePartitionAssigner<T> implements BucketAssigner<T, String> {
  /** Bucket of rows with no usable time. */
  public static final String UNKNOWN = "dt=unknown";

  private static final long DAY_MS = 86_400_000L;

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd").withZone(ZoneOffset.UTC);

  /** The main time of a row in epoch milliseconds. */
  @FunctionalInterface
  public interface MillisFunction<T> extends java.io.Serializable {
    long millis(T row);
  }

  private final SerializableFunction<T, Instant> mainTime;
  private final MillisFunction<T> mainMillis;

  // The bucket of the last row's day: rows come in runs of one day (a person's events, a
  // conversion's credits), and formatting a date per row was a visible share of the sink's time.
  private transient long lastDay;
  private transient String lastBucket;

  public DatePartitionAssigner(SerializableFunction<T, Instant> mainTime) {
    this(mainTime, null);
  }

  private DatePartitionAssigner(
      SerializableFunction<T, Instant> mainTime, MillisFunction<T> mainMillis) {
    this.mainTime = mainTime;
    this.mainMillis = mainMillis;
  }

  /** Partitions by a main time that every row has, in epoch milliseconds. */
  public static <T> DatePartitionAssigner<T> ofMillis(MillisFunction<T> mainMillis) {
    return new DatePartitionAssigner<>(null, mainMillis);
  }

  @Override
  public String getBucketId(T element, Context context) {
    if (mainMillis != null) {
      return bucket(mainMillis.millis(element));
    }
    Instant t = mainTime.apply(element);
    return t == null ? UNKNOWN : bucket(t.toEpochMilli());
  }

  /** The bucket of a time in epoch milliseconds. */
  String bucket(long millis) {
    long day = Math.floorDiv(millis, DAY_MS);
    if (lastBucket == null || day != lastDay) {
      lastBucket = format(day);
      lastDay = day;
    }
    return lastBucket;
  }

  private static String format(long epochDay) {
    LocalDate d = LocalDate.ofEpochDay(epochDay);
    int y = d.getYear();
    if (y < 1000 || y > 9999) {
      return DATE.format(Instant.ofEpochSecond(epochDay * 86_400L));
    }
    StringBuilder b = new StringBuilder(13).append("dt=").append(y).append('-');
    pad2(b, d.getMonthValue()).append('-');
    return pad2(b, d.getDayOfMonth()).toString();
  }

  private static StringBuilder pad2(StringBuilder b, int v) {
    return (v < 10 ? b.append('0') : b).append(v);
  }

  @Override
  public SimpleVersionedSerializer<String> getSerializer() {
    return SimpleVersionedStringSerializer.INSTANCE;
  }
}
