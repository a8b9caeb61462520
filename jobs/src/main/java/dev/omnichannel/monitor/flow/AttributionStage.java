package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.attribution.AttributionWindows;
import dev.omnichannel.monitor.avro.AttributionChannelRow;
import dev.omnichannel.monitor.avro.AttributionRow;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The data-driven part of attribution (MARKOV, SHAPLEY); the rule-based models are computed per
 * conversion in the person stage ({@link PersonFunction}).
 *
 * <pre>
 *  journey paths ─► window ─┬─► by window+path: sum ─► by window: solve ─► attribution_channel
 *                           │                                  └─► path shares ─┐
 *                           └─► (converted) by window+path ─────────────────────┴─► spread ─► attribution
 * </pre>
 *
 * Path counts are summed in parallel (keyed by window and path); only the distinct paths of a
 * window meet in one task, where the models are solved once. The per-conversion spread is parallel
 * again, by window and path.
 */
public final class AttributionStage {
  private AttributionStage() {}

  /** The data-driven attribution rows and the attribution_channel rows. */
  public record Streams(
      DataStream<AttributionRow> attribution, DataStream<AttributionChannelRow> channels) {}

  /**
   * Wires the data-driven models on the CONVERTED and ABANDONED journey paths, closing windows as
   * {@code close} says.
   */
  public static Streams dataDriven(
      DataStream<JourneyPath> paths,
      AttributionSettings settings,
      AttributionWindows windows,
      WindowClose close) {
    DataStream<JourneyPath> windowed =
        paths
            .flatMap(new AssignWindowFunction(windows))
            .returns(TypeInformation.of(JourneyPath.class))
            .name("attribution windows");
    SingleOutputStreamOperator<AttributionChannelRow> solved =
        windowed
            .map(PathAggregate::of)
            .returns(TypeInformation.of(PathAggregate.class))
            .name("path counts")
            .keyBy(a -> a.window + "|" + a.path, Types.STRING)
            .process(new PathCountFunction(close))
            .returns(TypeInformation.of(PathAggregate.class))
            .uid("attribution-path-counts")
            .name("sum path counts per window")
            .keyBy(a -> a.window, Types.LONG)
            .process(new SolveWindowFunction(settings, windows, close))
            .returns(TypeInformation.of(AttributionChannelRow.class))
            .uid("attribution-solve")
            .name("solve data-driven models per window");
    DataStream<AttributionRow> spread =
        windowed
            .filter(p -> p.converted)
            .name("conversions")
            .keyBy(JourneyPath::windowPathKey, Types.STRING)
            .connect(solved.getSideOutput(Tags.PATH_CREDITS).keyBy(c -> c.key, Types.STRING))
            .process(new SpreadCreditFunction(close))
            .returns(TypeInformation.of(AttributionRow.class))
            .uid("attribution-spread")
            .name("spread data-driven credit onto conversions");
    return new Streams(spread, solved);
  }
}
