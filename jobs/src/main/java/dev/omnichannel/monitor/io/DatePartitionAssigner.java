package dev.omnichannel.monitor.io;

import java.time.Instant;
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

  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd").withZone(ZoneOffset.UTC);

  private final SerializableFunction<T, Instant> mainTime;

  public DatePartitionAssigner(SerializableFunction<T, Instant> mainTime) {
    this.mainTime = mainTime;
  }

  @Override
  public String getBucketId(T element, Context context) {
    Instant t = mainTime.apply(element);
    return t == null ? UNKNOWN : DATE.format(t);
  }

  @Override
  public SimpleVersionedSerializer<String> getSerializer() {
    return SimpleVersionedStringSerializer.INSTANCE;
  }
}
