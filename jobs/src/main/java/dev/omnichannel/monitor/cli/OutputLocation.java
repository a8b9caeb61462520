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
 * Where a command writes its tables: a local (or mounted) directory, or a prefix in an object store
 * ({@code s3://bucket/prefix}, also for S3-compatible stores such as MinIO or GCS's
 * interoperability endpoint). Other schemes ({@code gs://}, {@code hdfs://}, ...) are refused by
 * name.
 *
 * @param uri the location as given to Flink's file systems: the absolute local path, or the
 *     object-store URI without a trailing slash
 * @param local the local directory, or null on an object store
 */
public record OutputLocation(String uri, Path local) {
  private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

  /** Whether the location is on an object store. */
  public boolean isObjectStore() {
    return local == null;
  }

  /** {@code uri/child}, for messages and printed paths. */
  public String resolve(String child) {
    return local != null ? local.resolve(child).toString() : uri + "/" + child;
  }

  @Override
  public String toString() {
    return uri;
  }

  /** The picocli converter: a local path, a {@code file:} URI, or {@code s3://bucket[/prefix]}. */
  public static final class Converter implements ITypeConverter<OutputLocation> {
    @Override
    public OutputLocation convert(String value) {
      String scheme = ObjectStores.scheme(value.trim());
      if (scheme.isEmpty() || scheme.equals("file")) {
        Path p = new LocalPathConverter().convert(value);
        return new OutputLocation(p.toAbsolutePath().normalize().toString(), p);
      }
      if (!ObjectStores.SCHEMES.contains(scheme)) {
        throw new TypeConversionException(
            "'"
                + value
                + "' uses the scheme "
                + scheme
                + ":, which is not supported; give a local path or s3://bucket/prefix (S3, MinIO,"
                + " or GCS through its S3 interoperability endpoint)");
      }
      URI u;
      try {
        u = new URI(value.trim());
      } catch (URISyntaxException e) {
        throw new TypeConversionException("'" + value + "' is not a valid URI: " + e.getReason());
      }
      String bucket = u.getHost();
      if (bucket == null || !BUCKET.matcher(bucket).matches()) {
        throw new TypeConversionException(
            "'"
                + value
                + "' names no valid bucket (s3://BUCKET/prefix: 3-63 lower-case letters, digits,"
                + " dots and hyphens)");
      }
      if (u.getQuery() != null || u.getFragment() != null || u.getUserInfo() != null) {
        throw new TypeConversionException(
            "'"
                + value
                + "' must be s3://bucket/prefix without credentials, query or fragment;"
                + " credentials come from the environment or the Flink configuration");
      }
      String path = u.getPath() == null ? "" : u.getPath().replaceAll("/+$", "");
      return new OutputLocation(scheme.toLowerCase(Locale.ROOT) + "://" + bucket + path, null);
    }
  }
}
