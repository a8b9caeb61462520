package dev.omnichannel.monitor.generate;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.identity.BlockedValues;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.Pseudonymiser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.apache.avro.file.DataFileReader;
import org.apache.avro.specific.SpecificDatumReader;

/**
 * Test-side reader of a generated data set: every record of every file, parsed independently of the
 * generator (Jackson for JSON Lines, DataFileReader for Avro), with its file and line.
 */
final class GeneratedData {
  static final ObjectMapper LENIENT =
      JsonMapper.builder().enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
  static final BlockedValues BLOCKED = BlockedValues.defaults();

  /** One record as read back. Fields are null when absent or when the line does not parse. */
  record Rec(
      String file,
      int line,
      String raw,
      boolean parsed,
      String eventId,
      Long time,
      String channel,
      String type,
      List<String[]> ids,
      String topic,
      String outcome,
      Double value,
      Double sentiment) {

    String location() {
      return file + ":" + line;
    }

    /** Usable identities in normalised form, highest priority first. */
    List<IdentityKey> usable() {
      List<IdentityKey> keys = new ArrayList<>();
      for (String[] id : ids) {
        if (!BLOCKED.isBlocked(id[1])) {
          keys.add(new IdentityKey(id[0], normalise(id[0], id[1])));
        }
      }
      keys.sort(Comparator.naturalOrder());
      return keys;
    }

    boolean isContact() {
      return "CONTACT_START".equals(type)
          && List.of("CHAT", "VOICE", "EMAIL", "SOCIAL", "STORE").contains(channel);
    }
  }

  final Path dir;
  final GroundTruth truth;
  final List<Rec> records = new ArrayList<>();
  final Map<String, GroundTruth.BadRecord> badByLocation = new HashMap<>();

  private GeneratedData(Path dir, GroundTruth truth) {
    this.dir = dir;
    this.truth = truth;
  }

  static GeneratedData load(Path dir) throws IOException {
    GeneratedData data = new GeneratedData(dir, GroundTruth.read(dir.resolve("ground-truth.json")));
    for (GroundTruth.BadRecord b : data.truth.badRecords()) {
      data.badByLocation.put(b.file() + ":" + b.line(), b);
    }
    for (Path file : files(dir)) {
      String name = file.getFileName().toString();
      if (name.endsWith(".avro")) {
        data.readAvro(file);
      } else {
        data.readJsonl(file);
      }
    }
    return data;
  }

  /** Configurations that the heavier checks run over: formats, periods and bad ratios. */
  static Stream<GeneratorConfig> configurations() {
    GeneratorConfig d = GeneratorConfig.defaults();
    return Stream.of(
        d.withCustomers(300).withDays(120).withSeed(7).withBadRatio(0.12),
        d.withCustomers(40)
            .withDays(400)
            .withSeed(8)
            .withBadRatio(0.3)
            .withFormat(GeneratorConfig.Format.AVRO, false),
        d.withCustomers(200)
            .withDays(7)
            .withSeed(9)
            .withBadRatio(0.5)
            .withFormat(GeneratorConfig.Format.JSONL, true),
        d.withCustomers(500).withDays(45).withSeed(10).withStart(LocalDate.of(2031, 2, 27)));
  }

  /** Generates {@code cfg} into a sub-directory of {@code parent} and reads it back. */
  static GeneratedData generate(GeneratorConfig cfg, Path parent) throws IOException {
    Path dir =
        parent.resolve(cfg.seed() + "-" + cfg.format() + "-" + cfg.days() + "-" + cfg.customers());
    Generator.generate(cfg, dir);
    return load(dir);
  }

