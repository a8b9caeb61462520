package dev.omnichannel.monitor.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.omnichannel.monitor.io.ParquetFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.avro.generic.GenericRecord;

/**
 * The figures behind the report, read from the Parquet tables of one output directory. Everything
 * is sorted with explicit tie-breaks, so the same directory always gives the same data.
 */
public final class ReportData {
  /** The tables the report reads; each must exist unless the run summary says it is empty. */
  public static final List<String> TABLES =
      List.of(
          "events",
          "journeys",
          "journey_matches",
          "friction",
          "attribution",
          "attribution_channel");

  /** Every table whose row count the header shows. */
  public static final List<String> COUNTED =
      List.of(
          "events",
          "journeys",
          "journey_matches",
          "friction",
          "attribution",
          "attribution_channel",
          "identity_merges",
          "dead_letters",
          "late_events");

  /** The funnel's steps, in order (event types of {@code schemas/channel_event.avsc}). */
  public static final List<String> FUNNEL =
      List.of("PRODUCT_VIEW", "ADD_TO_CART", "CHECKOUT_START", "PURCHASE");

  /** Touch steps shown in the Sankey; longer paths are cut there. */
  public static final int SANKEY_STEPS = 6;

  /** Example journeys shown as timelines. */
  public static final int TIMELINES = 5;

  /** Journey patterns shown. */
  public static final int TOP_PATTERNS = 15;

  private ReportData() {}

  /**
   * Reads {@code output} and computes every chart's data.
   *
   * @throws ReportInputException when the directory or a table is missing or unreadable
   */
  public static Map<String, Object> read(Path output) throws IOException {
    if (!Files.isDirectory(output)) {
      throw new ReportInputException("--output " + output + " is not a directory");
    }
    try (Stream<Path> s = Files.list(output)) {
      if (s.findAny().isEmpty()) {
        throw new ReportInputException("--output " + output + " is empty: run backfill or demo");
      }
    }
    JsonNode run = latestRun(output);
    Map<String, List<Path>> files = new TreeMap<>();
    for (String table : COUNTED) {
      files.put(table, ParquetFiles.under(output.resolve(table)));
    }
    for (String table : TABLES) {
      Path dir = output.resolve(table);
      if (!Files.isDirectory(dir) && !recordedEmpty(run, table)) {
        throw new ReportInputException(
            "table " + table + " is missing: " + dir + " does not exist");
      }
    }

    Map<String, Object> data = new LinkedHashMap<>();
    data.put("output", output.getFileName() == null ? "" : output.getFileName().toString());
    data.put("run", runSummary(run));
    Map<String, Long> counts = new LinkedHashMap<>();
    for (String table : COUNTED) {
      counts.put(table, rowCount(files.get(table)));
    }
    data.put("tables", counts);

    List<JourneyRow> journeys = new ArrayList<>();
    each(
        files.get("journeys"),
        r ->
            journeys.add(
                new JourneyRow(
                    str(r, "journey_id"),
                    str(r, "status"),
                    str(r, "channel_path"),
                    strings(r, "channels").size(),
                    num(r, "touch_count"),
                    num(r, "event_count"),
                    num(r, "start_time"),
                    bool(r, "converted"))));
    journeys.sort(Comparator.comparing(JourneyRow::id));

    Map<String, Object> notes = new LinkedHashMap<>();
    data.put("sankey", sankey(journeys));
    if (journeys.isEmpty()) {
      notes.put("sankey", "The journeys table has no rows.");
    }

    List<TimelineJourney> examples = examples(journeys);
    Map<String, Integer> exampleIndex = new HashMap<>();
    for (int i = 0; i < examples.size(); i++) {
      exampleIndex.put(examples.get(i).row.id, i);
    }
    Map<String, Set<String>> stepJourneys = new TreeMap<>();
    for (String step : FUNNEL) {
      stepJourneys.put(step, new HashSet<>());
    }
    long[] events = {0};
    each(
        files.get("events"),
        r -> {
          events[0]++;
          String journey = str(r, "journey_id");
          if (journey == null) {
            return;
          }
          String type = str(r, "event_type");
          Set<String> seen = stepJourneys.get(type);
          if (seen != null) {
            seen.add(journey);
          }
          Integer idx = exampleIndex.get(journey);
          if (idx != null) {
            examples
                .get(idx)
                .events
                .add(
                    new TimelineEvent(
                        num(r, "event_time"), str(r, "event_id"), str(r, "channel"), type));
          }
        });
    List<Map<String, Object>> funnel = new ArrayList<>();
    for (String step : FUNNEL) {
      funnel.add(entry("name", step, "value", stepJourneys.get(step).size()));
    }
    data.put("funnel", funnel);
    if (events[0] == 0) {
      notes.put("funnel", "The events table has no rows.");
    }

    data.put("attribution", attribution(files, notes));
    data.put("friction", friction(files.get("friction"), notes));
    data.put("patterns", patterns(files.get("journey_matches"), notes));
    data.put("timelines", timelines(examples));
    if (examples.isEmpty()) {
      notes.put("timelines", "No converted journeys to show.");
    }
    data.put("notes", notes);
    return data;
  }

