package dev.omnichannel.monitor.patterns;

import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The patterns in force: the built-in catalogue ({@value #BUILTIN} on the classpath), then each
 * user file in order, then parameter overrides. Plain Java.
 */
public final class PatternCatalogue implements Serializable {
  /** Classpath location of the built-in catalogue. */
  public static final String BUILTIN = "patterns/builtin.yaml";

  private final List<PatternDef> patterns;

  private PatternCatalogue(List<PatternDef> patterns) {
    this.patterns = List.copyOf(patterns);
  }

  /** The built-in catalogue with its default parameters. */
  public static PatternCatalogue builtin() {
    return load(List.of(), Map.of());
  }

  /** The built-in catalogue extended or overridden by {@code files} and {@code overrides}. */
  public static PatternCatalogue load(List<Path> files, Map<String, String> overrides) {
    List<CatalogueParser.Parsed> parsed = new ArrayList<>();
    try (InputStream in = PatternCatalogue.class.getClassLoader().getResourceAsStream(BUILTIN)) {
      if (in == null) {
        throw new IllegalStateException(
            "the built-in catalogue " + BUILTIN + " is missing from the jar");
      }
      parsed.add(CatalogueParser.read("built-in " + BUILTIN, in));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + BUILTIN, e);
    }
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        parsed.add(CatalogueParser.read(f.toString(), in));
      } catch (NoSuchFileException e) {
        throw new CatalogueException(f.toString(), null, null, "no such file");
      } catch (IOException e) {
        throw new CatalogueException(f.toString(), null, null, "cannot be read: " + e.getMessage());
      }
    }
    return new PatternCatalogue(CatalogueParser.build(parsed, overrides));
  }

  /** Parses a catalogue from text alone (no built-ins); for tests and tools. */
  public static PatternCatalogue fromYaml(String name, String yaml, Map<String, String> overrides) {
    CatalogueParser.Parsed p =
        CatalogueParser.read(
            name,
            new java.io.ByteArrayInputStream(
                yaml.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    return new PatternCatalogue(CatalogueParser.build(List.of(p), overrides));
  }

  /** The same catalogue restricted to the named patterns, in catalogue order. */
  public PatternCatalogue only(String... names) {
    java.util.Set<String> keep = java.util.Set.of(names);
    for (String n : names) {
      get(n);
    }
    return new PatternCatalogue(patterns.stream().filter(p -> keep.contains(p.name())).toList());
  }

  public List<PatternDef> patterns() {
    return patterns;
  }

  /** The pattern of that name; an {@link IllegalArgumentException} when there is none. */
  public PatternDef get(String name) {
    for (PatternDef p : patterns) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no pattern named " + name);
  }
}
