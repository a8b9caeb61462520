package dev.omnichannel.monitor.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.common.SupportsConcurrentExecutionAttempts;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.connector.file.sink.FileSink;
import org.apache.flink.connector.file.sink.FileSinkCommittable;
import org.apache.flink.connector.file.sink.writer.FileWriterBucketState;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * The {@link FileSink} of one output table, with two changes for an output that cannot be written
 * (a disk that is full, read-only, unmounted or gone):
 *
 * <ul>
 *   <li>a failure to write names the table and its folder: {@code cannot write table journeys under
 *       /data/omni/journeys: ...};
 *   <li>a part file whose folder is gone when its checkpoint commits it fails the commit, naming
 *       the file. Flink's local file system would skip such a file without a word (neither the
 *       staged file nor the published one exists), and its rows would be lost once a later
 *       checkpoint no longer lists it. Failing instead makes the job restart from its last
 *       checkpoint and commit the file again, until the folder is back.
 * </ul>
 *
 * <p>Everything else is the wrapped sink's: the same writer and committer, state and serializers,
 * and the same operators under the same uids: a savepoint taken with the plain {@code FileSink}
 * restores into this one.
 */
public final class TableFileSink<IN>
    implements Sink<IN>,
        SupportsWriterState<IN, FileWriterBucketState>,
        SupportsWriterState.WithCompatibleState,
        SupportsCommitter<FileSinkCommittable>,
        SupportsPreCommitTopology<FileSinkCommittable, FileSinkCommittable>,
        SupportsConcurrentExecutionAttempts {
  private static final long serialVersionUID = 1L;

  private final FileSink<IN> sink;
  private final String table;
  private final Path folder;

  /**
   * @param sink the table's sink
   * @param table the table's name, for messages
   * @param folder the table's folder, for messages
   */
  public TableFileSink(FileSink<IN> sink, String table, Path folder) {
    this.sink = sink;
    this.table = table;
    this.folder = folder;
  }

  @Override
  public StatefulSinkWriter<IN, FileWriterBucketState> createWriter(WriterInitContext context)
      throws IOException {
    try {
      return new Writer<>(sink.createWriter(context), this);
    } catch (IOException e) {
      throw writeFailed(e);
    }
  }

  @Override
  public StatefulSinkWriter<IN, FileWriterBucketState> restoreWriter(
      WriterInitContext context, Collection<FileWriterBucketState> state) throws IOException {
    try {
      return new Writer<>(sink.restoreWriter(context, state), this);
    } catch (IOException e) {
      throw writeFailed(e);
    }
  }

  @Override
  public SimpleVersionedSerializer<FileWriterBucketState> getWriterStateSerializer() {
    return sink.getWriterStateSerializer();
  }

  @Override
  public Collection<String> getCompatibleWriterStateNames() {
    return sink.getCompatibleWriterStateNames();
  }

  @Override
  public Committer<FileSinkCommittable> createCommitter(CommitterInitContext context)
      throws IOException {
    return new CheckedCommitter(sink.createCommitter(context), table);
  }

  @Override
  public SimpleVersionedSerializer<FileSinkCommittable> getCommittableSerializer() {
    return sink.getCommittableSerializer();
  }

  @Override
  public DataStream<CommittableMessage<FileSinkCommittable>> addPreCommitTopology(
      DataStream<CommittableMessage<FileSinkCommittable>> committables) {
    return sink.addPreCommitTopology(committables);
  }

  @Override
  public SimpleVersionedSerializer<FileSinkCommittable> getWriteResultSerializer() {
    return sink.getWriteResultSerializer();
  }

  /** {@code e}, with the table and its folder in front of its message. */
  IOException writeFailed(IOException e) {
    return new IOException(
        "cannot write table " + table + " under " + local(folder) + ": " + e.getMessage(), e);
  }

  /** {@code p} as a plain path if it is a local file, else as a URI. */
  static String local(Path p) {
    return "file".equals(p.toUri().getScheme()) ? p.toUri().getPath() : p.toString();
  }

  /** The file sink's writer; an {@link IOException} from it names the table and its folder. */
  static final class Writer<IN>
      implements StatefulSinkWriter<IN, FileWriterBucketState>,
          CommittingSinkWriter<IN, FileSinkCommittable> {
    private final StatefulSinkWriter<IN, FileWriterBucketState> writer;
    private final TableFileSink<IN> sink;

    Writer(StatefulSinkWriter<IN, FileWriterBucketState> writer, TableFileSink<IN> sink) {
      if (!(writer instanceof CommittingSinkWriter)) {
        throw new IllegalArgumentException("not a committing writer: " + writer.getClass());
      }
      this.writer = writer;
      this.sink = sink;
    }

    @SuppressWarnings("unchecked")
    private CommittingSinkWriter<IN, FileSinkCommittable> committing() {
      return (CommittingSinkWriter<IN, FileSinkCommittable>) writer;
    }

    @Override
    public void write(IN element, Context context) throws IOException, InterruptedException {
      try {
        writer.write(element, context);
      } catch (IOException e) {
        throw sink.writeFailed(e);
      }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
      try {
        writer.flush(endOfInput);
      } catch (IOException e) {
        throw sink.writeFailed(e);
      }
    }

    @Override
    public void writeWatermark(Watermark watermark) throws IOException, InterruptedException {
      try {
        writer.writeWatermark(watermark);
      } catch (IOException e) {
        throw sink.writeFailed(e);
      }
    }

    @Override
    public Collection<FileSinkCommittable> prepareCommit()
        throws IOException, InterruptedException {
      try {
        return committing().prepareCommit();
      } catch (IOException e) {
        throw sink.writeFailed(e);
      }
    }

    @Override
    public List<FileWriterBucketState> snapshotState(long checkpointId) throws IOException {
      try {
        return writer.snapshotState(checkpointId);
      } catch (IOException e) {
        throw sink.writeFailed(e);
      }
    }

    @Override
    public void close() throws Exception {
      writer.close();
    }
  }

  /**
   * The file sink's committer, which first checks that the folder of every file to publish is still
   * there (see the class documentation).
   */
  static final class CheckedCommitter implements Committer<FileSinkCommittable> {
    private final Committer<FileSinkCommittable> committer;
    private final String table;

    CheckedCommitter(Committer<FileSinkCommittable> committer, String table) {
      this.committer = committer;
      this.table = table;
    }

    @Override
    public void commit(Collection<CommitRequest<FileSinkCommittable>> requests)
        throws IOException, InterruptedException {
      for (CommitRequest<FileSinkCommittable> r : requests) {
        checkFolder(table, r.getCommittable());
      }
      try {
        committer.commit(requests);
      } catch (IOException e) {
        throw new IOException("cannot commit table " + table + ": " + e.getMessage(), e);
      }
    }

    @Override
    public void close() throws Exception {
      committer.close();
    }
  }

  /**
   * Fails if {@code c} publishes a file that does not exist yet and whose folder is not a folder
   * (any more): the staged file, which lives next to it, is then out of reach too.
   */
  static void checkFolder(String table, FileSinkCommittable c) throws IOException {
    if (!c.hasPendingFile() || c.getPendingFile().getPath() == null) {
      return;
    }
    Path target = c.getPendingFile().getPath();
    if (ObjectStores.isObjectStore(target.toUri().toString())) {
      // no folders on an object store: the pending file is an upload that the commit completes,
      // and a commit that cannot fails with the store's own error
      return;
    }
    FileSystem fs = target.getFileSystem();
    if (fs.exists(target)) {
      return; // published before a restart
    }
    Path parent = target.getParent();
    if (!isFolder(fs, parent)) {
      throw new IOException(
          "cannot commit table "
              + table
              + ": the folder "
              + local(parent)
              + " is gone or not a folder, so "
              + target.getName()
              + " of the last checkpoint cannot be published (is the output disk unmounted, full"
              + " or read-only?); the job restarts from its last checkpoint and publishes it once"
              + " the folder is back");
    }
  }

  private static boolean isFolder(FileSystem fs, Path p) throws IOException {
    try {
      FileStatus s = fs.getFileStatus(p);
      return s.isDir();
    } catch (FileNotFoundException e) {
      return false; // also when an ancestor is a file
    }
  }
}