  // ---- inputs

  private static JsonNode latestRun(Path output) throws IOException {
    Path runs = output.resolve("_runs");
    if (!Files.isDirectory(runs)) {
      return null;
    }
    List<Path> jsons;
    try (Stream<Path> s = Files.list(runs)) {
      jsons = s.filter(p -> p.getFileName().toString().endsWith(".json")).sorted().toList();
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode best = null;
    String bestKey = null;
    for (Path p : jsons) {
      JsonNode n;
      try {
        n = json.readTree(p.toFile());
      } catch (IOException e) {
        throw new ReportInputException(
            "run summary " + p + " is not valid JSON: " + e.getMessage());
      }
      String mode = n.path("mode").asText();
      if ("expire".equals(mode) || "erase".equals(mode)) {
        // retention and erasure remove rows; they are not runs that produced the tables
        continue;
      }
      // latest by start time, ties by file name (the list is sorted, so >= keeps the last)
      String key = n.path("started_at").asText("") + "\u0000" + p.getFileName();
      if (bestKey == null || key.compareTo(bestKey) >= 0) {
        best = n;
        bestKey = key;
      }
    }
    return best;
  }

  private static boolean recordedEmpty(JsonNode run, String table) {
    return run != null
        && run.path("tables").has(table)
        && run.path("tables").path(table).asLong(-1) == 0;
  }

  private static Map<String, Object> runSummary(JsonNode run) {
    if (run == null) {
      return null;
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (String f :
        List.of("run_id", "mode", "status", "started_at", "ended_at", "duration_ms", "persons")) {
      if (run.has(f)) {
        m.put(f, run.get(f).isNumber() ? run.get(f).numberValue() : run.get(f).asText());
      }
    }
    if (run.has("range")) {
      m.put(
          "range",
          run.path("range").path("from").asText("")
              + " .. "
              + run.path("range").path("to").asText(""));
    }
    if (run.has("conversions")) {
      m.put("conversions", run.get("conversions").asLong());
    }
    if (run.has("conversion_value")) {
      m.put("conversion_value", run.get("conversion_value").asDouble());
    }
    Map<String, Object> acc = new LinkedHashMap<>();
    run.path("accounting")
        .fields()
        .forEachRemaining(
            e ->
                acc.put(
                    e.getKey(),
                    e.getValue().isNumber()
                        ? e.getValue().numberValue()
                        : e.getValue().asBoolean()));
    m.put("accounting", acc);
    return m;
  }

  private static long rowCount(List<Path> files) {
    try {
      return ParquetFiles.rowCount(files);
    } catch (IOException | RuntimeException e) {
      throw new ReportInputException("cannot read Parquet " + files + ": " + e.getMessage(), e);
    }
  }

  private static void each(List<Path> files, Consumer<GenericRecord> sink) {
    for (Path f : files) {
      try {
        ParquetFiles.forEach(List.of(f), sink);
      } catch (IOException | RuntimeException e) {
        if (e instanceof ReportInputException r) {
          throw r;
        }
        throw new ReportInputException("cannot read Parquet file " + f + ": " + e.getMessage(), e);
      }
    }
  }

  // ---- charts

  private static Map<String, Object> sankey(List<JourneyRow> journeys) {
    Map<String, Long> links = new TreeMap<>();
    for (JourneyRow j : journeys) {
      if (j.path == null || j.path.isEmpty()) {
        continue;
      }
      String[] touches = j.path.split(" > ");
      int n = Math.min(touches.length, SANKEY_STEPS);
      String prev = null;
      for (int i = 0; i < n; i++) {
        String node = (i + 1) + ". " + touches[i];
        if (prev != null) {
          links.merge(prev + "\u0000" + node, 1L, Long::sum);
        }
        prev = node;
      }
      links.merge(
          prev + "\u0000" + "= " + (j.status == null ? "UNKNOWN" : j.status), 1L, Long::sum);
    }
    TreeSet<String> nodes = new TreeSet<>();
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : links.entrySet()) {
      String[] st = e.getKey().split("\u0000");
      nodes.add(st[0]);
      nodes.add(st[1]);
      out.add(entry("source", st[0], "target", st[1], "value", e.getValue()));
    }
    List<Map<String, Object>> nodeList = new ArrayList<>();
    for (String n : nodes) {
      nodeList.add(entry("name", n));
    }
    return entry("nodes", nodeList, "links", out, "steps", SANKEY_STEPS);
  }

  private static Map<String, Object> attribution(
      Map<String, List<Path>> files, Map<String, Object> notes) {
    Map<String, Map<String, Double>> byModel = new TreeMap<>();
    each(
        files.get("attribution"),
        r ->
            byModel
                .computeIfAbsent(str(r, "model"), k -> new TreeMap<>())
                .merge(str(r, "channel"), dbl(r, "credit"), Double::sum));
    Map<String, Map<String, Double>> windowed = new TreeMap<>();
    each(
        files.get("attribution_channel"),
        r ->
            windowed
                .computeIfAbsent(str(r, "model"), k -> new TreeMap<>())
                .merge(str(r, "channel"), dbl(r, "attributed_conversions"), Double::sum));
    // per-conversion rows first; models only in the windowed table (data-driven) from there
    windowed.forEach(byModel::putIfAbsent);
    TreeSet<String> channels = new TreeSet<>();
    byModel.values().forEach(m -> channels.addAll(m.keySet()));
    List<Map<String, Object>> series = new ArrayList<>();
    for (Map.Entry<String, Map<String, Double>> e : byModel.entrySet()) {
      List<Double> values = new ArrayList<>();
      for (String c : channels) {
        values.add(round(e.getValue().getOrDefault(c, 0.0)));
      }
      series.add(entry("model", e.getKey(), "values", values));
    }
    if (byModel.isEmpty()) {
      notes.put("attribution", "The attribution tables have no rows.");
    }
    return entry("channels", new ArrayList<>(channels), "series", series);
  }

  private static Map<String, Object> friction(List<Path> files, Map<String, Object> notes) {
    Map<String, Map<String, Long>> byChannel = new TreeMap<>();
    TreeSet<String> types = new TreeSet<>();
    each(
        files,
        r -> {
          String type = str(r, "friction_type");
          types.add(type);
          TreeSet<String> channels = new TreeSet<>(strings(r, "channels"));
          if (channels.isEmpty()) {
            channels.add("(none)");
          }
          for (String c : channels) {
            byChannel.computeIfAbsent(c, k -> new TreeMap<>()).merge(type, 1L, Long::sum);
          }
        });
    List<Map<String, Object>> series = new ArrayList<>();
    for (Map.Entry<String, Map<String, Long>> e : byChannel.entrySet()) {
      List<Long> values = new ArrayList<>();
      for (String t : types) {
        values.add(e.getValue().getOrDefault(t, 0L));
      }
      series.add(entry("channel", e.getKey(), "values", values));
    }
    if (types.isEmpty()) {
      notes.put("friction", "The friction table has no rows.");
    }
    return entry("types", new ArrayList<>(types), "series", series);
  }

  private static List<Map<String, Object>> patterns(List<Path> files, Map<String, Object> notes) {
    Map<String, Long> counts = new TreeMap<>();
    each(files, r -> counts.merge(str(r, "pattern"), 1L, Long::sum));
    List<Map.Entry<String, Long>> sorted = new ArrayList<>(counts.entrySet());
    sorted.sort(
        Map.Entry.<String, Long>comparingByValue()
            .reversed()
            .thenComparing(Map.Entry.comparingByKey()));
    List<Map<String, Object>> out = new ArrayList<>();
    for (Map.Entry<String, Long> e : sorted.subList(0, Math.min(TOP_PATTERNS, sorted.size()))) {
      out.add(entry("pattern", e.getKey(), "count", e.getValue()));
    }
    if (counts.isEmpty()) {
      notes.put("patterns", "The journey_matches table has no rows.");
    }
    return out;
  }

  private static List<TimelineJourney> examples(List<JourneyRow> journeys) {
    return journeys.stream()
        .filter(j -> j.converted)
        .sorted(
            Comparator.comparingInt((JourneyRow j) -> j.channels)
                .reversed()
                .thenComparing(Comparator.comparingLong((JourneyRow j) -> j.touches).reversed())
                .thenComparing(Comparator.comparingLong((JourneyRow j) -> j.events).reversed())
                .thenComparing(JourneyRow::id))
        .limit(TIMELINES)
        .map(TimelineJourney::new)
        .toList();
  }

  private static Map<String, Object> timelines(List<TimelineJourney> examples) {
    List<Map<String, Object>> journeys = new ArrayList<>();
    Map<String, List<List<Object>>> byChannel = new TreeMap<>();
    for (int i = 0; i < examples.size(); i++) {
      TimelineJourney t = examples.get(i);
      t.events.sort(Comparator.comparingLong(TimelineEvent::time).thenComparing(TimelineEvent::id));
      long start = t.events.isEmpty() ? t.row.start : Math.min(t.row.start, t.events.get(0).time);
      String label = "#" + (i + 1) + " " + t.row.id.substring(0, Math.min(8, t.row.id.length()));
      journeys.add(
          entry(
              "journey_id",
              t.row.id,
              "label",
              label,
              "start",
              Instant.ofEpochMilli(start).toString(),
              "channels",
              t.row.channels,
              "events",
              t.events.size()));
      for (TimelineEvent e : t.events) {
        byChannel
            .computeIfAbsent(e.channel, k -> new ArrayList<>())
            .add(
                List.of(
                    round((e.time - start) / 3_600_000.0),
                    label,
                    e.type,
                    Instant.ofEpochMilli(e.time).toString()));
      }
    }
    List<Map<String, Object>> series = new ArrayList<>();
    byChannel.forEach((c, pts) -> series.add(entry("channel", c, "points", pts)));
    return entry("journeys", journeys, "series", series);
  }

  // ---- helpers

  private static double round(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  static Map<String, Object> entry(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  private static String str(GenericRecord r, String field) {
    Object v = r.hasField(field) ? r.get(field) : null;
    return v == null ? null : v.toString();
  }

  private static long num(GenericRecord r, String field) {
    Object v = r.hasField(field) ? r.get(field) : null;
    if (v instanceof Instant t) {
      return t.toEpochMilli();
    }
    return v instanceof Number n ? n.longValue() : 0L;
  }

  private static double dbl(GenericRecord r, String field) {
    Object v = r.hasField(field) ? r.get(field) : null;
    return v instanceof Number n ? n.doubleValue() : 0.0;
  }

  private static boolean bool(GenericRecord r, String field) {
    Object v = r.hasField(field) ? r.get(field) : null;
    return v instanceof Boolean b && b;
  }

  private static List<String> strings(GenericRecord r, String field) {
    Object v = r.hasField(field) ? r.get(field) : null;
    List<String> out = new ArrayList<>();
    if (v instanceof Iterable<?> it) {
      for (Object o : it) {
        if (o != null) {
          out.add(o.toString());
        }
      }
    }
    return out;
  }

  private record JourneyRow(
      String id,
      String status,
      String path,
      int channels,
      long touches,
      long events,
      long start,
      boolean converted) {}

  private record TimelineEvent(long time, String id, String channel, String type) {}

  private static final class TimelineJourney {
    final JourneyRow row;
    final List<TimelineEvent> events = new ArrayList<>();

    TimelineJourney(JourneyRow row) {
      this.row = row;
    }
  }
}
