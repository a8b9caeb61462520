package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.flow.IdentityResolver;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.PersonUpdate;
import dev.omnichannel.monitor.flow.Tags;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * Stream mode's identity resolver: the first links, keyed by a constant, into {@link
 * LiveIdentityFunction}. Updates come at the linking event's time; merges hold the accepted merges
 * and the rejected first occurrences; decisions come before the watermark passes the first
 * occurrence.
 */
public final class LiveResolver implements IdentityResolver {
  @Override
  public Resolved resolve(DataStream<Link> firstLinks, Map<String, Integer> limits) {
    SingleOutputStreamOperator<PersonUpdate> live =
        firstLinks
            .keyBy(l -> 0, Types.INT)
            .process(new LiveIdentityFunction(limits))
            .returns(TypeInformation.of(PersonUpdate.class))
            .uid("identity-live")
            .name("Identity graph (live)");
    return new Resolved(
        live,
        live.getSideOutput(Tags.IDENTITY_MERGES),
        live.getSideOutput(LiveIdentityFunction.DECISIONS));
  }
}
