package dev.omnichannel.monitor.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.generate.GeneratedData.Rec;
import dev.omnichannel.monitor.generate.GeneratorConfig.Format;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Broken records: how many of each kind, where they are, and that each is broken as stated. */
class GeneratorBadRecordsTest {
  @TempDir Path tmp;

  private static final GeneratorConfig CFG =
      GeneratorConfig.defaults().withCustomers(400).withDays(60).withBadRatio(0.15);

  @Test
  void shouldKeepCountsConsistentWithTheFiles() throws IOException {
    GeneratedData data = GeneratedData.load(generate(CFG, "jsonl"));
    GroundTruth.Counts c = data.truth.counts();
    assertThat(c.records()).isEqualTo(data.records.size());
    assertThat(c.records()).isEqualTo(c.acceptedEvents() + c.duplicates() + c.deadLetters());
    long dead =
        data.truth.badRecords().stream().filter(b -> b.expected().equals("dead_letter")).count();
    long dup =
        data.truth.badRecords().stream().filter(b -> b.expected().equals("duplicate")).count();
    assertThat(c.deadLetters()).isEqualTo(dead);
    assertThat(c.duplicates()).isEqualTo(dup);
    assertThat(data.accepted()).hasSize((int) c.acceptedEvents());
    assertThat(
            countKind(data.truth, "UNKNOWN_CHANNEL") + countKind(data.truth, "UNKNOWN_EVENT_TYPE"))
        .isEqualTo(c.unknownEnumEvents());
    assertThat(countKind(data.truth, "OUT_OF_ORDER")).isEqualTo(c.outOfOrder());
  }

  @Test
  void shouldSpreadBadRecordsEvenlyOverTheKinds() throws IOException {
    GeneratedData data = GeneratedData.load(generate(CFG, "jsonl"));
    long records = data.truth.counts().records();
    long bad = data.truth.badRecords().size();
    assertThat((double) bad / records).isCloseTo(0.15, org.assertj.core.data.Offset.offset(0.005));
    List<BadKind> kinds = Generator.kinds(Format.JSONL);
    assertThat(kinds).hasSize(15);
    for (BadKind kind : kinds) {
      assertThat(countKind(data.truth, kind.name()))
          .as(kind.name())
          .isBetween(bad / 15, bad / 15 + 1);
    }
  }

  @Test
  void shouldParseEveryLineExceptMalformedOnes() throws IOException {
    GeneratedData data = GeneratedData.load(generate(CFG, "jsonl"));
    int malformed = 0;
    for (Rec r : data.records) {
      GroundTruth.BadRecord b = data.bad(r);
      if (b != null && b.kind().equals("MALFORMED_JSON")) {
        malformed++;
        assertThat(r.parsed()).as(r.location()).isFalse();
        assertThatThrownBy(() -> GeneratedData.LENIENT.readTree(r.raw()))
            .isInstanceOf(IOException.class);
      } else {
        assertThat(r.parsed()).as(r.location() + " " + r.raw()).isTrue();
      }
    }
    assertThat(malformed).isEqualTo(countKind(data.truth, "MALFORMED_JSON")).isPositive();
  }

  @Test
  void shouldPutEveryBadRecordWhereTheGroundTruthSaysJsonl() throws IOException {
    checkBadRecords(
        GeneratedData.load(generate(CFG, "jsonl")), Generator.kinds(Format.JSONL).size());
  }

  @Test
  void shouldPutEveryBadRecordWhereTheGroundTruthSaysAvro() throws IOException {
    GeneratedData data = GeneratedData.load(generate(CFG.withFormat(Format.AVRO, false), "avro"));
    checkBadRecords(data, 10);
    assertThat(data.truth.badRecords())
        .extracting(GroundTruth.BadRecord::kind)
        .doesNotContain(
            "MALFORMED_JSON",
            "MISSING_EVENT_ID",
            "MISSING_EVENT_TIME",
            "UNKNOWN_CHANNEL",
            "UNKNOWN_EVENT_TYPE");
  }

