package dev.omnichannel.monitor.io;

import java.io.IOException;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/** A Parquet {@link InputFile} on any Flink file system (a local folder or an object store). */
public final class StoreInputFile implements InputFile {
  private final Path path;
  private long length = -1;

  public StoreInputFile(Path path) {
    this.path = path;
  }

  @Override
  public long getLength() throws IOException {
    if (length < 0) {
      length = path.getFileSystem().getFileStatus(path).getLen();
    }
    return length;
  }

  @Override
  public SeekableInputStream newStream() throws IOException {
    FileSystem fs = path.getFileSystem();
    FSDataInputStream in = fs.open(path);
    return new DelegatingSeekableInputStream(in) {
      @Override
      public long getPos() throws IOException {
        return in.getPos();
      }

      @Override
      public void seek(long newPos) throws IOException {
        in.seek(newPos);
      }
    };
  }

  @Override
  public String toString() {
    return path.toString();
  }
}
