package dev.omnichannel.monitor.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.S3Proxy;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.domain.Blob;
import org.jclouds.blobstore.domain.StorageMetadata;
import org.jclouds.blobstore.options.ListContainerOptions;

/**
 * A real S3 API (S3Proxy) over a local folder, on 127.0.0.1 and a free port, with one access key.
 * What the tests read back, they read through the same blob store, never from the folder.
 */
public final class S3Server implements AutoCloseable {
  /** The access key id the server accepts. */
  public static final String ACCESS_KEY = "omni-test-access";

  /** The secret key the server accepts. */
  public static final String SECRET_KEY = "omni-test-secret-key";

  private final BlobStoreContext context;
  private final S3Proxy proxy;

  private S3Server(BlobStoreContext context, S3Proxy proxy) {
    this.context = context;
    this.proxy = proxy;
  }

  /** Starts a server keeping its objects under {@code dir}, with the given buckets. */
  public static S3Server start(Path dir, String... buckets) throws Exception {
    return start(dir, 0, buckets);
  }

  /** Starts a server on {@code port} (0: a free one) keeping its objects under {@code dir}. */
  public static S3Server start(Path dir, int port, String... buckets) throws Exception {
    Files.createDirectories(dir);
    Properties p = new Properties();
    p.setProperty("jclouds.filesystem.basedir", dir.toString());
    BlobStoreContext context =
        ContextBuilder.newBuilder("filesystem-nio2")
            .credentials("identity", "credential")
            .overrides(p)
            .build(BlobStoreContext.class);
    S3Proxy proxy =
        S3Proxy.builder()
            .blobStore(new FoldersAreNotObjects(context.getBlobStore()))
            .endpoint(URI.create("http://127.0.0.1:" + port))
            .awsAuthentication(AuthenticationType.AWS_V2_OR_V4, ACCESS_KEY, SECRET_KEY)
            .build();
    proxy.start();
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (!"STARTED".equals(proxy.getState())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("S3Proxy did not start: " + proxy.getState());
      }
      Thread.sleep(10);
    }
    for (String b : buckets) {
      context.getBlobStore().createContainerInLocation(null, b);
    }
    return new S3Server(context, proxy);
  }

  /** The endpoint, {@code http://127.0.0.1:PORT}. */
  public String endpoint() {
    return "http://127.0.0.1:" + proxy.getPort();
  }

  /** The port. */
  public int port() {
    return proxy.getPort();
  }

  /** The blob store behind the server. */
  public BlobStore blobs() {
    return context.getBlobStore();
  }

  /**
   * A Flink configuration file's lines for this server: endpoint, path-style access, the keys, and
   * single-object deletes with directory markers kept (S3Proxy answers the multi-object delete that
   * S3A sends after each write in a way the client retries for minutes).
   */
  public String flinkConfig() {
    return "s3.endpoint: "
        + endpoint()
        + "\ns3.path.style.access: true\ns3.access-key: "
        + ACCESS_KEY
        + "\ns3.secret-key: "
        + SECRET_KEY
        + "\ns3.directory.marker.retention: keep"
        + "\ns3.multiobjectdelete.enable: false\n";
  }

  /** The keys of {@code bucket} under {@code prefix}, sorted. */
  public List<String> keys(String bucket, String prefix) {
    List<String> out = new ArrayList<>();
    String marker = null;
    do {
      ListContainerOptions o = ListContainerOptions.Builder.prefix(prefix).recursive();
      if (marker != null) {
        o = o.afterMarker(marker);
      }
      var page = blobs().list(bucket, o);
      for (StorageMetadata m : page) {
        if (m.getType() == org.jclouds.blobstore.domain.StorageType.BLOB) {
          out.add(m.getName());
        }
      }
      marker = page.getNextMarker();
    } while (marker != null);
    out.sort(null);
    return out;
  }

  /** Downloads {@code key} of {@code bucket} to {@code target}. */
  public void download(String bucket, String key, Path target) throws IOException {
    Blob b = blobs().getBlob(bucket, key);
    if (b == null) {
      throw new IOException("no object s3://" + bucket + "/" + key);
    }
    Files.createDirectories(target.getParent());
    try (InputStream in = b.getPayload().openStream()) {
      Files.copy(in, target);
    }
  }

  /**
   * The folder store with S3's answer to a HEAD of a folder's key ({@code a/b} when only {@code
   * a/b/...} objects or the marker {@code a/b/} exist): no such object. Over a local folder, the
   * key would name the folder itself, which the store reports as an empty object; a checkpoint or
   * savepoint folder would then look like an empty file to Flink.
   */
  private static final class FoldersAreNotObjects
      extends org.jclouds.blobstore.util.ForwardingBlobStore {
    FoldersAreNotObjects(BlobStore store) {
      super(store);
    }

    @Override
    public org.jclouds.blobstore.domain.BlobMetadata blobMetadata(String container, String name) {
      org.jclouds.blobstore.domain.BlobMetadata m = delegate().blobMetadata(container, name);
      if (m == null || name.endsWith("/")) {
        return m;
      }
      if (m.getType() != org.jclouds.blobstore.domain.StorageType.BLOB
          || (m.getSize() != null
              && m.getSize() == 0
              && !delegate()
                  .list(
                      container,
                      ListContainerOptions.Builder.prefix(name + "/").maxResults(1).recursive())
                  .isEmpty())) {
        return null;
      }
      return m;
    }
  }

  @Override
  public void close() throws Exception {
    proxy.stop();
    context.close();
  }
}