  @Test
  void shouldGiveEachFormatTheKindsItCanCarry() {
    assertThat(Generator.kinds(Format.KAFKA))
        .containsExactly(
            BadKind.EMPTY_EVENT_ID,
            BadKind.ABSURD_TIMESTAMP_1970,
            BadKind.ABSURD_TIMESTAMP_2999,
            BadKind.BLOCKED_IDENTITY_ONLY,
            BadKind.EMPTY_IDENTITIES,
            BadKind.NAN_VALUE,
            BadKind.HUGE_VALUE,
            BadKind.BAD_SENTIMENT,
            BadKind.UNKNOWN_CHANNEL,
            BadKind.UNKNOWN_EVENT_TYPE,
            BadKind.EXACT_DUPLICATE,
            BadKind.OUT_OF_ORDER,
            BadKind.RANDOM_BYTES,
            BadKind.TRUNCATED_AVRO,
            BadKind.WRONG_SCHEMA,
            BadKind.TOMBSTONE,
            BadKind.OVERSIZED_RECORD);
    assertThat(Generator.kinds(Format.AVRO)).hasSize(10).allMatch(k -> k.avro && k.kafka);
    assertThat(Generator.kinds(Format.JSONL)).hasSize(15).noneMatch(BadKind::kafkaOnly);
    assertThatThrownBy(() -> Generator.generate(CFG.withFormat(Format.KAFKA, false), tmp))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("format kafka needs a Kafka target");
  }

  @Test
  void shouldKeepValidRecordsSortedInTheFileOfTheirDay() throws IOException {
    GeneratedData data = GeneratedData.load(generate(CFG, "jsonl"));
    long start = CFG.start().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long end = start + CFG.days() * 86_400_000L;
    Map<String, Long> lastTime = new HashMap<>();
    Set<String> ids = new HashSet<>();
    for (Rec r : data.records) {
      if (data.bad(r) != null) {
        continue;
      }
      assertThat(r.time()).isBetween(start, end - 1);
      assertThat(r.file()).isEqualTo("events-" + day(r.time()) + ".jsonl");
      assertThat(r.time())
          .as(r.location())
          .isGreaterThanOrEqualTo(lastTime.getOrDefault(r.file(), 0L));
      lastTime.put(r.file(), r.time());
      assertThat(ids.add(r.eventId())).as(r.eventId()).isTrue();
      assertThat(r.eventId()).matches("e-\\d{10}");
      assertThat(r.usable()).isNotEmpty();
    }
  }

  @Test
  void shouldWriteTheSameEventsAsGzipAndAvro() throws IOException {
    GeneratorConfig clean = CFG.withBadRatio(0);
    Path plain = generate(clean, "plain");
    Path gz = generate(clean.withFormat(Format.JSONL, true), "gz");
    Path avro = generate(clean.withFormat(Format.AVRO, false), "avro");
    List<Path> plainFiles = GeneratedData.files(plain);
    List<Path> gzFiles = GeneratedData.files(gz);
    assertThat(gzFiles).hasSameSizeAs(plainFiles);
    for (int i = 0; i < plainFiles.size(); i++) {
      assertThat(gzFiles.get(i).getFileName().toString())
          .isEqualTo(plainFiles.get(i).getFileName() + ".gz");
      try (InputStream in = new GZIPInputStream(Files.newInputStream(gzFiles.get(i)))) {
        assertThat(in.readAllBytes()).isEqualTo(Files.readAllBytes(plainFiles.get(i)));
      }
    }
    List<Rec> fromJson = GeneratedData.load(plain).records;
    List<Rec> fromAvro = GeneratedData.load(avro).records;
    assertThat(fromAvro).hasSameSizeAs(fromJson);
    for (int i = 0; i < fromJson.size(); i++) {
      Rec j = fromJson.get(i);
      Rec a = fromAvro.get(i);
      assertThat(a.eventId()).isEqualTo(j.eventId());
      assertThat(a.time()).isEqualTo(j.time());
      assertThat(a.channel()).isEqualTo(j.channel());
      assertThat(a.type()).isEqualTo(j.type());
      assertThat(a.ids()).usingRecursiveFieldByFieldElementComparator().isEqualTo(j.ids());
      assertThat(a.value()).isEqualTo(j.value());
      assertThat(a.sentiment()).isEqualTo(j.sentiment());
      assertThat(a.topic()).isEqualTo(j.topic());
    }
  }

