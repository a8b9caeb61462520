package dev.omnichannel.monitor.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The checks each command makes on its path flags before it starts any work: an input file exists
 * and is a readable file, an input directory exists, an output directory is a directory or can be
 * created as one, an output file can be written in an existing directory. Each failure is a {@link
 * UserException} naming the flag and the path.
 */
final class PathChecks {
  private PathChecks() {}

  /** {@code path} is an existing, readable regular file. */
  static void inputFile(String flag, Path path) {
    if (!Files.exists(path)) {
      throw new UserException(flag + " " + path + " does not exist");
    }
    if (Files.isDirectory(path)) {
      throw new UserException(flag + " " + path + " is a directory, not a file");
    }
    if (!Files.isRegularFile(path)) {
      throw new UserException(flag + " " + path + " is not a regular file");
    }
    if (!Files.isReadable(path)) {
      throw new UserException(flag + " " + path + " is not readable");
    }
  }

  /** {@code path} is an existing, readable directory. */
  static void inputDir(String flag, Path path) {
    if (!Files.exists(path)) {
      throw new UserException(flag + " " + path + " does not exist");
    }
    if (!Files.isDirectory(path)) {
      throw new UserException(flag + " " + path + " is a file, not a directory");
    }
    if (!Files.isReadable(path)) {
      throw new UserException(flag + " " + path + " is not readable");
    }
  }

  /**
   * {@code path} is a writable directory, or does not exist yet and can be created: its nearest
   * existing ancestor is a writable directory.
   */
  static void outputDir(String flag, Path path) {
    if (Files.exists(path)) {
      if (!Files.isDirectory(path)) {
        throw new UserException(flag + " " + path + " exists and is not a directory");
      }
      if (!Files.isWritable(path)) {
        throw new UserException(flag + " " + path + " is not writable");
      }
      return;
    }
    Path ancestor = path.toAbsolutePath().normalize().getParent();
    while (ancestor != null && !Files.exists(ancestor)) {
      ancestor = ancestor.getParent();
    }
    if (ancestor == null) {
      return; // nothing exists above it; creating it will say what is wrong
    }
    if (!Files.isDirectory(ancestor)) {
      throw new UserException(
          flag + " " + path + " cannot be created: " + ancestor + " is a file, not a directory");
    }
    if (!Files.isWritable(ancestor)) {
      throw new UserException(
          flag + " " + path + " cannot be created: " + ancestor + " is not writable");
    }
  }

  /**
   * {@code path} names a file (not a directory) whose directory exists or can be created: its
   * nearest existing ancestor is a writable directory.
   */
  static void outputFileCreatingDirs(String flag, Path path) {
    if (Files.isDirectory(path)) {
      throw new UserException(flag + " " + path + " is a directory; give a file name");
    }
    Path parent = path.toAbsolutePath().normalize().getParent();
    if (parent != null) {
      outputDir(flag + " " + path + ": the directory", parent);
    }
    if (Files.exists(path) && !Files.isWritable(path)) {
      throw new UserException(flag + " " + path + " is not writable");
    }
  }

  /** {@code path} names a file (not a directory) in an existing, writable directory. */
  static void outputFile(String flag, Path path) {
    if (Files.isDirectory(path)) {
      throw new UserException(flag + " " + path + " is a directory; give a file name");
    }
    Path parent = path.toAbsolutePath().getParent();
    if (parent == null || !Files.exists(parent)) {
      throw new UserException(flag + " " + path + ": the directory " + parent + " does not exist");
    }
    if (!Files.isDirectory(parent)) {
      throw new UserException(flag + " " + path + ": " + parent + " is a file, not a directory");
    }
    if (Files.exists(path) && !Files.isWritable(path)) {
      throw new UserException(flag + " " + path + " is not writable");
    }
    if (!Files.exists(path) && !Files.isWritable(parent)) {
      throw new UserException(flag + " " + path + ": the directory " + parent + " is not writable");
    }
  }
}
