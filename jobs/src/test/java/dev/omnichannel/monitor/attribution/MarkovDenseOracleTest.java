package dev.omnichannel.monitor.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SortedSet;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Checks the sparse iterative Markov solver against an independent dense direct solve where the
 * state space is small enough: the same order-k states are built from the paths, and (I − Q) h =
 * p_conv (conversion) and (I − Q) v = p_conv·m (value, m = the mean value of the conversions
 * observed leaving each state) are solved together by Gaussian elimination with partial pivoting,
 * once for the whole chain and once per removed channel. Removal effects must agree to 1e-10
 * absolute, credits to 1e-9 relative.
 */
class MarkovDenseOracleTest {

  /** The credits the dense solve gives, one per channel, sorted by channel. */
  static List<ChannelCredit> denseCredits(List<PathStat> paths, int order) {
    DenseChain chain = new DenseChain(paths, order);
    double[] base = chain.solve(null);
    List<String> names = new ArrayList<>(chain.channels);
    double[] re = new double[names.size()];
    double[] valueRe = new double[names.size()];
    double sum = 0;
    double valueSum = 0;
    for (int c = 0; c < names.size(); c++) {
      double[] removed = chain.solve(names.get(c));
      re[c] = base[0] > 0 ? 1 - removed[0] / base[0] : 0;
      valueRe[c] = base[1] > 0 ? 1 - removed[1] / base[1] : 0;
      sum += re[c];
      valueSum += valueRe[c];
    }
    List<ChannelCredit> out = new ArrayList<>();
    for (int c = 0; c < names.size(); c++) {
      out.add(
          new ChannelCredit(
              names.get(c),
              re[c],
              valueRe[c],
              sum > 0 ? chain.conversions * re[c] / sum : 0,
              valueSum > 0 ? chain.value * valueRe[c] / valueSum : 0));
    }
    return out;
  }

  /** The order-k chain in dense arrays, built from the paths independently of MarkovModel. */
  private static final class DenseChain {
    final SortedSet<String> channels = new TreeSet<>();
    final List<List<String>> tuples = new ArrayList<>();
    final List<Map<Integer, Double>> rows = new ArrayList<>();
    final List<double[]> absorbed =
        new ArrayList<>(); // {conversions, value, nulls} leaving a state
    double conversions;
    double value;

    DenseChain(List<PathStat> paths, int order) {
      Map<List<String>, Integer> index = new HashMap<>();
      index.put(List.of(), 0);
      tuples.add(List.of());
      rows.add(new HashMap<>());
      absorbed.add(new double[3]);
      for (PathStat p : paths) {
        List<String> c = MarkovModel.collapse(p.path());
        if (c.isEmpty()) {
          continue;
        }
        channels.addAll(c);
        conversions += p.conversions();
        value += p.value();
        double walks = p.conversions() + p.nulls();
        if (walks <= 0) {
          continue;
        }
        int from = 0;
        for (int i = 0; i < c.size(); i++) {
          List<String> t = List.copyOf(c.subList(Math.max(0, i - order + 1), i + 1));
          Integer to = index.get(t);
          if (to == null) {
            to = tuples.size();
            index.put(t, to);
            tuples.add(t);
            rows.add(new HashMap<>());
            absorbed.add(new double[3]);
          }
          rows.get(from).merge(to, walks, Double::sum);
          from = to;
        }
        absorbed.get(from)[0] += p.conversions();
        absorbed.get(from)[1] += p.value();
        absorbed.get(from)[2] += p.nulls();
      }
    }

