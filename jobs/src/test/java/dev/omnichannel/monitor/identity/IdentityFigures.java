package dev.omnichannel.monitor.identity;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.generate.GeneratedIdentityEvents;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.identity.RandomIdentityEvents.Ev;
import dev.omnichannel.monitor.io.DecodeResult;
import dev.omnichannel.monitor.io.EventDecoder;
import dev.omnichannel.monitor.io.ValidationRules;
import java.io.BufferedReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Measures what the identity stage sees on a data set: link occurrences, first occurrences, edge
 * records per star step, rounds needed, component sizes, and the share of events whose links reach
 * the stream resolver. Not a test; run with the test classpath:
 *
 * <pre>java -cp ... dev.omnichannel.monitor.identity.IdentityFigures [DIR/events ...] [--generated]
 * </pre>
 */
public final class IdentityFigures {
  private IdentityFigures() {}

  public static void main(String[] args) throws Exception {
    for (String a : args) {
      if (a.equals("--generated")) {
        Path tmp = Files.createTempDirectory("identity-figures");
        List<GeneratorConfig> configs = new ArrayList<>(GeneratedIdentityEvents.configurations());
        configs.add(GeneratorConfig.defaults());
        for (GeneratorConfig cfg : configs) {
          report(
              "generated customers="
                  + cfg.customers()
                  + " days="
                  + cfg.days()
                  + " seed="
                  + cfg.seed(),
              GeneratedIdentityEvents.generate(cfg, tmp));
        }
      } else {
        report(a, read(Path.of(a)));
      }
    }
  }

  /** Decodes every JSON Lines file of {@code dir} as the job does; keeps one record per id. */
  static List<Ev> read(Path dir) throws Exception {
    EventDecoder decoder =
        new EventDecoder(
            ValidationRules.defaults(),
            new Pseudonymiser("figures-key".getBytes(StandardCharsets.UTF_8)));
    Map<String, Ev> byId = new HashMap<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".jsonl")).sorted().toList();
    }
    for (Path f : files) {
      try (BufferedReader r = Files.newBufferedReader(f)) {
        String line;
        while ((line = r.readLine()) != null) {
          DecodeResult d = decoder.decode(line);
          if (!d.isAccepted()) {
            continue;
          }
          Event e = d.event();
          List<IdentityKey> ids = new ArrayList<>();
          for (String k : e.identities) {
            ids.add(IdentityKey.parse(k));
          }
          Ev ev = new Ev(e.eventId, e.eventTime, ids);
          byId.merge(e.eventId, ev, (a, b) -> a.time() <= b.time() ? a : b);
        }
      }
    }
    List<Ev> out = new ArrayList<>(byId.values());
    out.sort(
        (a, b) ->
            a.time() != b.time()
                ? Long.compare(a.time(), b.time())
                : a.eventId().compareTo(b.eventId()));
    return out;
  }

  static void report(String name, List<Ev> events) {
    List<Link> all = RandomIdentityEvents.allLinks(events);
    List<Link> first = RandomIdentityEvents.firstLinks(all);
    Set<Link> firstSet = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
    firstSet.addAll(first);
    Set<String> eventsWithFirst = new HashSet<>();
    Set<String> eventsWithLinks = new HashSet<>();
    for (Link l : all) {
      eventsWithLinks.add(l.eventId);
      if (firstSet.contains(l)) {
        eventsWithFirst.add(l.eventId);
      }
    }
    List<long[]> edges = new ArrayList<>();
    Set<Long> nodes = new HashSet<>();
    for (Link l : first) {
      long a = Fingerprints.of(l.primary);
      long b = Fingerprints.of(l.other);
      edges.add(new long[] {a, b});
      nodes.add(a);
      nodes.add(b);
    }
    int rounds = ComponentSimulator.roundsNeeded(edges, 64);
    ComponentSimulator.Run run = ComponentSimulator.run(edges, Math.max(rounds, 1));
    Map<Long, Integer> componentNodes = new HashMap<>();
    run.labels().values().forEach(l -> componentNodes.merge(l, 1, Integer::sum));
    int largest = componentNodes.values().stream().mapToInt(Integer::intValue).max().orElse(0);
    System.out.printf(
        "%s%n  events %,d; with 2+ identities %,d (%.1f%%); link occurrences %,d; first"
            + " occurrences %,d (%.1f%%)%n  events whose links reach the stream resolver %,d"
            + " (%.2f%% of events)%n  nodes %,d; components %,d; largest %,d nodes; rounds"
            + " needed %d%n  edge records per exchange (initial, then large/small per round): %s%n",
        name,
        events.size(),
        eventsWithLinks.size(),
        100.0 * eventsWithLinks.size() / Math.max(1, events.size()),
        all.size(),
        first.size(),
        100.0 * first.size() / Math.max(1, all.size()),
        eventsWithFirst.size(),
        100.0 * eventsWithFirst.size() / Math.max(1, events.size()),
        nodes.size(),
        componentNodes.size(),
        largest,
        rounds,
        run.recordsPerStep());
  }
}
