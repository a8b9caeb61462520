package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.io.EventFileFormat;
import dev.omnichannel.monitor.io.ObjectStores;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Turns {@code --input} arguments (files, directories, globs such as {@code data/2026-01-*.jsonl})
 * into the sorted list of event files to read. Directories are walked recursively; files and
 * folders whose names start with '.' or '_' are skipped there. Anything missing, unreadable or of
 * an unknown kind is a {@link UserException} naming it.
 */
public final class InputResolver {
  private InputResolver() {}

  public static List<String> resolve(List<String> inputs) {
    return resolve(inputs, false);
  }

  /**
   * @param textExports true with {@code --mapping}: every file is a text export, whatever its name
   *     (an explicit file, and every visible file of a directory or glob)
   */
  public static List<String> resolve(List<String> inputs, boolean textExports) {
    Predicate<String> accepts = textExports ? name -> true : EventFileFormat::isEventFile;
    TreeSet<String> files = new TreeSet<>();
    for (String input : inputs) {
      if (ObjectStores.isObjectStore(input)) {
        files.addAll(resolveStored(input, accepts));
        continue;
      }
      if (input.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
        List<Path> matched = glob(input, accepts);
        if (matched.isEmpty()) {
          throw new UserException("--input " + input + " matches no event files");
        }
        matched.forEach(p -> files.add(p.toAbsolutePath().normalize().toString()));
        continue;
      }
      Path p = Path.of(input);
      if (!Files.exists(p)) {
        throw new UserException("--input " + input + " does not exist");
      }
      if (!Files.isReadable(p)) {
        throw new UserException("--input " + input + " is not readable");
      }
      if (Files.isDirectory(p)) {
        List<Path> found = walk(p, accepts);
        if (found.isEmpty() && hasVisibleFiles(p)) {
          // other files only: most likely the wrong directory
          throw new UserException(
              "--input " + input + " holds no event files (*.avro, *.jsonl, *.jsonl.gz)");
        }
        if (found.isEmpty()) {
          // An empty directory (a day without exports) is a valid input: the file source lists
          // it and reads nothing, and the run writes empty tables and a balanced summary.
          files.add(p.toAbsolutePath().normalize().toString());
        }
        found.forEach(f -> files.add(f.toAbsolutePath().normalize().toString()));
      } else if (accepts.test(p.getFileName().toString())) {
        files.add(p.toAbsolutePath().normalize().toString());
      } else {
        throw new UserException(
            "--input " + input + " is not an event file (expected *.avro, *.jsonl or *.jsonl.gz)");
      }
    }
    return new ArrayList<>(files);
  }

  /** True when {@code dir} holds a regular file that is not hidden, at any depth. */
  private static boolean hasVisibleFiles(Path dir) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.anyMatch(f -> Files.isRegularFile(f) && visible(dir, f));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static List<Path> walk(Path dir, Predicate<String> accepts) {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> visible(dir, f))
          .filter(f -> accepts.test(f.getFileName().toString()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean visible(Path root, Path file) {
    for (Path part : root.relativize(file)) {
      String n = part.toString();
      if (n.startsWith(".") || n.startsWith("_")) {
        return false;
      }
    }
    return true;
  }

  private static List<Path> glob(String pattern, Predicate<String> accepts) {
    // Walk from the longest leading part without glob characters; match absolute paths.
    Path pat = Path.of(pattern).toAbsolutePath().normalize();
    Path base = pat.getRoot();
    for (Path part : pat) {
      String s = part.toString();
      if (s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
        break;
      }
      base = base.resolve(s);
    }
    if (!Files.isDirectory(base)) {
      return List.of();
    }
    PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + pat);
    Path start = base;
    try (Stream<Path> s = Files.walk(start)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> m.matches(f.toAbsolutePath().normalize()))
          .filter(f -> visible(start, f))
          .filter(f -> accepts.test(f.getFileName().toString()))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The files of an object-store input: an object, a prefix (walked like a directory) or a glob
   * over keys ({@code s3://bucket/exports/2026-01-*.csv}).
   */
  private static List<String> resolveStored(String input, Predicate<String> accepts) {
    try {
      boolean glob = input.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
      org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path(input);
      if (!glob) {
        org.apache.flink.core.fs.FileSystem fs = p.getFileSystem();
        if (!fs.exists(p)) {
          throw new UserException("--input " + input + " does not exist");
        }
        if (!fs.getFileStatus(p).isDir()) {
          if (!accepts.test(p.getName())) {
            throw new UserException(
                "--input "
                    + input
                    + " is not an event file (expected *.avro, *.jsonl or *.jsonl.gz)");
          }
          return List.of(p.toString());
        }
        List<String> found = new ArrayList<>();
        walkStored(p, accepts, s -> true, found);
        if (found.isEmpty()) {
          throw new UserException("--input " + input + " holds no event files");
        }
        return found;
      }
      String path = p.toUri().getPath();
      int cut = 0;
      for (String part : path.split("/")) {
        if (part.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{')) {
          break;
        }
        cut += part.length() + 1;
      }
      String basePath = path.substring(0, Math.max(1, cut - 1));
      org.apache.flink.core.fs.Path base =
          new org.apache.flink.core.fs.Path(
              p.toUri().getScheme() + "://" + p.toUri().getAuthority() + basePath);
      PathMatcher m = FileSystems.getDefault().getPathMatcher("glob:" + path);
      List<String> found = new ArrayList<>();
      if (base.getFileSystem().exists(base)) {
        walkStored(base, accepts, k -> m.matches(Path.of(k)), found);
      }
      if (found.isEmpty()) {
        throw new UserException("--input " + input + " matches no event files");
      }
      return found;
    } catch (IOException | RuntimeException e) {
      if (e instanceof UserException u) {
        throw u;
      }
      throw new UserException("--input " + input + " cannot be listed: " + e.getMessage());
    }
  }

  private static void walkStored(
      org.apache.flink.core.fs.Path dir,
      Predicate<String> accepts,
      Predicate<String> keyMatches,
      List<String> out)
      throws IOException {
    org.apache.flink.core.fs.FileStatus[] all = dir.getFileSystem().listStatus(dir);
    if (all == null) {
      return;
    }
    java.util.Arrays.sort(all, java.util.Comparator.comparing(f -> f.getPath().toString()));
    for (org.apache.flink.core.fs.FileStatus f : all) {
      String name = f.getPath().getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        continue;
      }
      if (f.isDir()) {
        walkStored(f.getPath(), accepts, keyMatches, out);
      } else if (accepts.test(name) && keyMatches.test(f.getPath().toUri().getPath())) {
        out.add(f.getPath().toString());
      }
    }
  }
}
