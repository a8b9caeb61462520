package dev.omnichannel.monitor.stream;

import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Counts the records of one stream for the run summary. In: any records. Out: a {@link CountDelta}
 * just before each checkpoint barrier (and when the input ends), so the summary task has received
 * every count of the records before a barrier when that barrier reaches it: its totals at a
 * checkpoint are consistent, and the accounting identity holds exactly. Also a live Flink metric
 * named after the counter (web UI, REST API, any metrics reporter). No state: the pending count is
 * always flushed before a snapshot.
 */
public class CountingOperator<T> extends AbstractStreamOperator<CountDelta>
    implements OneInputStreamOperator<T, CountDelta> {
  private final String counter;
  private final long step;
  private transient long pending;
  private transient Counter metric;

  public CountingOperator(String counter) {
    this(counter, 1);
  }

  /** Counts {@code step} per record (-1 takes records back from a counter). */
  public CountingOperator(String counter, long step) {
    this.counter = counter;
    this.step = step;
  }

  @Override
  public void open() throws Exception {
    super.open();
    metric = getMetricGroup().counter(counter);
  }

  @Override
  public void processElement(StreamRecord<T> element) {
    pending += step;
    metric.inc(step);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush();
  }

  @Override
  public void finish() throws Exception {
    flush();
    super.finish();
  }

  private void flush() {
    if (pending != 0) {
      output.collect(new StreamRecord<>(new CountDelta(counter, pending)));
      pending = 0;
    }
  }
}
