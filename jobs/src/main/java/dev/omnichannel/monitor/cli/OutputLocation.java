package dev.omnichannel.monitor.cli;

import dev.omnichannel.monitor.io.ObjectStores;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Where a command writes: a local (or mounted) folder, given as a path or a {@code file:} URI; or a
 * prefix in an object store bucket, {@code s3://BUCKET/PREFIX} (or {@code s3a://}), for S3 and the
 * stores that speak its API (MinIO, Google Cloud Storage through its interoperability endpoint).
 * Any other scheme is refused by name: {@code gs://} with the hint to use GCS's S3 endpoint, the
 * rest ({@code hdfs://}, ...) because the tables are written only to local folders and S3 stores.
 * Parsing does not touch the disk or the network; each command checks the location before it starts
 * work.
 *
 * @param uri the object store's URI without a trailing slash ({@code s3://bucket/prefix}), or null
 *     for a local folder
 * @param local the local folder, or null for an object store
 */
public record OutputLocation(String uri, Path local) {
  private static final Pattern SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:/.*");

  /** S3's bucket names: 3 to 63 lower-case letters, digits, dots and hyphens. */
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** Whether this is a prefix in an object store. */
  public boolean isObjectStore() {
    return uri != null;
  }

  /**
   * The location as the run's configuration and Flink take it: the absolute, normalised local path,
   * or the object store's URI.
   */
  public String value() {
    return uri != null ? uri : local.toAbsolutePath().normalize().toString();
  }

  /** {@code <location>/<child>} as a URI or path string. */
  public String resolve(String child) {
    return uri != null ? uri + "/" + child : local.resolve(child).toString();
  }

  @Override
  public String toString() {
    return uri != null ? uri : local.toString();
  }

  /**
   * Parses {@code value}.
   *
   * @throws IllegalArgumentException naming the value and what is wrong
   */
  public static OutputLocation parse(String value) {
    if (value.isBlank()) {
      throw new IllegalArgumentException("must not be empty, got '" + value + "'");
    }
    if (value.startsWith("file:")) {
      try {
        return new OutputLocation(null, Path.of(URI.create(value)));
      } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
        throw new IllegalArgumentException(
            "'" + value + "' is not a file: URI of a local path (" + e.getMessage() + ")");
      }
    }
    if (!SCHEME.matcher(value).matches()) {
      return new OutputLocation(null, Path.of(value));
    }
    return new OutputLocation(objectStoreUri(value), null);
  }

  /**
   * Checks a URI that Flink's file systems will read or write ({@code --checkpoint-dir}, {@code
   * --restore-from}): an {@code s3://} one must name a bucket, a {@code gs://} one is refused with
   * the hint to use GCS's S3 endpoint; other schemes are left to Flink.
   *
   * @throws IllegalArgumentException naming the value and what is wrong
   */
  public static void checkFlinkUri(String value) {
    String scheme = ObjectStores.scheme(value);
    if (ObjectStores.SCHEMES.contains(scheme) || scheme.equals("gs")) {
      objectStoreUri(value);
    }
  }

  /** {@code value}, an object store URI, checked and without a trailing slash. */
  private static String objectStoreUri(String value) {
    String scheme = value.substring(0, value.indexOf(':')).toLowerCase(Locale.ROOT);
    if (scheme.equals("gs")) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "': gs:// is not supported; reach Google Cloud Storage through its S3"
              + " interoperability endpoint: give s3://BUCKET/PREFIX and set s3.endpoint:"
              + " https://storage.googleapis.com with HMAC keys (README, 'Object storage')");
    }
    if (!ObjectStores.SCHEMES.contains(scheme)) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "' is neither a local path nor an object store URI; give a local or mounted"
              + " folder, or s3://BUCKET/PREFIX (S3, MinIO, or GCS through its S3"
              + " interoperability endpoint)");
    }
    String rest = value.substring(scheme.length() + 1);
    int slash = rest.indexOf('/', 2);
    if (!rest.startsWith("//") || (slash < 0 ? rest.length() == 2 : slash == 2)) {
      throw new IllegalArgumentException(
          "'" + value + "' names no bucket; give " + scheme + "://BUCKET/PREFIX");
    }
    URI u;
    try {
      u = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "'" + value + "' is not a valid URI (" + e.getReason() + ")");
    }
    String bucket = u.getRawAuthority();
    if (bucket == null || bucket.isEmpty()) {
      throw new IllegalArgumentException(
          "'" + value + "' names no bucket; give " + scheme + "://BUCKET/PREFIX");
    }
    if (bucket.contains("@")) {
      // never echo the authority: it holds a password
      throw new IllegalArgumentException(
          "'"
              + value
              + "' carries a user or password; credentials come from the environment or the"
              + " Flink configuration, never from the URI (no user, password or port)");
    }
    if (!BUCKET.matcher(bucket).matches()) {
      throw new IllegalArgumentException(
          "'"
              + value
              + "': '"
              + bucket
              + "' is not a bucket name (3 to 63 lower-case letters, digits, '.' or '-'; no"
              + " user, password or port)");
    }
    if (u.getRawQuery() != null || u.getRawFragment() != null) {
      throw new IllegalArgumentException(
          "'" + value + "' has a query or fragment; give " + scheme + "://BUCKET/PREFIX");
    }
    String path = u.getRawPath() == null ? "" : u.getRawPath();
    for (String segment : path.split("/", -1)) {
      if (segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "'" + value + "' has a '" + segment + "' segment; give " + scheme + "://BUCKET/PREFIX");
      }
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return scheme + "://" + bucket + path;
  }

  /** The picocli converter: a {@link TypeConversionException} names the value. */
  public static final class Converter implements ITypeConverter<OutputLocation> {
    @Override
    public OutputLocation convert(String value) {
      try {
        return parse(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }
}