  /** Checks that the record at each stated place has the stated property. */
  private static void checkBadRecords(GeneratedData data, int kinds) {
    Map<String, List<Rec>> byId = new HashMap<>();
    Map<String, Integer> fileIndex = new HashMap<>();
    List<String> fileOrder = new ArrayList<>();
    for (Rec r : data.records) {
      if (r.eventId() != null) {
        byId.computeIfAbsent(r.eventId(), k -> new ArrayList<>()).add(r);
      }
      if (!fileIndex.containsKey(r.file())) {
        fileIndex.put(r.file(), fileOrder.size());
        fileOrder.add(r.file());
      }
    }
    Map<String, Rec> at = new HashMap<>();
    for (Rec r : data.records) {
      at.put(r.location(), r);
    }
    Set<String> seenKinds = new HashSet<>();
    for (GroundTruth.BadRecord b : data.truth.badRecords()) {
      Rec r = at.get(b.file() + ":" + b.line());
      assertThat(r).as(b.toString()).isNotNull();
      BadKind kind = BadKind.valueOf(b.kind());
      seenKinds.add(b.kind());
      assertThat(b.expected()).isEqualTo(kind.expected.label);
      assertThat(b.reasonCode()).isEqualTo(kind.reasonCode);
      if (kind != BadKind.MALFORMED_JSON
          && kind != BadKind.MISSING_EVENT_ID
          && kind != BadKind.EMPTY_EVENT_ID) {
        assertThat(r.eventId()).as(b.toString()).isEqualTo(b.eventId());
      } else {
        assertThat(b.eventId()).isNull();
      }
      switch (kind) {
        case MALFORMED_JSON -> assertThat(r.parsed()).isFalse();
        case MISSING_EVENT_ID -> assertThat(r.raw()).doesNotContain("\"event_id\"");
        case EMPTY_EVENT_ID -> assertThat(r.eventId()).isEmpty();
        case MISSING_EVENT_TIME -> {
          assertThat(r.time()).isNull();
          assertThat(r.raw()).doesNotContain("\"event_time\"");
        }
        case ABSURD_TIMESTAMP_1970 -> assertThat(year(r.time())).isEqualTo(1970);
        case ABSURD_TIMESTAMP_2999 -> assertThat(year(r.time())).isEqualTo(2999);
        case BLOCKED_IDENTITY_ONLY -> {
          assertThat(r.ids()).isNotEmpty();
          assertThat(r.usable()).isEmpty();
        }
        case EMPTY_IDENTITIES -> assertThat(r.ids()).isEmpty();
        case NAN_VALUE -> {
          assertThat(r.value()).isNaN();
          if (r.file().endsWith(".jsonl")) {
            assertThat(r.raw()).contains("\"value\":NaN");
          }
        }
        case HUGE_VALUE -> assertThat(r.value()).isEqualTo(1e300);
        case BAD_SENTIMENT -> assertThat(r.sentiment()).isEqualTo(7.5);
        case UNKNOWN_CHANNEL -> {
          assertThat(r.channel()).isEqualTo("SMART_TV");
          assertThat(r.type()).isEqualTo("PAGE_VIEW");
        }
        case UNKNOWN_EVENT_TYPE -> {
          assertThat(r.channel()).isEqualTo("WEB");
          assertThat(r.type()).isEqualTo("HOVER");
        }
        case EXACT_DUPLICATE -> {
          List<Rec> same = byId.get(r.eventId());
          assertThat(same).hasSize(2);
          Rec original = same.get(0) == r ? same.get(1) : same.get(0);
          assertThat(data.bad(original)).isNull();
          assertThat(original.raw()).isEqualTo(r.raw());
        }
        case OUT_OF_ORDER -> {
          assertThat(byId.get(r.eventId())).hasSize(1);
          boolean otherDay = !r.file().contains(day(r.time()).toString());
          boolean behind = false;
          for (Rec prev : data.records) {
            if (prev == r) {
              break;
            }
            if (prev.file().equals(r.file())
                && prev.time() != null
                && data.bad(prev) == null
                && prev.time() > r.time()) {
              behind = true;
            }
          }
          assertThat(otherDay || behind).as(b.toString()).isTrue();
        }
      }
      if (kind.expected == BadKind.Expected.DEAD_LETTER
          && kind != BadKind.MALFORMED_JSON
          && kind != BadKind.MISSING_EVENT_ID
          && kind != BadKind.EMPTY_EVENT_ID) {
        assertThat(r.eventId()).startsWith("x-");
      }
    }
    assertThat(seenKinds).hasSize(kinds);
  }

  private static LocalDate day(long millis) {
    return Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC).toLocalDate();
  }

  private static int year(long millis) {
    return day(millis).getYear();
  }

  private static long countKind(GroundTruth truth, String kind) {
    return truth.badRecords().stream().filter(b -> b.kind().equals(kind)).count();
  }

  private Path generate(GeneratorConfig cfg, String name) throws IOException {
    Path dir = tmp.resolve(name);
    Generator.generate(cfg, dir);
    return dir;
  }
}
