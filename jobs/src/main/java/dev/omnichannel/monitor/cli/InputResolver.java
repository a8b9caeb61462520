package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.io.EventFileFormat;
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
}
