package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.patterns.PatternMatch;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Turns confirmed matches into {@link Alert}s with the person's recent channel context. Keyed by
 * person_id. In: the person and channel of each of the person's events ({@link PersonChannel}, in
 * event time) and confirmed matches. Out: one alert per match, as JSON. State: the person's last
 * few channels and their times, expired after {@code contextTtl} without events.
 */
public class AlertFunction
    extends KeyedCoProcessFunction<String, PersonChannel, PatternMatch, String> {
  private final java.time.Duration contextTtl;
  private transient ListState<String> recent;

  public AlertFunction(java.time.Duration contextTtl) {
    this.contextTtl = contextTtl;
  }

  @Override
  public void open(OpenContext ctx) {
    ListStateDescriptor<String> d = new ListStateDescriptor<>("recent-channels", Types.STRING);
    d.enableTimeToLive(StateTtlConfig.newBuilder(contextTtl).build());
    recent = getRuntimeContext().getListState(d);
  }

  @Override
  public void processElement1(PersonChannel e, Context ctx, Collector<String> out)
      throws Exception {
    List<String> channels = new ArrayList<>();
    for (String c : recent.get()) {
      channels.add(c);
    }
    if (channels.isEmpty() || !channels.get(channels.size() - 1).equals(e.channel)) {
      channels.add(e.channel);
    }
    while (channels.size() > Alert.CONTEXT) {
      channels.remove(0);
    }
    recent.update(channels);
  }

  @Override
  public void processElement2(PatternMatch m, Context ctx, Collector<String> out) throws Exception {
    List<String> channels = new ArrayList<>();
    for (String c : recent.get()) {
      channels.add(c);
    }
    out.collect(Alert.of(m, channels).toJson());
  }
}
