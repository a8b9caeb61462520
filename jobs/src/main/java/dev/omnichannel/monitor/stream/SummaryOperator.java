package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.RunSummary;
import dev.omnichannel.monitor.flow.Table;
import dev.omnichannel.monitor.io.OutputClaims;
import dev.omnichannel.monitor.io.StoreFiles;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeHint;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.core.fs.Path;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

/**
 * Keeps the stream run's accounting and writes the run summary. Runs with parallelism 1. In: {@link
 * CountDelta}s from the {@link CountingOperator}s. Out: nothing; writes {@code
 * <output>/_runs/<run_id>.json} each time a checkpoint completes (with the totals as of that
 * checkpoint, for which {@code input = accepted + duplicates + late + dead letters + suppressed}
 * holds exactly, and the size of the suppression list every operator had applied by then) and when
 * a bounded input ends, including the rows written per table. With each completed checkpoint it
 * also refreshes the job's lease on the days it may still write ({@link OutputClaims}), and removes
 * it when a bounded input ends. State: the totals (operator state, restored after a failure, so the
 * books carry over across restarts and savepoints).
 */
public class SummaryOperator extends AbstractStreamOperator<Void>
    implements OneInputStreamOperator<CountDelta, Void> {
  private final String output;
  private final String runId;
  private final List<String> arguments;
  private final String startedAt;
  private final Duration horizon;
  private transient long watermark = Long.MIN_VALUE;
  private transient Map<String, Long> totals;
  private transient Map<Long, Map<String, Long>> atCheckpoint;
  private transient ListState<Map<String, Long>> state;
  private transient boolean finished;

  /**
   * @param horizon how far behind the watermark a row's partition time may be: the stream may still
   *     write every day from the watermark minus this on (its lease, see {@link OutputClaims})
   */
  public SummaryOperator(String output, String runId, List<String> arguments, Duration horizon) {
    this.output = output;
    this.runId = runId;
    this.arguments = List.copyOf(arguments);
    this.startedAt = Instant.now().toString();
    this.horizon = horizon;
  }

  /** A stream lease not refreshed for this long belongs to a job that no longer runs. */
  static final Duration LEASE_STALE_AFTER = Duration.ofHours(1);

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    watermark = Math.max(watermark, mark.getTimestamp());
    super.processWatermark(mark);
  }

  @Override
  public void processElement(StreamRecord<CountDelta> r) {
    if (r.getValue().counter.equals(SUPPRESSION_LIST)) {
      // a level, not a count: the list only grows, and a restart reports it again
      totals.merge(SUPPRESSION_LIST, r.getValue().delta, Math::max);
      return;
    }
    totals.merge(r.getValue().counter, r.getValue().delta, Long::sum);
  }

  /** The size of the suppression list in force (a level: the largest reported is kept). */
  static final String SUPPRESSION_LIST = "suppression_list_identities";

  @Override
  public void snapshotState(StateSnapshotContext ctx) throws Exception {
    super.snapshotState(ctx);
    state.update(List.of(new TreeMap<>(totals)));
    atCheckpoint.put(ctx.getCheckpointId(), new TreeMap<>(totals));
  }

  @Override
  public void initializeState(StateInitializationContext ctx) throws Exception {
    super.initializeState(ctx);
    state =
        ctx.getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>(
                    "totals", TypeInformation.of(new TypeHint<Map<String, Long>>() {})));
    totals = new HashMap<>();
    atCheckpoint = new TreeMap<>();
    if (ctx.isRestored()) {
      for (Map<String, Long> m : state.get()) {
        m.forEach((k, v) -> totals.merge(k, v, Long::sum));
      }
    }
  }

  @Override
  public void notifyCheckpointComplete(long checkpointId) throws Exception {
    super.notifyCheckpointComplete(checkpointId);
    Map<String, Long> counts = atCheckpoint.remove(checkpointId);
    atCheckpoint.keySet().removeIf(id -> id < checkpointId);
    if (counts != null) {
      write(counts, checkpointId, finished ? "FINISHED" : "RUNNING");
    }
    if (!finished) {
      OutputClaims.writeStreamLease(
          outputPath(),
          runId,
          Instant.now(),
          watermark == Long.MIN_VALUE || watermark == Long.MAX_VALUE
              ? null
              : Instant.ofEpochMilli(watermark),
          horizon,
          LEASE_STALE_AFTER);
    }
  }

  @Override
  public void finish() throws Exception {
    finished = true;
    write(totals, null, "FINISHED");
    // a bounded input has ended: this job writes no more days
    OutputClaims.removeStreamLease(outputPath(), runId);
    super.finish();
  }

  /**
   * The output as a path of Flink's file systems: a plain path, a {@code file:} URI or an object
   * store's URI ({@code s3://bucket/prefix}).
   */
  private Path outputPath() {
    return output.startsWith("/") ? new Path(new java.io.File(output).toURI()) : new Path(output);
  }

  /** The summary of {@code counts}. */
  RunSummary summary(Map<String, Long> counts, Long checkpointId, String status) {
    RunSummary s = new RunSummary();
    s.runId = runId;
    s.mode = "stream";
    s.checkpointId = checkpointId;
    s.arguments = arguments;
    s.startedAt = startedAt;
    s.endedAt = Instant.now().toString();
    s.accounting.inputRecords = counts.getOrDefault(Counters.INPUT_RECORDS, 0L);
    s.accounting.acceptedEvents = counts.getOrDefault(Counters.ACCEPTED_EVENTS, 0L);
    s.accounting.duplicates = counts.getOrDefault(Counters.DUPLICATES, 0L);
    s.accounting.lateEvents = counts.getOrDefault(Counters.LATE_EVENTS, 0L);
    s.accounting.deadLetters = counts.getOrDefault(Counters.DEAD_LETTERS, 0L);
    s.accounting.suppressed = counts.getOrDefault(Counters.SUPPRESSED, 0L);
    s.suppressionListIdentities = counts.getOrDefault(SUPPRESSION_LIST, 0L);
    for (String table : Table.allTables()) {
      s.tables.put(table, 0L);
    }
    counts.entrySet().stream()
        .filter(e -> e.getKey().startsWith(StreamPipeline.TABLE_ROWS))
        .sorted(Map.Entry.comparingByKey())
        .forEach(
            e ->
                s.tables.put(
                    e.getKey().substring(StreamPipeline.TABLE_ROWS.length()), e.getValue()));
    s.status = s.accounting.balanced() ? status : "ACCOUNTING_MISMATCH";
    return s;
  }

  private void write(Map<String, Long> counts, Long checkpointId, String status) throws Exception {
    RunSummary s = summary(counts, checkpointId, status);
    Path file = new Path(new Path(outputPath(), "_runs"), runId + ".json");
    try {
      // in one piece: a reader sees the last summary or this one, on a disk or an object store
      StoreFiles.write(file, s.toJson());
    } catch (IOException e) {
      throw new IOException("cannot write the run summary " + file + ": " + e.getMessage(), e);
    }
  }
}
