package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.identity.SuppressionList;
import dev.omnichannel.monitor.io.StoreFiles;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.operators.ProcessingTimeService.ProcessingTimeCallback;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stream mode: reads the suppression list file as it changes. Runs with parallelism 1. In: a stream
 * of the main input that carries no records, only its watermarks, watermark status and end (see
 * {@link Flow}), so this operator's output has the main stream's watermark (a connected operator's
 * watermark is the minimum of its inputs' and is not held back) and ends when the main input ends
 * (a bounded run finishes). Out: a {@link Signal} with the whole list each time it grew, broadcast
 * to the suppression filter and the person-keyed operators.
 *
 * <p>Every {@code interval} (processing time) it looks at the file's modification time and size,
 * and reads it only when either changed. The list in force only grows: a file that shrank or
 * vanished takes nothing off it, and a file that cannot be read or parsed is logged and skipped
 * (the last good list stays in force; the job does not fail over a bad edit). No state: after a
 * restart the first read sends the whole list again, and the receivers keep the union.
 */
public class SuppressionPoller<T> extends AbstractStreamOperator<Signal>
    implements OneInputStreamOperator<T, Signal>, ProcessingTimeCallback {
  private static final Logger LOG = LoggerFactory.getLogger(SuppressionPoller.class);

  private final String file;
  private final long intervalMs;
  private transient SuppressionList inForce;
  private transient long seenModified;
  private transient long seenSize;

  /**
   * @param file the suppression list: a local path reachable from the TaskManagers, or an object
   *     store's URI ({@code s3://bucket/prefix/_erasures/suppressed-identities.txt})
   * @param intervalMs how often the file is looked at
   */
  public SuppressionPoller(String file, long intervalMs) {
    this.file = file;
    this.intervalMs = intervalMs;
  }

  @Override
  public void open() throws Exception {
    super.open();
    inForce = SuppressionList.EMPTY;
    seenModified = Long.MIN_VALUE;
    seenSize = -1;
    long now = getProcessingTimeService().getCurrentProcessingTime();
    getProcessingTimeService().registerTimer(now, this);
  }

  @Override
  public void processElement(StreamRecord<T> element) {
    // the input carries no records
  }

  @Override
  public void onProcessingTime(long time) {
    poll();
    getProcessingTimeService().registerTimer(time + intervalMs, this);
  }

  /** Looks at the file once; sends the list when it grew. */
  void poll() {
    Path path = location(file);
    long modified;
    long size;
    try {
      FileStatus a = path.getFileSystem().getFileStatus(path);
      modified = a.getModificationTime();
      size = a.getLen();
    } catch (FileNotFoundException | java.nio.file.NoSuchFileException e) {
      return;
    } catch (IOException e) {
      LOG.warn("cannot look at the suppression list {}: {}", file, e.toString());
      return;
    }
    if (modified == seenModified && size == seenSize) {
      return;
    }
    SuppressionList read;
    try {
      byte[] bytes = StoreFiles.readOrNull(path);
      read =
          bytes == null
              ? SuppressionList.EMPTY
              : SuppressionList.parse(
                  file, new String(bytes, StandardCharsets.UTF_8).lines().toList());
    } catch (IOException e) {
      LOG.warn(
          "suppression list not applied, the last good one stays in force: cannot read suppression"
              + " list {}: {}",
          file,
          e.toString());
      return;
    } catch (IllegalArgumentException | UncheckedIOException e) {
      LOG.warn(
          "suppression list not applied, the last good one stays in force: {}", e.getMessage());
      return;
    }
    seenModified = modified;
    seenSize = size;
    SuppressionList next = inForce.union(read);
    if (next.size() > inForce.size()) {
      inForce = next;
      LOG.info("suppression list {}: {} identities in force", file, next.size());
      output.collect(new StreamRecord<>(Signal.suppressed(next)));
    }
  }

  /** {@code file} (a plain path or a URI) as a path of Flink's file systems. */
  static Path location(String file) {
    return file.startsWith("/") ? new Path(new java.io.File(file).toURI()) : new Path(file);
  }
}
