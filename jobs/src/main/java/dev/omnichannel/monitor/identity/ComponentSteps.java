package dev.omnichannel.monitor.identity;

/**
 * Connected components without iterations: the alternating Large-Star / Small-Star algorithm of
 * Kiveris, Lattanzi, Mirrokni, Rastogi and Vassilvitskii ("Connected Components in MapReduce and
 * Beyond", SoCC 2014), written as pure functions over one node's neighbour list, so that each step
 * is one keyed exchange on the node id.
 *
 * <p>Nodes are 64-bit ids ({@link Fingerprints}) compared unsigned. Γ⁺(u) is u with its neighbours.
 *
 * <ul>
 *   <li><b>Large-star</b> at u (u sees all its neighbours): with m = min Γ⁺(u), every neighbour v
 *       &gt; u is re-attached to m: emit the edge (v, m). The edges to smaller neighbours are
 *       dropped here; they are emitted by the smaller endpoint.
 *   <li><b>Small-star</b> at u (u sees its neighbours smaller than u): with m = min Γ⁺(u), u and
 *       every such neighbour are attached to m: emit (v, m) for v in Γ⁺(u), v ≠ m.
 * </ul>
 *
 * Both steps preserve every connected component and never add a node. A round is one large-star and
 * one small-star. Kiveris et al. prove that the alternation reaches the fixed point in O(log² n)
 * rounds for a component of n nodes, and observe about log n in practice. The fixed point is a star
 * forest whose centres are the component minima, which {@link #isConverged} checks exactly, node by
 * node: a node must be either a <b>centre</b> (every neighbour larger) or a <b>leaf</b> (exactly
 * one neighbour, smaller). If every node passes, every component is one star centred on its
 * minimum: a leaf's only neighbour has a larger neighbour, so it is no leaf and must be a centre; a
 * centre's neighbours are larger, so they are leaves; hence each component is a centre with its
 * leaves, and the centre is the component's smallest node.
 */
public final class ComponentSteps {
  /** Receives the undirected edges a step emits. */
  @FunctionalInterface
  public interface EdgeSink {
    void edge(long a, long b);
  }

  private ComponentSteps() {}

  /**
   * Sorts {@code ids[0..n)} unsigned, drops duplicates and {@code self}, and returns the new
   * length.
   */
  public static int distinct(long self, long[] ids, int n) {
    Fingerprints.sortUnsigned(ids, n);
    int k = 0;
    for (int i = 0; i < n; i++) {
      long v = ids[i];
      if (v != self && (k == 0 || ids[k - 1] != v)) {
        ids[k++] = v;
      }
    }
    return k;
  }

  /**
   * The large-star step at {@code u}.
   *
   * @param neighbours u's neighbours, distinct and sorted unsigned ({@link #distinct})
   * @param n how many of {@code neighbours} are used
   * @param out receives (v, m) for every neighbour v &gt; u, where m = min Γ⁺(u) (so v &gt; m)
   */
  public static void largeStar(long u, long[] neighbours, int n, EdgeSink out) {
    long m = n > 0 ? Fingerprints.min(u, neighbours[0]) : u;
    for (int i = 0; i < n; i++) {
      long v = neighbours[i];
      if (Long.compareUnsigned(v, u) > 0) {
        out.edge(v, m);
      }
    }
  }

  /**
   * The small-star step at {@code u}.
   *
   * @param neighbours u's neighbours smaller than u, distinct and sorted unsigned
   * @param n how many of {@code neighbours} are used
   * @param out receives (v, m) for every v in Γ⁺(u) other than m = min Γ⁺(u) (so v &gt; m)
   * @throws IllegalArgumentException when a neighbour is not smaller than u
   */
  public static void smallStar(long u, long[] neighbours, int n, EdgeSink out) {
    if (n == 0) {
      return;
    }
    if (Long.compareUnsigned(neighbours[n - 1], u) >= 0) {
      throw new IllegalArgumentException(
          "small-star at " + Long.toHexString(u) + " got a neighbour that is not smaller");
    }
    long m = neighbours[0];
    for (int i = 1; i < n; i++) {
      out.edge(neighbours[i], m);
    }
    out.edge(u, m);
  }

  /**
   * True when {@code u} is a centre (every neighbour larger; also a node without neighbours) or a
   * leaf (exactly one neighbour, and it is smaller).
   *
   * @param neighbours u's neighbours, distinct and sorted unsigned
   */
  public static boolean isConverged(long u, long[] neighbours, int n) {
    if (n == 0 || Long.compareUnsigned(neighbours[0], u) > 0) {
      return true;
    }
    return n == 1;
  }

  /**
   * The component label of a converged node: itself for a centre, its one neighbour for a leaf.
   *
   * @throws IllegalStateException when the node is not converged
   */
  public static long label(long u, long[] neighbours, int n) {
    if (!isConverged(u, neighbours, n)) {
      throw new IllegalStateException("node " + Long.toHexString(u) + " has not converged");
    }
    return n == 0 || Long.compareUnsigned(neighbours[0], u) > 0 ? u : neighbours[0];
  }
}
