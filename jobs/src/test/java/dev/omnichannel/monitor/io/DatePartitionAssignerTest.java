package dev.omnichannel.monitor.io;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

class DatePartitionAssignerTest {
  private static final DateTimeFormatter DATE =
      DateTimeFormatter.ofPattern("'dt='yyyy-MM-dd").withZone(ZoneOffset.UTC);

  @Test
  void theBucketShouldBeTheUtcDateOfTheMainTime() {
    DatePartitionAssigner<Instant> byInstant = new DatePartitionAssigner<>(t -> t);
    DatePartitionAssigner<Long> byMillis = DatePartitionAssigner.ofMillis(t -> t);
    long[] edges = {
      0L,
      -1L,
      86_399_999L,
      86_400_000L,
      -86_400_000L,
      -86_400_001L,
      Instant.parse("2026-01-05T23:59:59.999Z").toEpochMilli(),
      Instant.parse("2026-01-06T00:00:00Z").toEpochMilli(),
      Instant.parse("2000-02-29T12:00:00Z").toEpochMilli(),
      Instant.parse("0999-12-31T23:59:59.999Z").toEpochMilli(),
      Instant.parse("1000-01-01T00:00:00Z").toEpochMilli(),
      Instant.parse("9999-12-31T23:59:59.999Z").toEpochMilli(),
      Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli()
    };
    for (long t : edges) {
      String expected = DATE.format(Instant.ofEpochMilli(t));
      assertThat(byMillis.getBucketId(t, null)).as("%d", t).isEqualTo(expected);
      assertThat(byInstant.getBucketId(Instant.ofEpochMilli(t), null))
          .as("%d", t)
          .isEqualTo(expected);
    }
    Random r = new Random(1);
    for (int i = 0; i < 100_000; i++) {
      long t = 946_684_800_000L + (long) (r.nextDouble() * 3_155_760_000_000L); // 2000..2100
      assertThat(byMillis.getBucketId(t, null)).isEqualTo(DATE.format(Instant.ofEpochMilli(t)));
    }
  }

  @Test
  void aRowWithoutAMainTimeShouldGoToTheUnknownBucket() {
    DatePartitionAssigner<Instant> a = new DatePartitionAssigner<>(t -> t);
    assertThat(a.getBucketId(null, null)).isEqualTo(DatePartitionAssigner.UNKNOWN);
    assertThat(a.getBucketId(Instant.EPOCH, null)).isEqualTo("dt=1970-01-01");
    assertThat(a.getBucketId(null, null)).isEqualTo(DatePartitionAssigner.UNKNOWN);
  }
}
