package dev.omnichannel.monitor.patterns;

import dev.omnichannel.monitor.flow.Tags;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;

/**
 * Drops the matches of patterns ending in an absence step whose absence window had not passed when
 * the bounded input ended: at the end of a backfill CEP times out every open window, but "no
 * purchase within 72 h" is only known once 72 h of input have been seen. In: matches; on the
 * broadcast side the largest event time. Out: the confirmed matches. No keyed state.
 */
public class ConfirmAbsenceFunction
    extends BroadcastProcessFunction<PatternMatch, Long, PatternMatch> {
  private final Long fixedEndOfInput;

  /**
   * @param fixedEndOfInput the end of input when bounded by --to; null to use the broadcast
   */
  public ConfirmAbsenceFunction(Long fixedEndOfInput) {
    this.fixedEndOfInput = fixedEndOfInput;
  }

  @Override
  public void processElement(PatternMatch m, ReadOnlyContext ctx, Collector<PatternMatch> out)
      throws Exception {
    long end;
    if (fixedEndOfInput != null) {
      end = fixedEndOfInput;
    } else {
      Long b = ctx.getBroadcastState(Tags.END_OF_INPUT).get("end");
      if (b == null) {
        throw new IllegalStateException(
            "the end of input was not known when matches were confirmed");
      }
      end = b;
    }
    if (m.absenceDeadline <= end) {
      out.collect(m);
    }
  }

  @Override
  public void processBroadcastElement(Long maxTime, Context ctx, Collector<PatternMatch> out)
      throws Exception {
    Tags.updateEndOfInput(ctx.getBroadcastState(Tags.END_OF_INPUT), maxTime);
  }
}
