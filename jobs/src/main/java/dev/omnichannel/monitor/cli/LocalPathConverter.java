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
 * (or a shared volume) and pass its path instead.
 */
public final class LocalPathConverter implements ITypeConverter<Path> {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

  @Override
  public Path convert(String value) {
    if (value.startsWith("file:")) {
      return Path.of(URI.create(value));
    }
    if (SCHEME.matcher(value).matches()) {
      throw new TypeConversionException(
          "'"
              + value
              + "' is a URI; the output must be a local or mounted directory (mount the bucket"
              + " or volume and pass its path)");
    }
    return Path.of(value);
  }
}
