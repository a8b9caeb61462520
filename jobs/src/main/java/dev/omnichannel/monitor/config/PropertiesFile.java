package dev.omnichannel.monitor.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * Client properties from a file in Java properties format (the usual {@code client.properties}),
 * with {@code ${NAME}} in a value replaced by the environment variable {@code NAME}, so that the
 * file itself can hold no secret and no secret needs to be on the command line. {@code $${} stands
 * for a literal {@code ${}. The file is read as UTF-8.
 *
 * <p>Every problem is an {@link IllegalArgumentException} whose message names the flag and the
 * file, and the property and variable where there is one, never a value.
 */
public final class PropertiesFile {
  private PropertiesFile() {}

  /**
   * The properties of {@code file}, sorted by name, with {@code ${NAME}} replaced from {@code env}.
   *
   * @param flag the option that named the file, for messages ({@code --kafka-properties})
   * @param file the file
   * @param env the environment, usually {@link System#getenv()}
   */
  public static Map<String, String> load(String flag, Path file, Map<String, String> env) {
    String where = flag + " " + file;
    if (Files.isDirectory(file)) {
      throw new IllegalArgumentException(where + " cannot be read: it is a directory");
    }
    Properties raw = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      raw.load(r);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(where + " cannot be read: no such file");
    } catch (AccessDeniedException e) {
      throw new IllegalArgumentException(where + " cannot be read: permission denied");
    } catch (IOException e) {
      throw new IllegalArgumentException(where + " cannot be read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      // Properties.load: a malformed \\uXXXX escape (its message quotes no value)
      throw new IllegalArgumentException(where + " is not a properties file: " + e.getMessage(), e);
    }
    Map<String, String> out = new TreeMap<>();
    for (String name : raw.stringPropertyNames()) {
      out.put(name, substitute(where, name, raw.getProperty(name), env));
    }
    return out;
  }

  /** {@code value} with every {@code ${NAME}} replaced by {@code env}'s NAME. */
  static String substitute(String where, String name, String value, Map<String, String> env) {
    StringBuilder b = new StringBuilder(value.length());
    int i = 0;
    while (i < value.length()) {
      if (value.startsWith("$${", i)) {
        b.append("${");
        i += 3;
        continue;
      }
      if (!value.startsWith("${", i)) {
        b.append(value.charAt(i++));
        continue;
      }
      int end = value.indexOf('}', i + 2);
      String var = end < 0 ? "" : value.substring(i + 2, end);
      if (!var.matches("[A-Za-z_][A-Za-z0-9_]*")) {
        throw new IllegalArgumentException(
            where
                + ": the value of "
                + name
                + " has a '${' that does not start a ${NAME} reference (NAME: letters, digits and"
                + " _; write $${ for a literal ${)");
      }
      String v = env.get(var);
      if (v == null || v.isEmpty()) {
        throw new IllegalArgumentException(
            where
                + ": "
                + name
                + " uses ${"
                + var
                + "}, but the environment variable "
                + var
                + " is not set (or is empty)");
      }
      b.append(v);
      i = end + 1;
    }
    return b.toString();
  }
}
