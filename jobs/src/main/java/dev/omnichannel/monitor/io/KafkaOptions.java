package dev.omnichannel.monitor.io;

import dev.omnichannel.monitor.config.Secrets;
import dev.omnichannel.monitor.io.registry.RegistryConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Where and how the job reads Kafka: plain Java, serializable, validated on construction (an
 * invalid value throws an {@link IllegalArgumentException} that names it). Build with {@link
 * #topics} or {@link #topicPattern} and the {@code with…} methods; {@link KafkaSources#source}
 * turns it into a {@code KafkaSource}.
 *
 * @param bootstrapServers {@code host:port[,host:port…]}
 * @param topics the topics to read; empty when {@code topicPattern} is set
 * @param topicPattern a Java regular expression over topic names (new matching topics are found by
 *     partition discovery, see {@code partition.discovery.interval.ms}); null when {@code topics}
 *     is set
 * @param groupId the consumer group: committed offsets are stored under it
 * @param startingOffsets {@code earliest}, {@code latest}, {@code committed} (the group's committed
 *     offsets, or the earliest where it has none) or {@code timestamp:<epoch-ms>} (the first record
 *     at or after that time)
 * @param bounded stop at the latest offsets as of the start (for tests and bounded replays); else
 *     read forever
 * @param properties Kafka consumer properties passed through as given (for example {@code
 *     security.protocol}, {@code sasl.*}, {@code ssl.*}), typically {@code --kafka.K=V} flags with
 *     the prefix stripped. The keys set by the options above are refused here.
 * @param schemaRegistry the base URL of a schema registry's Confluent-compatible API: values are
 *     then registry-framed (magic byte 0, 4-byte schema id, Avro datum) and read under the current
 *     {@code ChannelEvent} schema ({@link KafkaRecordFormat}); null for plain Avro values
 */
public record KafkaOptions(
    String bootstrapServers,
    List<String> topics,
    String topicPattern,
    String groupId,
    String startingOffsets,
    boolean bounded,
    Map<String, String> properties,
    String schemaRegistry)
    implements Serializable {

  /** The consumer group used unless another is given. */
  public static final String DEFAULT_GROUP_ID = "omnichannel-monitor";

  /** Where reading starts unless said otherwise. */
  public static final String DEFAULT_STARTING_OFFSETS = "committed";

  /** Client properties that have their own option and may not be passed through. */
  public static final Set<String> RESERVED_PROPERTIES =
      Set.of("bootstrap.servers", "group.id", "key.deserializer", "value.deserializer");

  private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
  private static final Pattern HOST_PORT =
      Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[^\\s:,]+):(\\d+)");

  /** Where reading starts. */
  public enum Start {
    EARLIEST,
    LATEST,
    COMMITTED,
    TIMESTAMP
  }

  public KafkaOptions {
    if (bootstrapServers == null || bootstrapServers.isBlank()) {
      throw new IllegalArgumentException("Kafka bootstrap servers are missing");
    }
    bootstrapServers = bootstrapServers.trim();
    for (String server : bootstrapServers.split(",", -1)) {
      var m = HOST_PORT.matcher(server.trim());
      int port = m.matches() ? parsePort(m.group(2)) : -1;
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            "Kafka bootstrap servers '"
                + bootstrapServers
                + "': '"
                + server.trim()
                + "' is not host:port");
      }
    }
    topics = topics == null ? List.of() : List.copyOf(topics);
    boolean hasPattern = topicPattern != null && !topicPattern.isEmpty();
    if (topics.isEmpty() == !hasPattern) {
      throw new IllegalArgumentException(
          hasPattern
              ? "give Kafka topics or a topic pattern, not both (topics "
                  + topics
                  + ", pattern '"
                  + topicPattern
                  + "')"
              : "no Kafka topic given: name the topics or a topic pattern");
    }
    for (String t : topics) {
      if (t == null || !TOPIC.matcher(t).matches() || t.equals(".") || t.equals("..")) {
        throw new IllegalArgumentException(
            "Kafka topic '" + t + "' is not a valid topic name (letters, digits, . _ -)");
      }
    }
    if (new java.util.HashSet<>(topics).size() != topics.size()) {
      throw new IllegalArgumentException("Kafka topics " + topics + " name a topic twice");
    }
    if (hasPattern) {
      try {
        Pattern.compile(topicPattern);
      } catch (PatternSyntaxException e) {
        throw new IllegalArgumentException(
            "Kafka topic pattern '"
                + topicPattern
                + "' is not a regular expression: "
                + e.getDescription());
      }
    } else {
      topicPattern = null;
    }
    if (groupId == null || groupId.isBlank()) {
      throw new IllegalArgumentException("Kafka group id '" + groupId + "' is empty");
    }
    String given = startingOffsets;
    startingOffsets =
        startingOffsets == null
            ? DEFAULT_STARTING_OFFSETS
            : startingOffsets.trim().toLowerCase(Locale.ROOT);
    start(startingOffsets, given == null ? startingOffsets : given); // validates
    Map<String, String> props = new TreeMap<>();
    if (properties != null) {
      for (Map.Entry<String, String> e : properties.entrySet()) {
        String key = e.getKey() == null ? "" : e.getKey().trim();
        if (key.isEmpty()) {
          throw new IllegalArgumentException("a Kafka property has an empty name");
        }
        if (RESERVED_PROPERTIES.contains(key)) {
          throw new IllegalArgumentException(
              "Kafka property '" + key + "' cannot be passed through: it is set by its own option");
        }
        if (e.getValue() == null) {
          throw new IllegalArgumentException("Kafka property '" + key + "' has no value");
        }
        props.put(key, e.getValue());
      }
    }
    properties = Collections.unmodifiableMap(props);
    schemaRegistry = schemaRegistry(schemaRegistry);
  }

  /** Options without a schema registry: values are plain Avro binary {@code ChannelEvent}s. */
  public KafkaOptions(
      String bootstrapServers,
      List<String> topics,
      String topicPattern,
      String groupId,
      String startingOffsets,
      boolean bounded,
      Map<String, String> properties) {
    this(
        bootstrapServers,
        topics,
        topicPattern,
        groupId,
        startingOffsets,
        bounded,
        properties,
        null);
  }

  /**
   * The checked base URL of a schema registry's Confluent-compatible API (http or https, with a
   * host, no query or fragment, no trailing slash), or null for none.
   */
  private static String schemaRegistry(String url) {
    if (url == null) {
      return null;
    }
    String u = url.trim();
    java.net.URI uri;
    try {
      uri = new java.net.URI(u);
    } catch (java.net.URISyntaxException e) {
      throw new IllegalArgumentException(
          "schema registry URL '" + url + "' is not a URL: " + e.getReason());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")
        || uri.getHost() == null
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null
        || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException(
          "schema registry URL '"
              + url
              + "' is not an http(s)://host[:port][/path] URL (no user, query or fragment)");
    }
    while (u.endsWith("/")) {
      u = u.substring(0, u.length() - 1);
    }
    return u;
  }

  /** The options, with the value of every secret property masked ({@link Secrets}). */
  @Override
  public String toString() {
    return "KafkaOptions[bootstrapServers="
        + bootstrapServers
        + ", topics="
        + topics
        + ", topicPattern="
        + topicPattern
        + ", groupId="
        + groupId
        + ", startingOffsets="
        + startingOffsets
        + ", bounded="
        + bounded
        + ", properties="
        + Secrets.redactProperties(properties)
        + ", schemaRegistry="
        + schemaRegistry
        + "]";
  }

  /**
   * The client properties for the Kafka clients: {@link #properties} without the schema registry's
   * settings ({@code schema.registry.*}, see {@link RegistryConfig}), which no Kafka client knows.
   */
  public Map<String, String> clientProperties() {
    Map<String, String> out = new TreeMap<>(properties);
    out.keySet().removeIf(k -> k.startsWith(RegistryConfig.PREFIX));
    return Collections.unmodifiableMap(out);
  }

  /**
   * The schema registry of {@link #schemaRegistry} with the {@code schema.registry.*} settings of
   * {@link #properties} (credentials, trust store), or null without a registry.
   */
  public RegistryConfig registry() {
    return schemaRegistry == null ? null : RegistryConfig.of(schemaRegistry, properties, Map.of());
  }

  /** Reads {@code topics} from {@code bootstrapServers} with the defaults: committed, unbounded. */
  public static KafkaOptions topics(String bootstrapServers, String... topics) {
    return new KafkaOptions(
        bootstrapServers,
        List.of(topics),
        null,
        DEFAULT_GROUP_ID,
        DEFAULT_STARTING_OFFSETS,
        false,
        Map.of());
  }

  /** Reads every topic matching {@code regex}, with the defaults: committed, unbounded. */
  public static KafkaOptions topicPattern(String bootstrapServers, String regex) {
    return new KafkaOptions(
        bootstrapServers,
        List.of(),
        regex,
        DEFAULT_GROUP_ID,
        DEFAULT_STARTING_OFFSETS,
        false,
        Map.of());
  }

  public KafkaOptions withGroupId(String value) {
    return new KafkaOptions(
        bootstrapServers,
        topics,
        topicPattern,
        value,
        startingOffsets,
        bounded,
        properties,
        schemaRegistry);
  }

  /** {@code earliest}, {@code latest}, {@code committed} or {@code timestamp:<epoch-ms>}. */
  public KafkaOptions withStartingOffsets(String value) {
    return new KafkaOptions(
        bootstrapServers,
        topics,
        topicPattern,
        groupId,
        value,
        bounded,
        properties,
        schemaRegistry);
  }

  public KafkaOptions withBounded(boolean value) {
    return new KafkaOptions(
        bootstrapServers,
        topics,
        topicPattern,
        groupId,
        startingOffsets,
        value,
        properties,
        schemaRegistry);
  }

  /** These client properties instead of the current ones. */
  public KafkaOptions withProperties(Map<String, String> value) {
    return new KafkaOptions(
        bootstrapServers,
        topics,
        topicPattern,
        groupId,
        startingOffsets,
        bounded,
        value,
        schemaRegistry);
  }

  /**
   * Values framed for a schema registry (magic byte, schema id, datum), whose writer schemas come
   * from the registry's Confluent-compatible API at {@code url}; null for plain Avro values.
   */
  public KafkaOptions withSchemaRegistry(String url) {
    return new KafkaOptions(
        bootstrapServers, topics, topicPattern, groupId, startingOffsets, bounded, properties, url);
  }

  /** The current client properties plus {@code key = value}. */
  public KafkaOptions withProperty(String key, String value) {
    Map<String, String> p = new LinkedHashMap<>(properties);
    p.put(key, value);
    return withProperties(p);
  }

  /** Where reading starts. */
  public Start start() {
    return start(startingOffsets, startingOffsets);
  }

  /** The time of {@code timestamp:<epoch-ms>}; only for {@link Start#TIMESTAMP}. */
  public long startTimestamp() {
    if (start() != Start.TIMESTAMP) {
      throw new IllegalStateException("starting offsets are " + startingOffsets);
    }
    return Long.parseLong(startingOffsets.substring("timestamp:".length()).trim());
  }

  /** The start of {@code spec} (trimmed, lower case); errors quote the value as {@code given}. */
  private static Start start(String spec, String given) {
    switch (spec) {
      case "earliest":
        return Start.EARLIEST;
      case "latest":
        return Start.LATEST;
      case "committed":
        return Start.COMMITTED;
      default:
        break;
    }
    if (spec.startsWith("timestamp:")) {
      String ms = spec.substring("timestamp:".length()).trim();
      try {
        if (Long.parseLong(ms) >= 0) {
          return Start.TIMESTAMP;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          "Kafka starting offsets '"
              + given
              + "': the timestamp must be epoch milliseconds, e.g. timestamp:1767225600000");
    }
    throw new IllegalArgumentException(
        "Kafka starting offsets '"
            + given
            + "' must be earliest, latest, committed or timestamp:<epoch-ms>");
  }

  /**
   * Parses {@code K=V} strings (as given to a repeatable flag) into properties, in order; the value
   * may contain '=' and be empty.
   */
  public static Map<String, String> parseProperties(List<String> pairs) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : pairs == null ? new ArrayList<String>() : pairs) {
      int eq = pair.indexOf('=');
      if (eq <= 0 || pair.substring(0, eq).isBlank()) {
        throw new IllegalArgumentException(
            "Kafka property '" + Secrets.redactText(pair) + "' is not PROPERTY=VALUE");
      }
      out.put(pair.substring(0, eq).trim(), pair.substring(eq + 1));
    }
    return out;
  }

  /**
   * The entries of {@code flags} whose key starts with {@code prefix}, with the prefix stripped:
   * for {@code --kafka.security.protocol=SASL_SSL} style flags.
   */
  public static Map<String, String> stripPrefix(Map<String, String> flags, String prefix) {
    Map<String, String> out = new LinkedHashMap<>();
    flags.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length()) {
            out.put(k.substring(prefix.length()), v);
          }
        });
    return out;
  }

  private static int parsePort(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
