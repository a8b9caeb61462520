package dev.omnichannel.monitor.io;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderInfo;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceEvent;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.SplitsAssignment;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.groups.SplitEnumeratorMetricGroup;

/**
 * A bounded source whose enumerator, when restored from a checkpoint or savepoint, tells every
 * reader that no more splits will come once its partition discovery has finished.
 *
 * <p>Works around FLINK-31006 (flink-connector-kafka 5.0.0): a bounded {@code KafkaSource} restored
 * from state runs one discovery, finds every partition already assigned, and returns without ever
 * sending {@code NoMoreSplitsEvent}; its readers then read up to their stopping offsets and wait
 * forever, so a bounded replay that is resumed from a savepoint, or restarted from a checkpoint,
 * never ends. The wrapper waits until the enumerator's asynchronous discovery (and any split
 * initialisation it starts) has completed, then signals every registered reader that the enumerator
 * has not signalled itself, and every reader that registers afterwards. Unbounded sources and fresh
 * starts are passed through untouched.
 *
 * @param <T> the records
 * @param <S> the splits
 * @param <E> the enumerator checkpoint
 */
public final class BoundedRestoreSource<T, S extends SourceSplit, E>
    implements Source<T, S, E>, ResultTypeQueryable<T> {
  private static final long serialVersionUID = 1L;

  private final Source<T, S, E> source;
  private final TypeInformation<T> type;

  /** Wraps {@code source}, which produces records of {@code type}. */
  public BoundedRestoreSource(Source<T, S, E> source, TypeInformation<T> type) {
    this.source = source;
    this.type = type;
  }

  /** The wrapped source. */
  public Source<T, S, E> delegate() {
    return source;
  }

  @Override
  public Boundedness getBoundedness() {
    return source.getBoundedness();
  }

  @Override
  public SourceReader<T, S> createReader(SourceReaderContext context) throws Exception {
    return source.createReader(context);
  }

  @Override
  public SplitEnumerator<S, E> createEnumerator(SplitEnumeratorContext<S> context)
      throws Exception {
    return source.createEnumerator(context);
  }

  @Override
  public SplitEnumerator<S, E> restoreEnumerator(SplitEnumeratorContext<S> context, E checkpoint)
      throws Exception {
    if (source.getBoundedness() != Boundedness.BOUNDED) {
      return source.restoreEnumerator(context, checkpoint);
    }
    Signalling<S> signalling = new Signalling<>(context);
    return new Enumerator<>(source.restoreEnumerator(signalling, checkpoint), signalling);
  }

  @Override
  public SimpleVersionedSerializer<S> getSplitSerializer() {
    return source.getSplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<E> getEnumeratorCheckpointSerializer() {
    return source.getEnumeratorCheckpointSerializer();
  }

  @Override
  public TypeInformation<T> getProducedType() {
    return type;
  }

  /**
   * The enumerator's context, recording which readers have been told "no more splits" and when the
   * asynchronous calls the enumerator started have all completed. Everything runs in the
   * coordinator thread, so nothing is synchronised.
   */
  static final class Signalling<S extends SourceSplit> implements SplitEnumeratorContext<S> {
    private final SplitEnumeratorContext<S> context;
    private final Set<Integer> signalled = new HashSet<>();
    private int pendingCalls;
    private boolean discovered;

    Signalling(SplitEnumeratorContext<S> context) {
      this.context = context;
    }

    /** Signals the readers still waiting, once discovery has completed. */
    void signalWaitingReaders() {
      if (!discovered) {
        return;
      }
      for (int reader : context.registeredReaders().keySet()) {
        if (!signalled.contains(reader)) {
          signalNoMoreSplits(reader);
        }
      }
    }

    void readerRegistering(int reader) {
      signalled.remove(reader);
    }

    @Override
    public SplitEnumeratorMetricGroup metricGroup() {
      return context.metricGroup();
    }

    @Override
    public void sendEventToSourceReader(int subtaskId, SourceEvent event) {
      context.sendEventToSourceReader(subtaskId, event);
    }

    @Override
    public void sendEventToSourceReader(int subtaskId, int attemptNumber, SourceEvent event) {
      context.sendEventToSourceReader(subtaskId, attemptNumber, event);
    }

    @Override
    public int currentParallelism() {
      return context.currentParallelism();
    }

    @Override
    public Map<Integer, ReaderInfo> registeredReaders() {
      return context.registeredReaders();
    }

    @Override
    public Map<Integer, Map<Integer, ReaderInfo>> registeredReadersOfAttempts() {
      return context.registeredReadersOfAttempts();
    }

    @Override
    public void assignSplits(SplitsAssignment<S> assignment) {
      context.assignSplits(assignment);
    }

    @Override
    public void signalNoMoreSplits(int subtask) {
      signalled.add(subtask);
      context.signalNoMoreSplits(subtask);
    }

    @Override
    public <V> void callAsync(Callable<V> callable, BiConsumer<V, Throwable> handler) {
      pendingCalls++;
      context.callAsync(
          callable,
          (value, error) -> {
            handler.accept(value, error);
            pendingCalls--;
            if (pendingCalls == 0) {
              discovered = true;
              signalWaitingReaders();
            }
          });
    }

    @Override
    public <V> void callAsync(
        Callable<V> callable, BiConsumer<V, Throwable> handler, long initialDelay, long period) {
      // Periodic discovery: only unbounded sources use it, and they are not wrapped.
      context.callAsync(callable, handler, initialDelay, period);
    }

    @Override
    public void runInCoordinatorThread(Runnable runnable) {
      context.runInCoordinatorThread(runnable);
    }

    @Override
    public void setIsProcessingBacklog(boolean isProcessingBacklog) {
      context.setIsProcessingBacklog(isProcessingBacklog);
    }
  }

  /** The restored enumerator, signalling readers that register after discovery completed. */
  static final class Enumerator<S extends SourceSplit, E> implements SplitEnumerator<S, E> {
    private final SplitEnumerator<S, E> enumerator;
    private final Signalling<S> context;

    Enumerator(SplitEnumerator<S, E> enumerator, Signalling<S> context) {
      this.enumerator = enumerator;
      this.context = context;
    }

    @Override
    public void start() {
      enumerator.start();
    }

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {
      enumerator.handleSplitRequest(subtaskId, requesterHostname);
    }

    @Override
    public void addSplitsBack(List<S> splits, int subtaskId) {
      enumerator.addSplitsBack(splits, subtaskId);
    }

    @Override
    public void addReader(int subtaskId) {
      context.readerRegistering(subtaskId);
      enumerator.addReader(subtaskId);
      context.signalWaitingReaders();
    }

    @Override
    public E snapshotState(long checkpointId) throws Exception {
      return enumerator.snapshotState(checkpointId);
    }

    @Override
    public void close() throws java.io.IOException {
      enumerator.close();
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) throws Exception {
      enumerator.notifyCheckpointComplete(checkpointId);
    }

    @Override
    public void notifyCheckpointAborted(long checkpointId) throws Exception {
      enumerator.notifyCheckpointAborted(checkpointId);
    }

    @Override
    public void handleSourceEvent(int subtaskId, SourceEvent sourceEvent) {
      enumerator.handleSourceEvent(subtaskId, sourceEvent);
    }
  }
}
