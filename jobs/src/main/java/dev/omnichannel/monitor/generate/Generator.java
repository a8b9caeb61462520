package dev.omnichannel.monitor.generate;

import dev.omnichannel.monitor.avro.Channel;
import dev.omnichannel.monitor.avro.EventType;
import dev.omnichannel.monitor.generate.GeneratorConfig.Format;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.io.KafkaProducers;
import dev.omnichannel.monitor.io.KafkaRecordFormat;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Generates a synthetic omnichannel data set with exact ground truth.
 *
 * <p>In: a {@link GeneratorConfig}. Out: {@code <dir>/events/events-YYYY-MM-DD.<ext>}, one file per
 * UTC day of the event time, records in time order (except planted out-of-order ones), and {@code
 * <dir>/ground-truth.json}. Steps: build every person's timeline ({@link PersonBuilder}), sort all
 * events by time and number them ({@code e-0000000001} is the earliest), pick the owners of shared
 * devices, plant the bad records, lay out and write the files, and describe it all in a {@link
 * GroundTruth}. Everything follows from the seed: the same configuration gives byte-identical
 * files. The whole data set is held in memory (roughly 300 bytes per event).
 *
 * <p>With {@link Format#KAFKA} the same records, in the same order (day after day), go to one Kafka
 * topic instead of files ({@link KafkaSink}), and the ground truth gives each bad record's {@code
 * kafka:<topic>/<partition>/<offset>}. The bad kinds are those a topic of Avro binary ChannelEvents
 * can carry ({@link BadKind#carriedBy}).
 */
public final class Generator {
  static final long DAY = 86_400_000L;

  /** Share of customers that come in pairs sharing a tablet. */
  static final double SHARED_DEVICE_SHARE = 0.01;

  /** Rough heap use per generated event, for {@link #estimate}. */
  static final long BYTES_PER_EVENT = 320;

  /** Most {@link BadKind#OVERSIZED_RECORD}s (each over 1 MiB) planted in one run. */
  static final int MAX_OVERSIZED = 5;

  /** How long the generator waits for Kafka to describe the topic. */
  static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(15);

  private static final long EPOCH_DAY_2999 = LocalDate.of(2999, 1, 1).toEpochDay();

  private Generator() {}

  /** Generates the data set of {@code cfg} under {@code outputDir} and returns its ground truth. */
  public static GroundTruth generate(GeneratorConfig cfg, Path outputDir) throws IOException {
    if (cfg.format() == Format.KAFKA) {
      throw new IllegalArgumentException("format kafka needs a Kafka target");
    }
    return new Run(cfg, customersFor(cfg)).write(outputDir, null);
  }

  /**
   * Generates the data set of {@code cfg} under {@code outputDir}, and the legacy exports of {@code
   * exports} under {@code outputDir/legacy/} ({@link LegacyExport}): rows of the generated persons'
   * calls, store purchases and e-mails in the layouts of the example mappings, listed with their
   * persons in the ground truth's {@code legacy_rows}. The events are the same as without them.
   */
  public static GroundTruth generate(
      GeneratorConfig cfg, Path outputDir, java.util.Set<LegacyExport> exports) throws IOException {
    if (cfg.format() == Format.KAFKA) {
      throw new IllegalArgumentException("format kafka needs a Kafka target");
    }
    Run run = new Run(cfg, customersFor(cfg));
    run.legacy = exports;
    return run.write(outputDir, null);
  }

  /**
   * Generates the data set of {@code cfg} (format {@link Format#KAFKA}) into the Kafka topic of
   * {@code kafka}, in the order the files would have, and writes the ground truth to {@code
   * outputDir} (unless {@code cfg.groundTruth()} is false; then {@code outputDir} may be null). The
   * topic must exist; its offsets are in the ground truth, which is reproducible when the topic
   * starts empty. Throws an {@link IllegalArgumentException} naming the topic when it does not
   * exist.
   */
  public static GroundTruth generate(GeneratorConfig cfg, Path outputDir, KafkaTarget kafka)
      throws IOException {
    if (cfg.format() != Format.KAFKA) {
      throw new IllegalArgumentException("a Kafka target needs format kafka, got " + cfg.format());
    }
    if (outputDir == null && cfg.groundTruth()) {
      throw new IllegalArgumentException("the ground truth needs an output directory");
    }
    return new Run(cfg, customersFor(cfg)).write(outputDir, kafka);
  }

  /**
   * How big a run will be, measured on a pilot sample of the population.
   *
   * @param customers the number of customers the run simulates
   * @param eventsPerCustomer mean number of valid events per customer
   * @param heapBytes the approximate heap the run needs (the data set is held in memory)
   */
  public record Estimate(int customers, double eventsPerCustomer, long heapBytes) {
    /** Approximate number of valid events. */
    public long events() {
      return Math.round(customers * eventsPerCustomer);
    }
  }

  /** Estimates the size of the run of {@code cfg}, resolving {@code targetEvents} to customers. */
  public static Estimate estimate(GeneratorConfig cfg) {
    double perCustomer = eventsPerCustomer(cfg);
    int customers = customersFor(cfg, perCustomer);
    return new Estimate(customers, perCustomer, (long) (customers * perCustomer * BYTES_PER_EVENT));
  }

  /**
   * The number of customers a run simulates: {@code cfg.customers()}, or, when {@code
   * cfg.targetEvents()} is set, the number that gives about that many records in all.
   */
  public static int customersFor(GeneratorConfig cfg) {
    return cfg.targetEvents() <= 0 ? cfg.customers() : customersFor(cfg, eventsPerCustomer(cfg));
  }

  private static int customersFor(GeneratorConfig cfg, double perCustomer) {
    if (cfg.targetEvents() <= 0) {
      return cfg.customers();
    }
    int kinds = kinds(cfg.format()).size();
    double r = cfg.badRatio();
    double recordsPerEvent = 1 / (1 - r * (kinds - 1) / kinds);
    double customers = cfg.targetEvents() / (perCustomer * recordsPerEvent);
    return (int) Math.max(1, Math.min(GeneratorConfig.MAX_CUSTOMERS, Math.round(customers)));
  }

  /** Mean number of valid events per customer, measured on a pilot sample of the population. */
  static double eventsPerCustomer(GeneratorConfig cfg) {
    int pilot = cfg.days() > 730 ? 100 : cfg.days() > 180 ? 300 : 1000;
    long startMs = cfg.start().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    long endMs = startMs + cfg.days() * DAY;
    IdentityFactory ids = new IdentityFactory(cfg.seed());
    long total = 0;
    for (int i = 0; i < pilot; i++) {
      total +=
          new PersonBuilder(ids, startMs, endMs, i, personSeed(cfg.seed(), i), null)
              .build()
              .events
              .size();
    }
    return (double) total / pilot;
  }

  static long personSeed(long seed, int index) {
    return IdentityFactory.mix64(IdentityFactory.mix64(seed) + 0x9E3779B97F4A7C15L * (index + 1L));
  }

  static List<BadKind> kinds(Format format) {
    List<BadKind> kinds = new ArrayList<>();
    for (BadKind k : BadKind.values()) {
      if (k.carriedBy(format)) {
        kinds.add(k);
      }
    }
    return kinds;
  }

  /** One run: the population in memory, then the files and the ground truth. */
  private static final class Run {
    private final GeneratorConfig cfg;
    private final int customers;
    private final long startMs;
    private final long endMs;
    private final IdentityFactory identities;
    private GenPerson[] persons;
    private Ident[] tabletOf;
    private GenEvent[] all;
    private int[] dayStart;
    private OutRecord[] attachHead;
    private OutRecord[] attachTail;
    private boolean[] moved;
    private final List<GenEvent> unknownExtras = new ArrayList<>();
    private int freshIds;

    /** The legacy exports to write next to the events; none unless set. */
    private java.util.Set<LegacyExport> legacy = java.util.Set.of();

    Run(GeneratorConfig cfg, int customers) {
      this.cfg = cfg;
      this.customers = customers;
      this.startMs = cfg.start().atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
      this.endMs = startMs + cfg.days() * DAY;
      this.identities = new IdentityFactory(cfg.seed());
    }

    GroundTruth write(Path outputDir, KafkaTarget kafka) throws IOException {
      int partitions = kafka == null ? 0 : partitions(kafka);
      List<int[]> pairs = choosePairs();
      buildPersons(pairs);
      sortAndNumber();
      long endOfInput = all[all.length - 1].time;
      List<GroundTruth.SharedDevice> shared = sharedDevices(pairs);
      planBadRecords();
      List<List<OutRecord>> files = layout();

      List<GroundTruth.BadRecord> bad =
          kafka == null ? writeFiles(files, outputDir) : writeKafka(files, kafka, partitions);
      long records = 0;
      long dead = 0;
      long duplicates = 0;
      long outOfOrder = 0;
      for (List<OutRecord> list : files) {
        for (OutRecord r : list) {
          records++;
          if (r.kind != null) {
            switch (r.kind.expected) {
              case DEAD_LETTER -> dead++;
              case DUPLICATE -> duplicates++;
              default -> {
                if (r.kind == BadKind.OUT_OF_ORDER) {
                  outOfOrder++;
                }
              }
            }
          }
        }
      }
      long placeholders = 0;
      for (GenEvent e : all) {
        if (e.placeholder) {
          placeholders++;
        }
      }
      GroundTruth.Counts counts =
          new GroundTruth.Counts(
              records,
              all.length + unknownExtras.size(),
              duplicates,
              dead,
              unknownExtras.size(),
              placeholders,
              outOfOrder);
      if (counts.records() != counts.acceptedEvents() + duplicates + dead) {
        throw new IllegalStateException("generator bug: inconsistent counts " + counts);
      }
      GroundTruth truth =
          new GroundTruth(
              cfg.seed(),
              customers,
              cfg.days(),
              cfg.start().toString(),
              cfg.format().label(),
              cfg.gzip(),
              cfg.badRatio(),
              endOfInput,
              counts,
              persons(endOfInput),
              shared,
              bad,
              legacy.isEmpty()
                  ? List.of()
                  : new LegacyExports(persons, cfg.seed(), cfg.badRatio())
                      .write(outputDir.resolve(LegacyExport.DIR), legacy));
      if (cfg.groundTruth()) {
        Files.createDirectories(outputDir);
        truth.write(outputDir.resolve("ground-truth.json"));
      } else if (outputDir != null) {
        Files.deleteIfExists(outputDir.resolve("ground-truth.json"));
      }
      return truth;
    }

    /** One file per day with records: {@code <dir>/events/events-YYYY-MM-DD.<ext>}. */
    private List<GroundTruth.BadRecord> writeFiles(List<List<OutRecord>> files, Path outputDir)
        throws IOException {
      Path eventsDir = outputDir.resolve("events");
      Files.createDirectories(eventsDir);
      clearOldFiles(eventsDir);
      List<GroundTruth.BadRecord> bad = new ArrayList<>();
      String ext = cfg.format().extension(cfg.gzip());
      for (int day = 0; day < files.size(); day++) {
        List<OutRecord> list = files.get(day);
        if (list.isEmpty()) {
          continue;
        }
        String name = "events-" + cfg.start().plusDays(day) + "." + ext;
        Path file = eventsDir.resolve(name);
        try (RecordSink sink =
            cfg.format() == Format.AVRO
                ? new AvroSink(file, cfg.seed())
                : new JsonlSink(file, cfg.gzip())) {
          for (int i = 0; i < list.size(); i++) {
            OutRecord r = list.get(i);
            sink.write(r);
            if (r.kind != null) {
              bad.add(
                  new GroundTruth.BadRecord(
                      name,
                      i + 1L,
                      r.reportedId(),
                      r.kind.name(),
                      r.kind.expected.label,
                      r.kind.reasonCode,
                      null));
            }
          }
        }
      }
      return bad;
    }

    /** Every record, day after day, to one topic; the bad ones' offsets from the broker. */
    private List<GroundTruth.BadRecord> writeKafka(
        List<List<OutRecord>> files, KafkaTarget kafka, int partitions) throws IOException {
      List<OutRecord> badRecords = new ArrayList<>();
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      try (KafkaSink sink = new KafkaSink(kafka, partitions)) {
        for (List<OutRecord> list : files) {
          for (OutRecord r : list) {
            Future<RecordMetadata> f = sink.write(r);
            if (r.kind != null) {
              badRecords.add(r);
              sent.add(f);
            }
          }
        }
        sink.flush();
      }
      List<GroundTruth.BadRecord> bad = new ArrayList<>(badRecords.size());
      for (int i = 0; i < badRecords.size(); i++) {
        OutRecord r = badRecords.get(i);
        RecordMetadata m;
        try {
          m = sent.get(i).get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IOException("interrupted while writing to Kafka", e);
        } catch (ExecutionException e) {
          throw new IOException(
              "writing to Kafka topic '" + kafka.topic() + "' failed: " + e.getCause(), e);
        }
        bad.add(
            new GroundTruth.BadRecord(
                null,
                m.offset(),
                r.reportedId(),
                r.kind.name(),
                r.kind.expected.label,
                r.kind.reasonCode,
                KafkaRecordFormat.source(m.topic(), m.partition(), m.offset())));
      }
      return bad;
    }

    private static int partitions(KafkaTarget kafka) throws IOException {
      try {
        return KafkaProducers.partitions(
            kafka.bootstrapServers(), kafka.topic(), kafka.properties(), KAFKA_TIMEOUT);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted while looking up Kafka topic " + kafka.topic(), e);
      }
    }

    /** Pairs of known persons sharing a tablet: about 1% of customers. */
    private List<int[]> choosePairs() {
      int wanted =
          customers < 10 ? 0 : Math.max(1, (int) Math.round(customers * SHARED_DEVICE_SHARE / 2));
      int[] eligible = new int[customers];
      int n = 0;
      for (int i = 0; i < customers; i++) {
        long ps = personSeed(cfg.seed(), i);
        if (!PersonBuilder.anonymousOf(ps, PersonBuilder.personaOf(ps))) {
          eligible[n++] = i;
        }
      }
      int pairs = Math.min(wanted, n / 2);
      SplittableRandom r = new SplittableRandom(IdentityFactory.mix64(cfg.seed() ^ 0xBADC0FFEEL));
      for (int i = 0; i < 2 * pairs; i++) {
        int j = i + r.nextInt(n - i);
        int x = eligible[i];
        eligible[i] = eligible[j];
        eligible[j] = x;
      }
      List<int[]> result = new ArrayList<>();
      for (int p = 0; p < pairs; p++) {
        result.add(new int[] {eligible[2 * p], eligible[2 * p + 1]});
      }
      return result;
    }

    private void buildPersons(List<int[]> pairs) {
      Map<Integer, Ident> tablets = new HashMap<>();
      for (int p = 0; p < pairs.size(); p++) {
        Ident tablet = identities.sharedTablet(p);
        tablets.put(pairs.get(p)[0], tablet);
        tablets.put(pairs.get(p)[1], tablet);
      }
      persons = new GenPerson[customers];
      tabletOf = new Ident[customers];
      for (int i = 0; i < customers; i++) {
        Ident tablet = tablets.get(i);
        tabletOf[i] = tablet;
        persons[i] =
            new PersonBuilder(identities, startMs, endMs, i, personSeed(cfg.seed(), i), tablet)
                .build();
      }
    }

    /**
     * Sorts all events by (time, person), which is unique because a person's event times strictly
     * increase: the pair is packed into one long (39 bits of time since the start, 24 bits of
     * person index) and sorted as primitives; each person's events are then taken in order.
     */
    private void sortAndNumber() {
      int total = 0;
      for (GenPerson p : persons) {
        total += p.events.size();
      }
      long[] keys = new long[total];
      int k = 0;
      for (GenPerson p : persons) {
        for (GenEvent e : p.events) {
          keys[k++] = ((e.time - startMs) << 24) | p.index;
        }
      }
      Arrays.sort(keys);
      all = new GenEvent[total];
      int[] cursor = new int[persons.length];
      for (int i = 0; i < total; i++) {
        int person = (int) (keys[i] & 0xFFFFFF);
        all[i] = persons[person].events.get(cursor[person]++);
      }
      for (int i = 0; i < all.length; i++) {
        all[i].id = "e-" + IdentityFactory.pad(i + 1L, 10);
      }
      dayStart = new int[cfg.days() + 1];
      Arrays.fill(dayStart, -1);
      for (int i = all.length - 1; i >= 0; i--) {
        dayStart[day(all[i])] = i;
      }
      dayStart[cfg.days()] = all.length;
      for (int d = cfg.days() - 1; d >= 0; d--) {
        if (dayStart[d] < 0) {
          dayStart[d] = dayStart[d + 1];
        }
      }
    }

    private int day(GenEvent e) {
      return (int) ((e.time - startMs) / DAY);
    }

    private List<GroundTruth.SharedDevice> sharedDevices(List<int[]> pairs) {
      List<GroundTruth.SharedDevice> result = new ArrayList<>();
      for (int[] pair : pairs) {
        List<GenEvent> a = sharedEvents(persons[pair[0]]);
        List<GenEvent> b = sharedEvents(persons[pair[1]]);
        boolean aOwns = a.get(0).id.compareTo(b.get(0).id) < 0;
        GenPerson owner = aOwns ? persons[pair[0]] : persons[pair[1]];
        GenPerson other = aOwns ? persons[pair[1]] : persons[pair[0]];
        List<String> rejected = new ArrayList<>();
        for (GenEvent e : aOwns ? b : a) {
          rejected.add(e.id);
        }
        Ident tablet = tabletOf[pair[0]];
        result.add(
            new GroundTruth.SharedDevice(
                tablet.namespace(), tablet.raw(), owner.label(), other.label(), rejected));
      }
      return result;
    }

    private static List<GenEvent> sharedEvents(GenPerson p) {
      List<GenEvent> list = new ArrayList<>();
      for (GenEvent e : p.events) {
        if (e.shared) {
          list.add(e);
        }
      }
      if (list.isEmpty()) {
        throw new IllegalStateException("generator bug: " + p.label() + " never uses its tablet");
      }
      return list;
    }

    // -------------------------------------------------------------------------------------------
    // Bad records

    private String freshId() {
      return "x-" + IdentityFactory.pad(++freshIds, 10);
    }

    private void attach(int index, OutRecord r) {
      if (attachHead[index] == null) {
        attachHead[index] = r;
      } else {
        attachTail[index].next = r;
      }
      attachTail[index] = r;
    }

    /**
     * Picks the sources of the bad records and attaches each record to the event it is written
     * after. The number of bad records B solves B = ratio × (events + extra records); it is split
     * evenly over the kinds the format can carry.
     */
    private void planBadRecords() {
      int n = all.length;
      attachHead = new OutRecord[n];
      attachTail = new OutRecord[n];
      moved = new boolean[n];
      List<BadKind> kinds = kinds(cfg.format());
      int k = kinds.size();
      double r = cfg.badRatio();
      long total = Math.round(r * n / (1 - r * (k - 1) / k));
      if (total == 0) {
        return;
      }
      SplittableRandom rng = new SplittableRandom(IdentityFactory.mix64(cfg.seed() ^ 0xBAD5EEDL));
      int[] perm = new int[n];
      for (int i = 0; i < n; i++) {
        perm[i] = i;
      }
      for (int i = n - 1; i > 0; i--) {
        int j = rng.nextInt(i + 1);
        int x = perm[i];
        perm[i] = perm[j];
        perm[j] = x;
      }
      boolean[] used = new boolean[n];
      int cursor = 0;
      int unknownCursor = 0;
      // unknown-enum kinds first: they need interior events
      List<BadKind> order = new ArrayList<>();
      for (BadKind kind : kinds) {
        if (kind.unknownEnum()) {
          order.add(kind);
        }
      }
      for (BadKind kind : kinds) {
        if (!kind.unknownEnum()) {
          order.add(kind);
        }
      }
      for (BadKind kind : order) {
        int idx = kinds.indexOf(kind);
        long count = total / k + (idx < total % k ? 1 : 0);
        if (kind == BadKind.OVERSIZED_RECORD) {
          count = Math.min(count, MAX_OVERSIZED);
        }
        for (long c = 0; c < count; c++) {
          int src = -1;
          if (kind.unknownEnum()) {
            while (unknownCursor < n
                && (used[perm[unknownCursor]] || !all[perm[unknownCursor]].interior)) {
              unknownCursor++;
            }
            if (unknownCursor < n) {
              src = perm[unknownCursor++];
            }
          } else {
            while (cursor < n && used[perm[cursor]]) {
              cursor++;
            }
            if (cursor < n) {
              src = perm[cursor++];
            }
          }
          if (src < 0) {
            break;
          }
          used[src] = true;
          plant(kind, src, rng);
        }
      }
    }

    private void plant(BadKind kind, int src, SplittableRandom rng) {
      GenEvent e = all[src];
      switch (kind) {
        case UNKNOWN_CHANNEL, UNKNOWN_EVENT_TYPE -> {
          GenEvent x = new GenEvent();
          x.time = e.time;
          x.person = e.person;
          x.seq = e.seq;
          x.episode = e.episode;
          x.iso = e.iso;
          x.ids = Arrays.stream(e.ids).filter(i -> !i.placeholder()).toArray(Ident[]::new);
          if (kind == BadKind.UNKNOWN_CHANNEL) {
            x.channel = Channel.OTHER;
            x.rawChannel = "SMART_TV";
            x.type = EventType.PAGE_VIEW;
            x.source = "tv-app";
          } else {
            x.channel = Channel.WEB;
            x.type = EventType.OTHER;
            x.rawType = "HOVER";
            x.source = "web-analytics";
          }
          x.session = e.session;
          x.id = freshId();
          unknownExtras.add(x);
          persons[e.person].extraEvents[e.episode]++;
          attach(src, new OutRecord(x, kind, null));
        }
        case EXACT_DUPLICATE -> {
          int target = src;
          int next = nextDay(day(e));
          if (next >= 0 && rng.nextBoolean()) {
            target = dayStart[next] + rng.nextInt(dayStart[next + 1] - dayStart[next]);
          }
          attach(target, new OutRecord(e, kind, null));
        }
        case OUT_OF_ORDER -> {
          int d = day(e);
          int next = nextDay(d);
          int target = -1;
          if (next >= 0 && rng.nextBoolean()) {
            int size = dayStart[next + 1] - dayStart[next];
            target = dayStart[next] + rng.nextInt(Math.min(size, 20));
          } else {
            int limit = Math.min(dayStart[d + 1] - 1, src + 1 + rng.nextInt(30));
            for (int j = limit; j > src; j--) {
              if (all[j].time > e.time) {
                target = j;
                break;
              }
            }
            if (target < 0 && next >= 0) {
              int size = dayStart[next + 1] - dayStart[next];
              target = dayStart[next] + rng.nextInt(Math.min(size, 20));
            }
          }
          if (target < 0) {
            return;
          }
          moved[src] = true;
          attach(target, new OutRecord(e, kind, null));
        }
        default -> {
          OutRecord r = new OutRecord(e, kind, freshId());
          switch (kind) {
            case ABSURD_TIMESTAMP_1970 -> r.altTime = (1 + rng.nextInt(300)) * DAY + e.time % DAY;
            case ABSURD_TIMESTAMP_2999 ->
                r.altTime = (EPOCH_DAY_2999 + rng.nextInt(360)) * DAY + e.time % DAY;
            case BLOCKED_IDENTITY_ONLY -> {
              int m = 1 + rng.nextInt(2);
              r.altIds = new Ident[m];
              for (int i = 0; i < m; i++) {
                r.altIds[i] = IdentityFactory.placeholder(rng);
              }
            }
            case MALFORMED_JSON, TRUNCATED_AVRO -> r.cut = 0.3 + 0.5 * rng.nextDouble();
            case RANDOM_BYTES, WRONG_SCHEMA -> r.salt = rng.nextLong();
            default -> {}
          }
          attach(src, r);
        }
      }
    }

    /** The first day after {@code d} that has events, or -1. */
    private int nextDay(int d) {
      for (int x = d + 1; x < cfg.days(); x++) {
        if (dayStart[x + 1] > dayStart[x]) {
          return x;
        }
      }
      return -1;
    }

    /** The records of each day's file, in the order they are written. */
    private List<List<OutRecord>> layout() {
      List<List<OutRecord>> files = new ArrayList<>(cfg.days());
      for (int d = 0; d < cfg.days(); d++) {
        files.add(new ArrayList<>());
      }
      for (int i = 0; i < all.length; i++) {
        List<OutRecord> file = files.get(day(all[i]));
        if (!moved[i]) {
          file.add(new OutRecord(all[i], null, null));
        }
        for (OutRecord r = attachHead[i]; r != null; r = r.next) {
          file.add(r);
        }
      }
      return files;
    }

    private static void clearOldFiles(Path eventsDir) throws IOException {
      try (DirectoryStream<Path> stream = Files.newDirectoryStream(eventsDir, "events-*")) {
        for (Path p : stream) {
          String name = p.getFileName().toString();
          if (name.endsWith(".jsonl") || name.endsWith(".jsonl.gz") || name.endsWith(".avro")) {
            Files.delete(p);
          }
        }
      }
    }

    // -------------------------------------------------------------------------------------------
    // Ground truth of persons

    /**
     * The touches of episode {@code ep} (events up to {@code end}, plus its unknown-enum extras):
     * channel runs with at most 30 minutes between events, in (time, event id) order. Returns the
     * channels and the start times.
     */
    private Touches touches(
        GenPerson p, int ep, int end, java.util.Map<Long, List<GenEvent>> extras) {
      List<GenEvent> events = new ArrayList<>(p.events.subList(p.episodeStarts[ep], end));
      events.addAll(extras.getOrDefault(((long) p.index << 32) | ep, List.of()));
      events.sort(Comparator.<GenEvent>comparingLong(e -> e.time).thenComparing(e -> e.id));
      List<String> channels = new ArrayList<>();
      List<Long> starts = new ArrayList<>();
      long previous = Long.MIN_VALUE;
      for (GenEvent e : events) {
        String c = e.channel.name();
        boolean continues =
            !channels.isEmpty()
                && channels.get(channels.size() - 1).equals(c)
                && e.time - previous <= 30 * 60_000L;
        if (!continues) {
          channels.add(c);
          starts.add(e.time);
        }
        previous = e.time;
      }
      return new Touches(channels, starts);
    }

    /** The channels and start times of a journey's touches. */
    private record Touches(List<String> channels, List<Long> starts) {}

    private List<GroundTruth.Person> persons(long endOfInput) {
      java.util.Map<Long, List<GenEvent>> extras = new java.util.HashMap<>();
      for (GenEvent x : unknownExtras) {
        extras.computeIfAbsent(((long) x.person << 32) | x.episode, k -> new ArrayList<>()).add(x);
      }
      List<GroundTruth.Person> result = new ArrayList<>(persons.length);
      for (GenPerson p : persons) {
        TreeSet<IdentityKey> keys = new TreeSet<>();
        Ident tablet = tabletOf[p.index];
        for (GenEvent e : p.events) {
          for (Ident i : e.ids) {
            if (!i.placeholder() && i != tablet) {
              keys.add(i.key());
            }
          }
        }
        List<GroundTruth.IdentityValue> ids = new ArrayList<>(keys.size());
        for (IdentityKey key : keys) {
          ids.add(new GroundTruth.IdentityValue(key.namespace(), key.value()));
        }
        List<GroundTruth.Journey> journeys = new ArrayList<>(p.episodeStarts.length);
        for (int ep = 0; ep < p.episodeStarts.length; ep++) {
          GenEvent first = p.events.get(p.episodeStarts[ep]);
          int end = p.episodeEnd(ep);
          GenEvent last = p.events.get(end - 1);
          Touches touches = touches(p, ep, end, extras);
          boolean converted = last.type == EventType.PURCHASE;
          String status;
          if (converted) {
            status = "CONVERTED";
          } else if (ep + 1 < p.episodeStarts.length || endOfInput - last.time >= 30 * DAY) {
            status = "ABANDONED";
          } else {
            status = "OPEN";
          }
          journeys.add(
              new GroundTruth.Journey(
                  first.id,
                  last.id,
                  first.time,
                  last.time,
                  end - p.episodeStarts[ep] + p.extraEvents[ep],
                  status,
                  converted ? last.id : null,
                  converted ? last.value : null,
                  touches.channels(),
                  touches.starts()));
        }
        List<GroundTruth.Planted> planted = new ArrayList<>(p.planted.size());
        for (PlantedSpec spec : p.planted) {
          List<String> eventIds = new ArrayList<>(spec.events().length);
          for (GenEvent e : spec.events()) {
            eventIds.add(e.id);
          }
          planted.add(new GroundTruth.Planted(spec.kind(), spec.name(), eventIds));
        }
        result.add(new GroundTruth.Person(p.label(), p.persona.label(), ids, journeys, planted));
      }
      return result;
    }
  }
}
