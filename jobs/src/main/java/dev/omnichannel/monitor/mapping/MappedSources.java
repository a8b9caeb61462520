package dev.omnichannel.monitor.mapping;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which inputs of a run are rows of a legacy export, and with which {@link Mapping}: every input
 * file ({@code backfill --mapping FILE}), some input files (the demo's call log next to its event
 * files), or some Kafka topics ({@code stream --mapping TOPIC=FILE}). Every other input is read as
 * events. A record's mapping is found from its {@code source}: {@code file:line} or {@code
 * kafka:topic/partition/offset}. Immutable.
 *
 * @param all the mapping of every input file, or null
 * @param files absolute, normalised file path to its mapping
 * @param topics Kafka topic to its mapping
 */
public record MappedSources(Mapping all, Map<String, Mapping> files, Map<String, Mapping> topics)
    implements Serializable {

  /** No mapped input: every record is an event. */
  public static final MappedSources NONE = new MappedSources(null, Map.of(), Map.of());

  private static final String KAFKA = "kafka:";

  public MappedSources {
    files = java.util.Collections.unmodifiableMap(new TreeMap<>(files));
    topics = java.util.Collections.unmodifiableMap(new TreeMap<>(topics));
  }

  /** Every input file read with {@code mapping}; null gives {@link #NONE}. */
  public static MappedSources all(Mapping mapping) {
    return new MappedSources(mapping, Map.of(), Map.of());
  }

  /** These sources, and {@code file} read with {@code mapping}. */
  public MappedSources withFile(Path file, Mapping mapping) {
    Map<String, Mapping> f = new TreeMap<>(files);
    f.put(key(file), mapping);
    return new MappedSources(all, f, topics);
  }

  /** These sources, and the records of {@code topic} read as rows with {@code mapping}. */
  public MappedSources withTopic(String topic, Mapping mapping) {
    Map<String, Mapping> t = new TreeMap<>(topics);
    t.put(topic, mapping);
    return new MappedSources(all, files, t);
  }

  /** True when no input is mapped. */
  public boolean isEmpty() {
    return all == null && files.isEmpty() && topics.isEmpty();
  }

  /** The mapping of the file {@code file} (as listed in a run's inputs), or null for events. */
  public Mapping forFile(String file) {
    if (all != null) {
      return all;
    }
    return files.isEmpty() ? null : files.get(key(Path.of(file)));
  }

  /** The mapping of Kafka topic {@code topic}, or null for events. */
  public Mapping forTopic(String topic) {
    return topics.get(topic);
  }

  /**
   * The mapping of a record whose source is {@code source} ({@code file:line} or {@code
   * kafka:topic/partition/offset}), or null when it is an event record.
   */
  public Mapping forSource(String source) {
    if (source == null) {
      return null;
    }
    if (source.startsWith(KAFKA)) {
      int slash = source.indexOf('/', KAFKA.length());
      return slash < 0 ? null : topics.get(source.substring(KAFKA.length(), slash));
    }
    if (all != null) {
      return all;
    }
    if (files.isEmpty()) {
      return null;
    }
    int colon = source.lastIndexOf(':');
    return files.get(colon < 0 ? source : source.substring(0, colon));
  }

  /** The form a file path takes as a key: absolute and normalised. */
  public static String key(Path file) {
    return file.toAbsolutePath().normalize().toString();
  }
}
