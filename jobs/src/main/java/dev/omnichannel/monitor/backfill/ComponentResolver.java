package dev.omnichannel.monitor.backfill;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.IdentityResolver;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.PersonUpdate;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.identity.ComponentSteps;
import dev.omnichannel.monitor.identity.Fingerprint;
import dev.omnichannel.monitor.identity.Fingerprints;
import dev.omnichannel.monitor.identity.NeverLinkRules;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The backfill's identity resolver (BATCH execution): resolves every link in parallel, with full
 * knowledge, and gives exactly what {@link dev.omnichannel.monitor.identity.IdentityGraph} gives
 * when fed every event in order.
 *
 * <ol>
 *   <li>Each link becomes an edge between the {@link Fingerprint node ids} of its two identities
 *       (both directions; most repeated pairs are dropped on the way, {@link LinkEdgesFunction}).
 *   <li>{@code rounds} unrolled rounds of {@link ComponentSteps} (large-star, then small-star),
 *       each step a keyed exchange on a {@code long} node id, so the batch sorter compares
 *       fixed-length normalized keys ({@link StarStepFunction}).
 *   <li>{@link LabelLinksFunction}: keyed by node id, it receives the last round's edges and the
 *       accepted links whose primary is that node; it checks convergence (failing the job with
 *       {@link ComponentsNotConvergedException} otherwise) and labels each link with its component.
 *   <li>{@link ReplayFunction}: keyed by label, it replays each component's links in DESIGN's order
 *       with the guards (never_link rules, namespace limits) and emits the final persons and a row
 *       per rejected link occurrence.
 * </ol>
 *
 * No operator is keyed by a constant: every exchange spreads over all subtasks, and a replay holds
 * one component. The updates carry the timestamp {@link Long#MIN_VALUE}, so a BATCH operator that
 * keys them together with other input (the person assignment) sees them before any record of the
 * same key.
 */
public final class ComponentResolver implements IdentityResolver {
  /**
   * A default for the rounds: the generated data sets (up to a million events) need 2; a chain of n
   * identities in random node order needs about log₂ n (10 for 3,000). A run that needs more fails
   * with {@link ComponentsNotConvergedException} and can be run again with more.
   */
  public static final int DEFAULT_ROUNDS = 4;

  static final TypeInformation<Tuple2<Long, Long>> EDGE = Types.TUPLE(Types.LONG, Types.LONG);

  private final int rounds;
  private final Fingerprint fingerprint;

  /** A resolver with {@code rounds} rounds and the job's fingerprints. */
  public ComponentResolver(int rounds) {
    this(rounds, Fingerprints.DEFAULT);
  }

  /**
   * @param rounds the unrolled large-star/small-star rounds; 0 only checks the link graph itself
   * @param fingerprint the node ids (tests force collisions with their own)
   */
  public ComponentResolver(int rounds, Fingerprint fingerprint) {
    if (rounds < 0) {
      throw new IllegalArgumentException("rounds must not be negative: " + rounds);
    }
    this.rounds = rounds;
    this.fingerprint = Objects.requireNonNull(fingerprint, "fingerprint");
  }

  public int rounds() {
    return rounds;
  }

  @Override
  public Resolved resolve(
      DataStream<Link> links,
      DataStream<Link> early,
      Map<String, Integer> limits,
      NeverLinkRules neverLink) {
    Fingerprint fp = fingerprint;
    // Components from the links of every decoded record: a duplicate's links can only join more
    // identities into one component (a coarser grouping, replayed exactly all the same), and they
    // are ready before de-duplication ends, so the rounds run alongside it.
    DataStream<Tuple2<Long, Long>> edges =
        early.flatMap(new LinkEdgesFunction(fp)).returns(EDGE).name("Identity link edges");
    for (int r = 1; r <= rounds; r++) {
      edges =
          edges
              .keyBy(e -> e.f0, Types.LONG)
              .process(new StarStepFunction(StarStepFunction.Step.LARGE, r))
              .returns(EDGE)
              .uid("identity-large-star-" + r)
              .name("Identity large-star " + r);
      edges =
          edges
              .keyBy(e -> e.f0, Types.LONG)
              .process(new StarStepFunction(StarStepFunction.Step.SMALL, r))
              .returns(EDGE)
              .uid("identity-small-star-" + r)
              .name("Identity small-star " + r);
    }
    DataStream<Tuple2<Long, Link>> labelled =
        edges
            .connect(links)
            .keyBy(e -> e.f0, l -> fp.of(l.primary), Types.LONG)
            .process(new LabelLinksFunction(rounds))
            .returns(Types.TUPLE(Types.LONG, TypeInformation.of(Link.class)))
            .uid("identity-components")
            .name("Identity components");
    SingleOutputStreamOperator<PersonUpdate> replayed =
        labelled
            .keyBy(t -> t.f0, Types.LONG)
            .process(new ReplayFunction(limits, neverLink))
            .returns(TypeInformation.of(PersonUpdate.class))
            .uid("identity-replay")
            .name("Identity replay");
    DataStream<IdentityMergeRow> merges = replayed.getSideOutput(ReplayFunction.MERGES);
    return new Resolved(
        replayed
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<PersonUpdate>noWatermarks()
                    .withTimestampAssigner((u, ts) -> Long.MIN_VALUE))
            .name("Identity updates first"),
        List.of(merges),
        replayed.getSideOutput(Tags.PERSON_IDENTITIES));
  }
}
