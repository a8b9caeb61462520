package dev.omnichannel.monitor.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the sparse iterative Markov solver against an independent dense direct solve (Gaussian
 * elimination with partial pivoting of (I − Q) h = p_conv) where the state space is small enough.
 */
class MarkovDenseOracleTest {

  /** P(conversion from start) of the order-k chain, with the states containing removed → null. */
  private static double denseConversion(List<PathStat> paths, int order, String removed) {
    Map<List<String>, Integer> index = new HashMap<>();
    index.put(List.of(), 0);
    List<Map<Integer, Double>> rows = new ArrayList<>();
    rows.add(new HashMap<>());
    for (PathStat p : paths) {
      List<String> c = MarkovModel.collapse(p.path());
      double walks = p.conversions() + p.nulls();
      if (c.isEmpty() || walks <= 0) {
        continue;
      }
      int from = 0;
      for (int i = 0; i < c.size(); i++) {
        List<String> t = List.copyOf(c.subList(Math.max(0, i - order + 1), i + 1));
        Integer to = index.get(t);
        if (to == null) {
          to = index.size();
          index.put(t, to);
          rows.add(new HashMap<>());
        }
        rows.get(from).merge(to, walks, Double::sum);
        from = to;
      }
      rows.get(from).merge(-1, p.conversions(), Double::sum);
      rows.get(from).merge(-2, p.nulls(), Double::sum);
    }
    int n = index.size();
    boolean[] gone = new boolean[n];
    index.forEach((t, i) -> gone[i] = removed != null && t.contains(removed));
    double[][] a = new double[n][n + 1];
    for (int s = 0; s < n; s++) {
      a[s][s] = 1;
      if (gone[s]) {
        continue;
      }
      double total = rows.get(s).values().stream().mapToDouble(Double::doubleValue).sum();
      for (Map.Entry<Integer, Double> e : rows.get(s).entrySet()) {
        if (e.getKey() == -1) {
          a[s][n] += e.getValue() / total;
        } else if (e.getKey() >= 0 && !gone[e.getKey()]) {
          a[s][e.getKey()] -= e.getValue() / total;
        }
      }
    }
    for (int col = 0; col < n; col++) {
      int pivot = col;
      for (int r = col + 1; r < n; r++) {
        if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
          pivot = r;
        }
      }
      double[] tmp = a[col];
      a[col] = a[pivot];
      a[pivot] = tmp;
      for (int r = 0; r < n; r++) {
        if (r != col && a[r][col] != 0) {
          double f = a[r][col] / a[col][col];
          for (int k = col; k <= n; k++) {
            a[r][k] -= f * a[col][k];
          }
        }
      }
    }
    return a[0][n] / a[0][0];
  }

  private static void assertMatchesDense(List<PathStat> paths, int order) {
    double p = denseConversion(paths, order, null);
    List<ChannelCredit> credits = MarkovModel.attribute(paths, order);
    for (ChannelCredit c : credits) {
      double re = 1 - denseConversion(paths, order, c.channel()) / p;
      assertThat(c.removalEffect()).as(c.channel()).isCloseTo(re, within(1e-10));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2})
  void channelAttributionDataMatchesDenseSolve(int order) {
    assertMatchesDense(ReferenceData.channelAttributionData(), order);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void randomLoopyPathsMatchDenseSolve(int order) {
    Random rnd = new Random(42 + order);
    List<PathStat> paths = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      List<String> path = new ArrayList<>();
      int len = 1 + rnd.nextInt(8);
      for (int j = 0; j < len; j++) {
        path.add("c" + rnd.nextInt(4));
      }
      paths.add(new PathStat(path, rnd.nextInt(3), rnd.nextDouble() * 10, rnd.nextInt(3)));
    }
    assertMatchesDense(paths, order);
  }

  @Test
  void largeOrderFourStateSpaceRuns() {
    int order = 4;
    // 16 channels, 20,000 long paths: tens of thousands of order-4 states.
    Random rnd = new Random(7);
    List<PathStat> paths = new ArrayList<>();
    double conversions = 0;
    double value = 0;
    for (int i = 0; i < 20_000; i++) {
      List<String> path = new ArrayList<>();
      int len = 1 + rnd.nextInt(12);
      for (int j = 0; j < len; j++) {
        path.add("ch" + rnd.nextInt(16));
      }
      PathStat p = new PathStat(path, rnd.nextInt(2), rnd.nextInt(100), 1 + rnd.nextInt(5));
      conversions += p.conversions();
      value += p.value();
      paths.add(p);
    }
    List<ChannelCredit> credits = MarkovModel.attribute(paths, order);
    assertThat(credits).hasSize(16);
    assertThat(credits.stream().mapToDouble(ChannelCredit::conversions).sum())
        .isCloseTo(conversions, within(1e-6 * conversions));
    assertThat(credits.stream().mapToDouble(ChannelCredit::value).sum())
        .isCloseTo(value, within(1e-6 * value));
  }
}