  static List<Path> files(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("events"))) {
      return s.sorted().toList();
    }
  }

  static String normalise(String namespace, String raw) {
    if (Namespaces.EMAIL.equals(namespace)) {
      return Pseudonymiser.normaliseEmail(raw);
    }
    if (Namespaces.PHONE.equals(namespace)) {
      return Pseudonymiser.normalisePhone(raw);
    }
    return raw;
  }

  private void readJsonl(Path file) throws IOException {
    String name = file.getFileName().toString();
    InputStream in = Files.newInputStream(file);
    if (name.endsWith(".gz")) {
      in = new GZIPInputStream(in);
    }
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      String line;
      int n = 0;
      while ((line = reader.readLine()) != null) {
        n++;
        records.add(parseJson(name, n, line));
      }
    }
  }

  static Rec parseJson(String file, int n, String line) {
    JsonNode node;
    try {
      node = LENIENT.readTree(line);
    } catch (IOException e) {
      return new Rec(
          file, n, line, false, null, null, null, null, List.of(), null, null, null, null);
    }
    Long time = null;
    JsonNode t = node.get("event_time");
    if (t != null) {
      time = t.isNumber() ? t.asLong() : Instant.parse(t.asText()).toEpochMilli();
    }
    List<String[]> ids = new ArrayList<>();
    JsonNode idsNode = node.get("identities");
    if (idsNode != null) {
      for (JsonNode id : idsNode) {
        ids.add(new String[] {id.get("namespace").asText(), id.get("value").asText()});
      }
    }
    return new Rec(
        file,
        n,
        line,
        true,
        text(node, "event_id"),
        time,
        text(node, "channel"),
        text(node, "event_type"),
        ids,
        text(node, "topic"),
        text(node, "outcome"),
        node.has("value") ? node.get("value").asDouble() : null,
        node.has("sentiment") ? node.get("sentiment").asDouble() : null);
  }

  private static String text(JsonNode node, String field) {
    JsonNode v = node.get(field);
    return v == null ? null : v.asText();
  }

  private void readAvro(Path file) throws IOException {
    String name = file.getFileName().toString();
    try (DataFileReader<ChannelEvent> reader =
        new DataFileReader<>(file.toFile(), new SpecificDatumReader<>(ChannelEvent.class))) {
      int n = 0;
      for (ChannelEvent e : reader) {
        n++;
        List<String[]> ids = new ArrayList<>();
        for (Identity id : e.getIdentities()) {
          ids.add(new String[] {id.getNamespace(), id.getValue()});
        }
        records.add(
            new Rec(
                name,
                n,
                e.toString(),
                true,
                e.getEventId(),
                e.getEventTime().toEpochMilli(),
                e.getChannel().name(),
                e.getEventType().name(),
                ids,
                e.getTopic(),
                e.getOutcome(),
                e.getValue(),
                e.getSentiment()));
      }
    }
  }

  GroundTruth.BadRecord bad(Rec r) {
    return badByLocation.get(r.location());
  }

  /** Records the job should accept: neither dead letters nor duplicates, per the ground truth. */
  List<Rec> accepted() {
    List<Rec> list = new ArrayList<>();
    for (Rec r : records) {
      GroundTruth.BadRecord b = bad(r);
      if (b == null || b.expected().equals("accepted")) {
        list.add(r);
      }
    }
    return list;
  }

  /** Maps every listed identity of every true person to that person's label. */
  Map<IdentityKey, String> ownerOfIdentity() {
    Map<IdentityKey, String> owner = new HashMap<>();
    for (GroundTruth.Person p : truth.persons()) {
      for (GroundTruth.IdentityValue id : p.identities()) {
        String previous = owner.put(new IdentityKey(id.namespace(), id.value()), p.person());
        if (previous != null) {
          throw new AssertionError(id + " listed for " + previous + " and " + p.person());
        }
      }
    }
    return owner;
  }

  /** The true person of an accepted event: the owner of its highest-priority usable identity. */
  Map<String, List<Rec>> eventsByPerson() {
    Map<IdentityKey, String> owner = ownerOfIdentity();
    Map<String, List<Rec>> byPerson = new HashMap<>();
    for (Rec r : accepted()) {
      String person = owner.get(r.usable().get(0));
      if (person == null) {
        throw new AssertionError("no person owns " + r.usable().get(0) + " of " + r.location());
      }
      byPerson.computeIfAbsent(person, k -> new ArrayList<>()).add(r);
    }
    for (List<Rec> list : byPerson.values()) {
      list.sort(Comparator.comparingLong(Rec::time).thenComparing(Rec::eventId));
    }
    return byPerson;
  }
}