    /**
     * {P(conversion from start), expected conversion value from start}, with the states whose tuple
     * contains {@code removed} sent to (null) ({@code null}: nothing removed).
     */
    double[] solve(String removed) {
      // Unknowns: the states not removed (a removed state's h and v are 0), shortest tuples first:
      // below the diagonal there are then only the transitions among the order-k tuples.
      List<Integer> keep = new ArrayList<>();
      for (int s = 0; s < tuples.size(); s++) {
        if (removed == null || !tuples.get(s).contains(removed)) {
          keep.add(s);
        }
      }
      keep.sort(Comparator.comparingInt(s -> tuples.get(s).size()));
      int m = keep.size();
      int[] pos = new int[tuples.size()];
      Arrays.fill(pos, -1);
      for (int i = 0; i < m; i++) {
        pos[keep.get(i)] = i;
      }
      double[][] a = new double[m][m + 2];
      for (int i = 0; i < m; i++) {
        int s = keep.get(i);
        double[] abs = absorbed.get(s);
        double total = abs[0] + abs[2];
        for (double w : rows.get(s).values()) {
          total += w;
        }
        a[i][i] = 1;
        if (total <= 0) {
          continue;
        }
        for (Map.Entry<Integer, Double> e : rows.get(s).entrySet()) {
          int j = pos[e.getKey()];
          if (j >= 0) {
            a[i][j] -= e.getValue() / total;
          }
        }
        double pConv = abs[0] / total;
        double mean = abs[0] > 0 ? abs[1] / abs[0] : 0;
        a[i][m] = pConv;
        a[i][m + 1] = pConv * mean;
      }
      // forward elimination with partial pivoting
      for (int col = 0; col < m; col++) {
        int pivot = col;
        for (int r = col + 1; r < m; r++) {
          if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
            pivot = r;
          }
        }
        double[] tmp = a[col];
        a[col] = a[pivot];
        a[pivot] = tmp;
        double[] p = a[col];
        for (int r = col + 1; r < m; r++) {
          double[] row = a[r];
          if (row[col] != 0) {
            double f = row[col] / p[col];
            for (int k = col; k < m + 2; k++) {
              row[k] -= f * p[k];
            }
          }
        }
      }
      // back substitution; (start) is unknown 0
      double[][] x = new double[m][2];
      for (int i = m - 1; i >= 0; i--) {
        for (int rhs = 0; rhs < 2; rhs++) {
          double y = a[i][m + rhs];
          for (int j = i + 1; j < m; j++) {
            y -= a[i][j] * x[j][rhs];
          }
          x[i][rhs] = y / a[i][i];
        }
      }
      return x[0];
    }
  }

  static void assertMatchesDense(List<PathStat> paths, int order) {
    List<ChannelCredit> expected = denseCredits(paths, order);
    List<ChannelCredit> credits = MarkovModel.attribute(paths, order);
    assertThat(credits)
        .extracting(ChannelCredit::channel)
        .containsExactlyElementsOf(expected.stream().map(ChannelCredit::channel).toList());
    for (int c = 0; c < credits.size(); c++) {
      ChannelCredit got = credits.get(c);
      ChannelCredit want = expected.get(c);
      assertThat(got.removalEffect())
          .as("removal effect of %s", got.channel())
          .isCloseTo(want.removalEffect(), within(1e-10));
      assertThat(got.valueRemovalEffect())
          .as("value removal effect of %s", got.channel())
          .isCloseTo(want.valueRemovalEffect(), within(1e-10));
      assertThat(got.conversions())
          .as("conversions of %s", got.channel())
          .isCloseTo(want.conversions(), within(1e-9 * Math.max(1, Math.abs(want.conversions()))));
      assertThat(got.value())
          .as("value of %s", got.channel())
          .isCloseTo(want.value(), within(1e-9 * Math.max(1, Math.abs(want.value()))));
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
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

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3})
  void randomPathsWithSkewedValuesMatchDenseSolve(int order) {
    // values that depend on the last channel, so value removal effects differ from removal effects
    Random rnd = new Random(1000 + order);
    List<PathStat> paths = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      List<String> path = new ArrayList<>();
      int len = 1 + rnd.nextInt(6);
      for (int j = 0; j < len; j++) {
        path.add("c" + rnd.nextInt(5));
      }
      int conversions = rnd.nextInt(4);
      double perConversion = 1 + 50 * (path.get(len - 1).charAt(1) - '0') + rnd.nextDouble();
      paths.add(new PathStat(path, conversions, conversions * perConversion, rnd.nextInt(4)));
    }
    List<ChannelCredit> dense = denseCredits(paths, order);
    assertThat(dense)
        .anySatisfy(
            c ->
                assertThat(Math.abs(c.valueRemovalEffect() - c.removalEffect()))
                    .isGreaterThan(1e-3));
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
