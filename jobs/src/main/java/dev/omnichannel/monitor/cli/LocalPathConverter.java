package dev.omnichannel.monitor.cli;

import java.net.URI;
import java.nio.file.Path;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A local (or mounted) directory: a plain path, or a {@code file:} URI. Any other scheme ({@code
 * s3://}, {@code hdfs://}, {@code gs://}) is refused by name, rather than silently becoming a local
 * folder called {@code s3:}: the tables are written and read through local paths. Mount the bucket
 * (or a shared volume) and pass its path instead. An empty value is refused too: it would be the
 * working directory. Whether the path exists, and is of the right kind, each command checks before
 * it starts work (see {@link PathChecks}), not here: parsing a command line does not touch the
 * disk.
 */
public final class LocalPathConverter implements ITypeConverter<Path> {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

  @Override
  public Path convert(String value) {
    if (value.isBlank()) {
      throw new TypeConversionException("must not be empty, got '" + value + "'");
    }
    if (value.startsWith("file:")) {
      try {
        return Path.of(URI.create(value));
      } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a file: URI of a local path (" + e.getMessage() + ")");
      }
    }
    if (SCHEME.matcher(value).matches()) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is a URI; give a local or mounted path (mount the bucket or volume and pass"
              + " its path)");
    }
    return Path.of(value);
  }
}
