package dev.omnichannel.monitor.io;

import java.io.ByteArrayOutputStream;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Small files (summaries, leases, manifests) on any Flink file system: a local folder or an object
 * store. A write is all or nothing for a reader: on an object store a single PUT is atomic; on a
 * local disk the bytes go to a hidden temporary file first, renamed into place.
 */
public final class StoreFiles {
  private StoreFiles() {}

  /** The bytes of {@code file}, or null when it does not exist. */
  public static byte[] readOrNull(Path file) throws IOException {
    FileSystem fs = file.getFileSystem();
    try (InputStream in = fs.open(file)) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (FileNotFoundException | java.nio.file.NoSuchFileException e) {
      return null;
    }
  }

  /** Writes {@code bytes} to {@code file}, replacing it; a reader sees the old or new bytes. */
  public static void write(Path file, byte[] bytes) throws IOException {
    FileSystem fs = file.getFileSystem();
    if (ObjectStores.isObjectStore(file.toUri().toString())) {
      try (OutputStream out = fs.create(file, FileSystem.WriteMode.OVERWRITE)) {
        out.write(bytes);
      }
      return;
    }
    fs.mkdirs(file.getParent());
    Path tmp = new Path(file.getParent(), "." + file.getName() + "." + UUID.randomUUID() + ".tmp");
    try (OutputStream out = fs.create(tmp, FileSystem.WriteMode.OVERWRITE)) {
      out.write(bytes);
    }
    if (!fs.rename(tmp, file)) {
      // a local rename onto an existing file may fail on some platforms: replace it
      java.nio.file.Files.move(
          java.nio.file.Path.of(tmp.toUri()),
          java.nio.file.Path.of(file.toUri()),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
  }

  /** Deletes {@code file} when it exists. */
  public static void deleteIfExists(Path file) throws IOException {
    FileSystem fs = file.getFileSystem();
    if (fs.exists(file)) {
      fs.delete(file, false);
    }
  }

  /** Whether {@code path} exists. */
  public static boolean exists(Path path) throws IOException {
    return path.getFileSystem().exists(path);
  }

  /**
   * The files (not folders) directly in {@code dir} whose names start with {@code prefix} and end
   * with {@code suffix}, sorted by name; empty when {@code dir} does not exist.
   */
  public static List<Path> list(Path dir, String prefix, String suffix) throws IOException {
    List<Path> out = new ArrayList<>();
    for (FileStatus s : statuses(dir)) {
      String n = s.getPath().getName();
      if (!s.isDir() && n.startsWith(prefix) && n.endsWith(suffix)) {
        out.add(s.getPath());
      }
    }
    out.sort(java.util.Comparator.comparing(Path::toString));
    return out;
  }

  /** The entries of {@code dir} (files and folders), or none when it does not exist. */
  public static List<FileStatus> statuses(Path dir) throws IOException {
    FileSystem fs = dir.getFileSystem();
    FileStatus[] all;
    try {
      all = fs.listStatus(dir);
    } catch (FileNotFoundException | java.nio.file.NoSuchFileException e) {
      return List.of();
    }
    return all == null ? List.of() : List.of(all);
  }
}
