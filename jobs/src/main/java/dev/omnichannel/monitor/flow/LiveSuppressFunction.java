package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.identity.SuppressionList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ReadOnlyBroadcastState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Stream mode: drops the events of erased persons, with the suppression list as it changes. In:
 * decoded, pseudonymised events; on the broadcast side the list each time it grew ({@link
 * SuppressionPoller}). Out: every event none of whose identities is on the list in force; each
 * other one goes to {@link SuppressFunction#SUPPRESSED} (counted as suppressed; it sits before the
 * late filter and de-duplication, so late copies and duplicates of a suppressed event count as
 * suppressed too, and none of it reaches late_events or the identity graph). With an empty list
 * every event passes without hashing.
 *
 * <p>State: the list's hashes in broadcast state ({@link #HASHES}), so a restored job suppresses
 * what it suppressed before, even before its first read of the file; the list in force is the union
 * of the one the job was started with, the broadcast state and every update (lists only grow).
 * Never cleared.
 */
public class LiveSuppressFunction extends BroadcastProcessFunction<Event, Signal, Event> {
  /** Broadcast state: the suppressed identities' hashes (values unused). */
  public static final MapStateDescriptor<String, Boolean> HASHES =
      new MapStateDescriptor<>("suppressed-identities", Types.STRING, Types.BOOLEAN);

  private final SuppressionList initial;
  private transient SuppressionList list;
  private transient boolean restored;
  private transient LongCounter suppressed;

  /**
   * @param initial the list read when the job was started
   */
  public LiveSuppressFunction(SuppressionList initial) {
    this.initial = initial;
  }

  @Override
  public void open(OpenContext ctx) {
    list = initial;
    restored = false;
    suppressed = getRuntimeContext().getLongCounter(Counters.SUPPRESSED);
  }

  @Override
  public void processElement(Event e, ReadOnlyContext ctx, Collector<Event> out) throws Exception {
    if (!restored) {
      list = list.union(fromState(ctx.getBroadcastState(HASHES)));
      restored = true;
    }
    if (list.isEmpty() || !list.containsAny(e.identities)) {
      out.collect(e);
      return;
    }
    suppressed.add(1);
    ctx.output(SuppressFunction.SUPPRESSED, e);
  }

  @Override
  public void processBroadcastElement(Signal s, Context ctx, Collector<Event> out)
      throws Exception {
    if (!s.isSuppression()) {
      return;
    }
    if (!restored) {
      list = list.union(fromState(ctx.getBroadcastState(HASHES)));
      restored = true;
    }
    list = list.union(SuppressionList.ofHashes(List.of(s.suppressed)));
    for (String h : s.suppressed) {
      ctx.getBroadcastState(HASHES).put(h, Boolean.TRUE);
    }
  }

  /** The list held in broadcast state {@code state}. */
  static SuppressionList fromState(ReadOnlyBroadcastState<String, Boolean> state) throws Exception {
    List<String> hashes = new ArrayList<>();
    for (Map.Entry<String, Boolean> h : state.immutableEntries()) {
      hashes.add(h.getKey());
    }
    return SuppressionList.ofHashes(hashes);
  }
}
