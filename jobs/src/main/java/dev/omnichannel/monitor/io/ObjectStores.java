package dev.omnichannel.monitor.io;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.plugin.DefaultPluginManager;
import org.apache.flink.core.plugin.DirectoryBasedPluginFinder;
import org.apache.flink.core.plugin.PluginDescriptor;

/**
 * Object stores (S3 and S3-compatible stores) as Flink file systems, for the embedded cluster that
 * {@code java -jar} runs.
 *
 * <p>Flink's S3 file system is a plugin with its own Hadoop and AWS SDK, loaded in a class loader
 * of its own from {@code plugins/s3-fs-hadoop/}: the folder named by {@code FLINK_PLUGINS_DIR},
 * else the {@code plugins} folder beside the jar, else {@code ./plugins}. Its settings ({@code
 * s3.endpoint}, {@code s3.path.style.access}, {@code s3.access-key}, ...) come from the Flink
 * configuration file in {@code FLINK_CONF_DIR}; credentials may instead come from the environment
 * ({@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}) or the machine's role. They never come
 * from a flag. Under {@code flink run} the cluster's own plugins and configuration apply.
 */
public final class ObjectStores {
  /** The schemes served by the S3 plugin. */
  public static final Set<String> SCHEMES = Set.of("s3", "s3a");

  private static boolean initialized;

  private ObjectStores() {}

  /** Whether {@code location} (a path or URI) names an object store. */
  public static boolean isObjectStore(String location) {
    return SCHEMES.contains(scheme(location));
  }

  /** The lower-case scheme of {@code location}, or "" for a plain path. */
  public static String scheme(String location) {
    if (location == null) {
      return "";
    }
    int colon = location.indexOf(':');
    if (colon <= 1 || !location.startsWith("//", colon + 1)) {
      return ""; // a plain path, or a Windows drive letter
    }
    try {
      String s = new URI(location).getScheme();
      return s == null ? "" : s.toLowerCase(Locale.ROOT);
    } catch (URISyntaxException e) {
      return location.substring(0, colon).toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Registers the plugin file systems once per process, with the Flink configuration of {@code
   * FLINK_CONF_DIR} (when set).
   *
   * @throws IllegalArgumentException when the S3 plugin is not installed, naming where it was
   *     looked for
   */
  public static synchronized void initialize() {
    if (initialized) {
      return;
    }
    Map<String, String> env = System.getenv();
    Configuration conf =
        env.containsKey("FLINK_CONF_DIR")
            ? GlobalConfiguration.loadConfiguration(env.get("FLINK_CONF_DIR"))
            : new Configuration();
    initialize(conf, pluginsDir(env));
  }

  /**
   * Registers the plugins of {@code pluginsDir} with {@code conf}.
   *
   * @throws IllegalArgumentException when {@code pluginsDir} holds no S3 plugin
   */
  public static synchronized void initialize(Configuration conf, Path pluginsDir) {
    Collection<PluginDescriptor> plugins;
    try {
      plugins =
          Files.isDirectory(pluginsDir)
              ? new DirectoryBasedPluginFinder(pluginsDir).findPlugins()
              : List.of();
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read the Flink plugins under " + pluginsDir + ": " + e.getMessage(), e);
    }
    if (plugins.stream().noneMatch(p -> p.getPluginId().startsWith("s3"))) {
      throw new IllegalArgumentException(
          "object storage needs Flink's S3 file system plugin, and "
              + pluginsDir.toAbsolutePath()
              + " holds none: put flink-s3-fs-hadoop-*.jar in "
              + pluginsDir.toAbsolutePath().resolve("s3-fs-hadoop")
              + " (the build puts it in jobs/target/plugins/), or set FLINK_PLUGINS_DIR");
    }
    FileSystem.initialize(
        conf,
        new DefaultPluginManager(plugins, CoreOptions.getPluginParentFirstLoaderPatterns(conf)));
    initialized = true;
  }

  /** The plugins folder: {@code FLINK_PLUGINS_DIR}, else beside the jar, else {@code ./plugins}. */
  static Path pluginsDir(Map<String, String> env) {
    String dir = env.get("FLINK_PLUGINS_DIR");
    if (dir != null && !dir.isBlank()) {
      return Path.of(dir);
    }
    try {
      File code =
          new File(ObjectStores.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // the jar's folder, or (running from target/classes) the build's target folder
      Path beside = code.toPath().getParent().resolve("plugins");
      if (Files.isDirectory(beside)) {
        return beside;
      }
    } catch (URISyntaxException | RuntimeException e) {
      // no code source (an unusual class loader): fall back to the working directory
    }
    return Path.of("plugins");
  }
}
