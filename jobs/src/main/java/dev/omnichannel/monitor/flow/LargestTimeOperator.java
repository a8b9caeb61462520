package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.event.Event;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;

/**
 * Passes events through and tracks the largest event time of this subtask: the end of input of a
 * bounded run, which decides whether a backfill's last journeys are OPEN or ABANDONED and which
 * trailing absences are confirmed. The subtask's largest time goes to {@link #LARGEST} whenever it
 * grew, just before each watermark is forwarded and when the input ends, so it reaches the
 * operators that use it (over a broadcast) before the final watermark does. Every subtask sends its
 * own maximum; the receivers keep the largest. No operator is keyed by a constant and nothing
 * scales with the data. Stateless: after a restore the next event or watermark sends the maximum
 * again.
 */
public class LargestTimeOperator extends AbstractStreamOperator<Event>
    implements OneInputStreamOperator<Event, Event>, BoundedOneInput {
  /** The subtasks' largest event times. */
  public static final OutputTag<Long> LARGEST = new OutputTag<>("largest-event-time", Types.LONG);

  private transient long largest = Long.MIN_VALUE;
  private transient long sent = Long.MIN_VALUE;
  private transient StreamRecord<Long> out;

  @Override
  public void open() throws Exception {
    super.open();
    largest = Long.MIN_VALUE;
    sent = Long.MIN_VALUE;
    out = new StreamRecord<>(0L);
  }

  @Override
  public void processElement(StreamRecord<Event> element) {
    long t = element.getValue().eventTime;
    if (t > largest) {
      largest = t;
    }
    output.collect(element);
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    flush();
    super.processWatermark(mark);
  }

  @Override
  public void endInput() {
    flush();
  }

  private void flush() {
    if (largest > sent) {
      sent = largest;
      output.collect(LARGEST, out.replace(largest));
    }
  }
}
