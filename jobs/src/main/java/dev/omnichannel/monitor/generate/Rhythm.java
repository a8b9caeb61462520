package dev.omnichannel.monitor.generate;

import java.util.SplittableRandom;

/**
 * Daily rhythms: how likely an activity starts in each UTC hour. Online activity peaks in the
 * evening, stores are open 9:00 to 20:00, the contact centre 8:00 to 21:00.
 */
enum Rhythm {
  ONLINE(
      new double[] {
        1.0, 0.5, 0.3, 0.2, 0.2, 0.3, 0.8, 1.5, 2.0, 2.5, 2.8, 3.0, 3.5, 3.2, 3.0, 3.0, 3.2, 3.8,
        4.5, 5.5, 6.0, 5.5, 4.0, 2.2
      }),
  STORE(
      new double[] {
        0, 0, 0, 0, 0, 0, 0, 0, 0, 1.5, 2.5, 3.0, 3.5, 3.0, 3.0, 3.2, 3.8, 4.5, 4.5, 3.0, 0, 0, 0, 0
      }),
  SERVICE(
      new double[] {
        0, 0, 0, 0, 0, 0, 0, 0, 2.0, 3.0, 3.0, 2.8, 2.5, 2.8, 3.0, 2.8, 2.6, 2.6, 2.5, 2.2, 1.8,
        1.2, 0, 0
      });

  static final long HOUR = 3_600_000L;
  static final long DAY = 86_400_000L;

  private final double[] cdf = new double[24];

  Rhythm(double[] weights) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double acc = 0;
    for (int h = 0; h < 24; h++) {
      acc += weights[h] / total;
      cdf[h] = acc;
    }
    cdf[23] = 1.0;
  }

  /** A random offset into the day, in milliseconds, following this rhythm. */
  long sampleOffset(SplittableRandom rng) {
    double u = rng.nextDouble();
    int h = 0;
    while (h < 23 && cdf[h] <= u) {
      h++;
    }
    return h * HOUR + rng.nextLong(HOUR);
  }

  /** The first time at or after {@code earliest}, within one day, that follows this rhythm. */
  long atOrAfter(long earliest, SplittableRandom rng) {
    long day = Math.floorDiv(earliest, DAY) * DAY;
    long t = day + sampleOffset(rng);
    return t < earliest ? t + DAY : t;
  }
}
