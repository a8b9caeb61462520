package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.io.ObjectStores;
import java.io.IOException;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/** The checks a command makes of an object-store location before any work. */
final class ObjectStoreChecks {
  private ObjectStoreChecks() {}

  /** Registers the object-store file systems; a missing plugin is a {@link UserException}. */
  static void initialize(String flag) {
    try {
      ObjectStores.initialize();
    } catch (IllegalArgumentException e) {
      throw new UserException(flag + ": " + e.getMessage());
    }
  }

  /**
   * Opens the file system of {@code location} (an object-store URI), whose settings and credentials
   * come from the Flink configuration; a store that cannot be opened is a {@link UserException}
   * naming the flag and the location.
   */
  static void open(String flag, String location) {
    try {
      new Path(location).getFileSystem();
    } catch (IOException | RuntimeException e) {
      throw new UserException(
          flag
              + " "
              + location
              + ": cannot open the object store ("
              + firstLine(e.getMessage())
              + "); check s3.endpoint and the credentials in FLINK_CONF_DIR's config.yaml",
          e);
    }
  }

  /**
   * Checks that the store answers and that {@code output}, when it exists, is a folder: a wrong
   * endpoint, bucket or credentials is a {@link UserException} naming the location.
   */
  static void output(String flag, OutputLocation output) {
    initialize(flag);
    Path p = new Path(output.value());
    try {
      FileSystem fs = p.getFileSystem();
      if (fs.exists(p)) {
        FileStatus st = fs.getFileStatus(p);
        if (!st.isDir()) {
          throw new UserException(flag + " " + output + " is an object, not a prefix");
        }
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof UserException u) {
        throw u;
      }
      throw new UserException(
          flag + " " + output + " cannot be reached: " + firstLine(e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "no detail";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
