package dev.omnichannel.monitor.attribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Loads the copied public reference data (src/test/resources/reference-data, see its README). */
final class ReferenceData {
  private ReferenceData() {}

  static List<String> lines(String resource) {
    try (InputStream in = open(resource);
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      return r.lines().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static JsonNode json(String resource) {
    try (InputStream in = open(resource)) {
      return new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** ChannelAttribution's Data.csv: path;total_conversions;total_conversion_value;total_null. */
  static List<PathStat> channelAttributionData() {
    List<String> lines = lines("channelattribution-paths/Data.csv");
    List<PathStat> out = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split(";");
      out.add(
          new PathStat(
              Arrays.asList(f[0].split(" > ")),
              Double.parseDouble(f[1]),
              Double.parseDouble(f[2]),
              Double.parseDouble(f[3])));
    }
    return out;
  }

  private static InputStream open(String resource) {
    InputStream in = ReferenceData.class.getResourceAsStream("/reference-data/" + resource);
    if (in == null) {
      throw new IllegalStateException("missing test resource reference-data/" + resource);
    }
    return in;
  }
}
