package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.IdentityResolver;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.PersonUpdate;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.flow.Timing;
import dev.omnichannel.monitor.identity.NeverLinkRules;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Stream mode's identity resolver (see the package documentation): links, keyed by pair, to {@link
 * PairFilterFunction}; only the first occurrence of each pair goes on, keyed by a constant, to
 * {@link LiveIdentityFunction}; its decisions and the repeats meet again, keyed by pair, in {@link
 * PairOutcomeFunction}. Updates come at the linking event's time; merges hold the accepted merges,
 * the rejected first occurrences and the rejected repeats.
 */
public final class LiveResolver implements IdentityResolver {
  private final Timing timing;

  public LiveResolver(Timing timing) {
    this.timing = timing;
  }

  @Override
  public Resolved resolve(
      DataStream<Link> links,
      DataStream<Link> early,
      Map<String, Integer> limits,
      NeverLinkRules neverLink) {
    SingleOutputStreamOperator<Link> firsts =
        links
            .keyBy(Link::pairKey, Types.STRING)
            .process(new PairFilterFunction(timing))
            .returns(TypeInformation.of(Link.class))
            .uid("pair-filter")
            .name("first occurrence of each identity pair");
    SingleOutputStreamOperator<PersonUpdate> live =
        firsts
            .keyBy(l -> 0, Types.INT)
            .process(new LiveIdentityFunction(limits, neverLink))
            .returns(TypeInformation.of(PersonUpdate.class))
            .uid("identity-live")
            .name("Identity graph (live)");
    DataStream<IdentityMergeRow> repeats =
        firsts
            .getSideOutput(PairFilterFunction.REPEATS)
            .keyBy(Link::pairKey, Types.STRING)
            .connect(
                live.getSideOutput(LiveIdentityFunction.DECISIONS)
                    .keyBy(PairDecision::pairKey, Types.STRING))
            .process(new PairOutcomeFunction(timing))
            .returns(TypeInformation.of(IdentityMergeRow.class))
            .uid("pair-outcome")
            .name("rows for repeated rejected links");
    return new Resolved(
        live,
        List.of(live.getSideOutput(Tags.IDENTITY_MERGES), repeats),
        live.getSideOutput(Tags.PERSON_IDENTITIES));
  }
}
