package dev.omnichannel.monitor.identity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ComponentStepsTest {
  private static List<long[]> emitted(EdgeCall call) {
    List<long[]> out = new ArrayList<>();
    call.run((a, b) -> out.add(new long[] {a, b}));
    return out;
  }

  private interface EdgeCall {
    void run(ComponentSteps.EdgeSink sink);
  }

  private static List<String> str(List<long[]> edges) {
    List<String> s = new ArrayList<>();
    for (long[] e : edges) {
      s.add(e[0] + "-" + e[1]);
    }
    return s;
  }

  @Test
  void distinctSortsUnsignedAndDropsDuplicatesAndSelf() {
    long big = Fingerprints.withRank(7, 1); // negative as a signed long
    long[] ids = {5, big, 3, 5, 9, 3};
    int n = ComponentSteps.distinct(9, ids, ids.length);
    assertThat(n).isEqualTo(3);
    assertThat(new long[] {ids[0], ids[1], ids[2]}).containsExactly(3, 5, big);
  }

  @Test
  void largeStarAttachesLargerNeighboursToTheMinimum() {
    long[] nb = {2, 7, 9};
    assertThat(str(emitted(s -> ComponentSteps.largeStar(5, nb, 3, s))))
        .containsExactly("7-2", "9-2");
    long[] nb2 = {7, 9};
    assertThat(str(emitted(s -> ComponentSteps.largeStar(5, nb2, 2, s))))
        .containsExactly("7-5", "9-5");
    assertThat(emitted(s -> ComponentSteps.largeStar(5, new long[0], 0, s))).isEmpty();
  }

  @Test
  void smallStarAttachesTheNodeAndItsSmallerNeighboursToTheirMinimum() {
    long[] nb = {2, 3, 4};
    assertThat(str(emitted(s -> ComponentSteps.smallStar(5, nb, 3, s))))
        .containsExactly("3-2", "4-2", "5-2");
    assertThatThrownBy(() -> ComponentSteps.smallStar(5, new long[] {2, 6}, 2, (a, b) -> {}))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void checkAcceptsCentresAndLeavesOnly() {
    assertThat(ComponentSteps.isConverged(1, new long[] {2, 3}, 2)).isTrue();
    assertThat(ComponentSteps.label(1, new long[] {2, 3}, 2)).isEqualTo(1);
    assertThat(ComponentSteps.isConverged(4, new long[0], 0)).isTrue();
    assertThat(ComponentSteps.isConverged(3, new long[] {1}, 1)).isTrue();
    assertThat(ComponentSteps.label(3, new long[] {1}, 1)).isEqualTo(1);
    // in the middle of a path: one smaller and one larger neighbour
    assertThat(ComponentSteps.isConverged(2, new long[] {1, 3}, 2)).isFalse();
    // two smaller neighbours
    assertThat(ComponentSteps.isConverged(3, new long[] {1, 2}, 2)).isFalse();
    assertThatThrownBy(() -> ComponentSteps.label(2, new long[] {1, 3}, 2))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aCustomerWithItsDevicesAndCookiesIsConvergedFromTheStart() {
    long customer = Fingerprints.of("customer_id:C1");
    List<long[]> edges = new ArrayList<>();
    for (String other :
        List.of("email:x", "device_id:d1", "device_id:d2", "cookie_id:a", "cookie_id:b")) {
      edges.add(new long[] {customer, Fingerprints.of(other)});
    }
    ComponentSimulator.Run run = ComponentSimulator.run(edges, 0);
    assertThat(run.converged()).isTrue();
    assertThat(run.labels().values()).containsOnly(customer);
  }

  @Test
  void aPathIsNotConvergedUntilEnoughRounds() {
    List<long[]> path = new ArrayList<>();
    for (long i = 1; i < 64; i++) {
      path.add(new long[] {i, i + 1});
    }
    assertThat(ComponentSimulator.run(path, 0).converged()).isFalse();
    int needed = ComponentSimulator.roundsNeeded(path, 40);
    assertThat(needed).isPositive();
    assertThat(ComponentSimulator.run(path, needed - 1).converged()).isFalse();
    ComponentSimulator.Run run = ComponentSimulator.run(path, needed);
    assertThat(run.labels().values()).containsOnly(1L);
  }

  /** Random graphs: once converged, every node is labelled with its true component's minimum. */
  @Test
  void convergedLabelsAreTheComponentMinima() {
    PropertyCheck.forAll("star steps find components", ComponentStepsTest::randomGraph)
        .tries(300)
        .check(
            edges -> {
              Map<Long, Long> expected = componentMinima(edges);
              int n = expected.size();
              // Kiveris et al.: O(log² n) rounds; a generous constant here
              int max = 4 + 2 * (int) Math.ceil(Math.pow(Math.log(n + 2) / Math.log(2), 2));
              int needed = ComponentSimulator.roundsNeeded(edges, max);
              assertThat(needed).as("rounds needed for %d nodes", n).isNotNegative();
              ComponentSimulator.Run run = ComponentSimulator.run(edges, needed);
              assertThat(run.labels()).isEqualTo(expected);
              // the fixed point stays converged
              assertThat(ComponentSimulator.run(edges, needed + 1).labels()).isEqualTo(expected);
            });
  }

  /** Paths in worst orders need only logarithmically many rounds. */
  @Test
  void longPathsNeedFewRounds() {
    for (int n : new int[] {10, 100, 1000, 10_000}) {
      for (String order : List.of("increasing", "decreasing", "zigzag", "random")) {
        List<long[]> path = new ArrayList<>();
        long[] ids = pathIds(n, order, new Random(n));
        for (int i = 0; i + 1 < n; i++) {
          path.add(new long[] {ids[i], ids[i + 1]});
        }
        int needed = ComponentSimulator.roundsNeeded(path, 60);
        double log2 = Math.log(n) / Math.log(2);
        assertThat(needed)
            .as("rounds for a %s path of %d nodes", order, n)
            .isPositive()
            .isLessThanOrEqualTo((int) Math.ceil(2 * log2) + 2);
      }
    }
  }

  static long[] pathIds(int n, String order, Random r) {
    long[] ids = new long[n];
    for (int i = 0; i < n; i++) {
      ids[i] =
          switch (order) {
            case "increasing" -> i + 1;
            case "decreasing" -> n - i;
            case "zigzag" -> i % 2 == 0 ? i + 1 : 10L * n - i;
            default -> Fingerprints.withRank(6, r.nextLong());
          };
    }
    return ids;
  }

  static List<long[]> randomGraph(Random r) {
    int nodes = 1 + r.nextInt(r.nextBoolean() ? 12 : 200);
    long[] ids = new long[nodes];
    for (int i = 0; i < nodes; i++) {
      ids[i] =
          r.nextInt(4) == 0 ? Fingerprints.withRank(r.nextInt(8), r.nextLong()) : r.nextInt(1000);
    }
    List<long[]> edges = new ArrayList<>();
    int m = r.nextInt(2 * nodes + 1);
    for (int i = 0; i < m; i++) {
      int shape = r.nextInt(4);
      int a = r.nextInt(nodes);
      int b =
          switch (shape) {
            case 0 -> Math.min(nodes - 1, a + 1); // path pieces
            case 1 -> 0; // a hub
            default -> r.nextInt(nodes);
          };
      edges.add(new long[] {ids[a], ids[b]});
    }
    return edges;
  }

  /** Node to its component's minimum (unsigned), by plain union-find. */
  static Map<Long, Long> componentMinima(List<long[]> edges) {
    Map<Long, Long> parent = new HashMap<>();
    for (long[] e : edges) {
      parent.putIfAbsent(e[0], e[0]);
      parent.putIfAbsent(e[1], e[1]);
      long a = find(parent, e[0]);
      long b = find(parent, e[1]);
      if (a != b) {
        if (Long.compareUnsigned(a, b) < 0) {
          parent.put(b, a);
        } else {
          parent.put(a, b);
        }
      }
    }
    Map<Long, Long> out = new HashMap<>();
    for (long u : parent.keySet()) {
      out.put(u, find(parent, u));
    }
    return out;
  }

  private static long find(Map<Long, Long> parent, long x) {
    long p;
    while ((p = parent.get(x)) != x) {
      x = p;
    }
    return x;
  }
}
