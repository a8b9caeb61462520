package dev.omnichannel.monitor.backfill;

import java.util.Arrays;
import org.apache.flink.api.common.state.ListState;

/** Reads a node's neighbour list from keyed state into a {@code long[]}. */
final class Neighbours {
  private Neighbours() {}

  static long[] read(ListState<Long> state) throws Exception {
    long[] out = new long[8];
    int n = 0;
    Iterable<Long> all = state.get();
    if (all != null) {
      for (Long v : all) {
        if (n == out.length) {
          out = Arrays.copyOf(out, n * 2);
        }
        out[n++] = v;
      }
    }
    return Arrays.copyOf(out, n);
  }
}
