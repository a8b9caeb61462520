package dev.omnichannel.monitor.backfill;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.IdentityResolver;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.LocalFlink;
import dev.omnichannel.monitor.flow.PersonUpdate;
import dev.omnichannel.monitor.generate.GeneratedIdentityEvents;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.identity.ComponentSimulator;
import dev.omnichannel.monitor.identity.Fingerprint;
import dev.omnichannel.monitor.identity.Fingerprints;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.NeverLinkRules;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.RandomIdentityEvents;
import dev.omnichannel.monitor.identity.RandomIdentityEvents.Ev;
import dev.omnichannel.monitor.identity.TodayRows;
import dev.omnichannel.monitor.profile.PersonProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ComponentResolver} in BATCH execution, on every link occurrence, on a MiniCluster, over
 * the links of a generated data set, at parallelism 1 and 4: every identity's person and the full
 * list of rejected-link rows equal {@link dev.omnichannel.monitor.identity.IdentityGraph} fed the
 * same events in order. No Kryo anywhere.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ComponentResolverITCase {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .setConfiguration(LocalFlink.loopback(new Configuration()))
              .build());

  private List<Ev> events;

  @BeforeAll
  void generate(@TempDir Path tmp) throws Exception {
    events =
        GeneratedIdentityEvents.generate(
            GeneratorConfig.defaults().withCustomers(400).withDays(60).withSeed(11), tmp);
  }

  /** What one run gave. */
  record Outcome(
      Map<String, String> updates,
      List<String> rows,
      long rejectedCounter,
      long linkRecords,
      Map<String, PersonProfile> profiles) {}

  static Outcome run(List<Ev> events, IdentityResolver resolver, int parallelism) throws Exception {
    return run(events, List.of(), resolver, parallelism);
  }

  /**
   * Runs the resolver on the links of {@code events}; {@code extra} links (as a losing duplicate
   * would bring) are added only to the early links, which must not change the result.
   */
  static Outcome run(List<Ev> events, List<Link> extra, IdentityResolver resolver, int parallelism)
      throws Exception {
    return run(events, extra, resolver, parallelism, NeverLinkRules.NONE);
  }

  static Outcome run(
      List<Ev> events,
      List<Link> extra,
      IdentityResolver resolver,
      int parallelism,
      NeverLinkRules neverLink)
      throws Exception {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false); // fails the job on any Kryo-serialized type
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    assertThat(env.getConfig().getSerializerConfig().hasGenericTypesDisabled()).isTrue();
    env.setRuntimeMode(RuntimeExecutionMode.BATCH);
    env.setParallelism(parallelism);
    List<Link> links = RandomIdentityEvents.allLinks(events);
    java.util.Collections.shuffle(links, new java.util.Random(7));
    DataStream<Link> all =
        env.fromData(links, TypeInformation.of(Link.class))
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<Link>noWatermarks().withTimestampAssigner((l, ts) -> l.time));
    List<Link> earlyLinks = new ArrayList<>(links);
    earlyLinks.addAll(extra);
    DataStream<Link> early = env.fromData(earlyLinks, TypeInformation.of(Link.class));
    IdentityResolver.Resolved resolved =
        resolver.resolve(all, early, Namespaces.DEFAULT_LIMITS, neverLink);
    CloseableIterator<PersonUpdate> updates = resolved.updates().collectAsync();
    DataStream<IdentityMergeRow> merges = resolved.merges().get(0);
    for (int i = 1; i < resolved.merges().size(); i++) {
      merges = merges.union(resolved.merges().get(i));
    }
    CloseableIterator<IdentityMergeRow> rows = merges.collectAsync();
    CloseableIterator<PersonProfile> deltas = resolved.identities().collectAsync();
    JobExecutionResult result = env.execute("identity resolver p" + parallelism);
    Map<String, String> persons = new HashMap<>();
    while (updates.hasNext()) {
      PersonUpdate u = updates.next();
      assertThat(u.time).isEqualTo(Long.MIN_VALUE);
      assertThat(persons.put(u.identity, u.personId)).as("one update for %s", u.identity).isNull();
    }
    List<String> rowList = new ArrayList<>();
    while (rows.hasNext()) {
      rowList.add(TodayRows.row(rows.next()));
    }
    rowList.sort(null);
    Map<String, PersonProfile> profiles = new HashMap<>();
    while (deltas.hasNext()) {
      PersonProfile d = deltas.next();
      profiles.computeIfAbsent(d.personId, PersonProfile::new).merge(d);
    }
    Long rejected = result.getAccumulatorResult(Counters.REJECTED_LINKS);
    return new Outcome(persons, rowList, rejected == null ? 0 : rejected, links.size(), profiles);
  }

  static void assertExact(List<Ev> events, Outcome got) {
    assertExact(events, NeverLinkRules.NONE, got);
  }

  static void assertExact(List<Ev> events, NeverLinkRules neverLink, Outcome got) {
    TodayRows.Backfill expected = TodayRows.backfill(Namespaces.DEFAULT_LIMITS, neverLink, events);
    for (Map.Entry<String, String> e : expected.persons().entrySet()) {
      String own = PersonIds.personId(IdentityKey.parse(e.getKey()));
      assertThat(got.updates().getOrDefault(e.getKey(), own))
          .as("person of %s", e.getKey())
          .isEqualTo(e.getValue());
    }
    assertThat(expected.persons()).containsKeys(got.updates().keySet().toArray(new String[0]));
    assertThat(got.rows()).isEqualTo(expected.rows());
    assertThat(got.rejectedCounter()).isEqualTo(expected.rejectedRows().size());

    // Profile deltas: per person, its identities but the canonical one, and the distinct
    // rejected pairs whose primary identity is in it.
    Map<String, Map<String, Integer>> identities = new TreeMap<>();
    expected
        .persons()
        .forEach(
            (id, person) -> {
              if (!PersonIds.personId(IdentityKey.parse(id)).equals(person)) {
                identities
                    .computeIfAbsent(person, k -> new TreeMap<>())
                    .merge(IdentityKey.parse(id).namespace(), 1, Integer::sum);
              }
            });
    Map<String, Integer> rejected = new TreeMap<>();
    java.util.regex.Pattern pair =
        java.util.regex.Pattern.compile(" false \\S+ \\((\\S+) x (\\S+)\\)");
    java.util.Set<String> pairs = new java.util.HashSet<>();
    for (String row : expected.rejectedRows()) {
      java.util.regex.Matcher m = pair.matcher(row);
      assertThat(m.find()).as(row).isTrue();
      if (pairs.add(m.group(1) + " " + m.group(2))) {
        rejected.merge(expected.persons().get(m.group(1)), 1, Integer::sum);
      }
    }
    Map<String, Map<String, Integer>> gotIdentities = new TreeMap<>();
    Map<String, Integer> gotRejected = new TreeMap<>();
    got.profiles()
        .forEach(
            (person, p) -> {
              assertThat(p.hasEvents()).isFalse();
              for (int i = 0; i < p.identityNamespaces.length; i++) {
                gotIdentities
                    .computeIfAbsent(person, k -> new TreeMap<>())
                    .put(p.identityNamespaces[i], p.identityCounts[i]);
              }
              if (p.rejectedLinks > 0) {
                gotRejected.put(person, p.rejectedLinks);
              }
            });
    assertThat(gotIdentities).isEqualTo(identities);
    assertThat(gotRejected).isEqualTo(rejected);
  }

  static int roundsNeeded(List<Ev> events, Fingerprint fp) {
    List<long[]> edges = new ArrayList<>();
    for (Link l : RandomIdentityEvents.firstLinks(RandomIdentityEvents.allLinks(events))) {
      edges.add(new long[] {fp.of(l.primary), fp.of(l.other)});
    }
    return ComponentSimulator.roundsNeeded(edges, 64);
  }

  @Test
  void generatedDataAtParallelism1And4() throws Exception {
    int needed = roundsNeeded(events, Fingerprints.DEFAULT);
    System.out.printf(
        "generated data: %d events, %d link occurrences, %d first links, %d rounds needed%n",
        events.size(),
        RandomIdentityEvents.allLinks(events).size(),
        RandomIdentityEvents.firstLinks(RandomIdentityEvents.allLinks(events)).size(),
        needed);
    assertThat(needed).isLessThanOrEqualTo(ComponentResolver.DEFAULT_ROUNDS);
    TodayRows.Backfill expected = TodayRows.backfill(Namespaces.DEFAULT_LIMITS, events);
    int repeats = TodayRows.stream(Namespaces.DEFAULT_LIMITS, events).repeatRows().size();
    System.out.printf(
        "%d rejected-link rows, %d of them repeats%n", expected.rejectedRows().size(), repeats);
    assertThat(repeats).as("the data set has rejected repeats").isPositive();
    for (int p : new int[] {1, 4}) {
      assertExact(events, run(events, new ComponentResolver(ComponentResolver.DEFAULT_ROUNDS), p));
    }
  }

  /**
   * never_link rules applied in the ordered replay: at parallelism 1 and 4 the persons and rejected
   * rows equal the identity graph with the same rules fed every event in order. The rules pair the
   * canonical identity of 40 generated multi-identity persons with another of their identities, so
   * each of them must be split.
   */
  @Test
  void neverLinkRulesAtParallelism1And4() throws Exception {
    TodayRows.Backfill free = TodayRows.backfill(Namespaces.DEFAULT_LIMITS, events);
    Map<String, List<String>> byPerson = new java.util.TreeMap<>();
    free.persons().forEach((id, p) -> byPerson.computeIfAbsent(p, k -> new ArrayList<>()).add(id));
    List<NeverLinkRules.Pair> pairs = new ArrayList<>();
    for (List<String> ids : byPerson.values()) {
      if (ids.size() > 2 && pairs.size() < 40) {
        ids.sort(dev.omnichannel.monitor.event.Event::compareKeys);
        pairs.add(NeverLinkRules.Pair.of(ids.get(0), ids.get(ids.size() - 1)));
      }
    }
    NeverLinkRules rules = new NeverLinkRules(pairs);
    TodayRows.Backfill expected = TodayRows.backfill(Namespaces.DEFAULT_LIMITS, rules, events);
    long neverLinkRows =
        expected.rejectedRows().stream().filter(r -> r.contains(" never_link (")).count();
    long persons = new java.util.HashSet<>(expected.persons().values()).size();
    System.out.printf(
        "%d never_link rules: %d never_link rows, %d persons (%d without the rules)%n",
        pairs.size(), neverLinkRows, persons, byPerson.size());
    assertThat(pairs).hasSize(40);
    assertThat(neverLinkRows).isGreaterThanOrEqualTo(40);
    assertThat(persons).isGreaterThanOrEqualTo(byPerson.size() + 40);
    for (int p : new int[] {1, 4}) {
      assertExact(
          events,
          rules,
          run(
              events,
              List.of(),
              new ComponentResolver(ComponentResolver.DEFAULT_ROUNDS),
              p,
              rules));
    }
  }

  @Test
  void extraEarlyLinksOnlyMakeComponentsCoarserAndChangeNoResult() throws Exception {
    // Links that a losing duplicate would bring: random pairs of the data's identities, some
    // joining customers that the real links keep apart.
    List<Link> all = RandomIdentityEvents.allLinks(events);
    java.util.Random r = new java.util.Random(3);
    List<Link> extra = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      Link a = all.get(r.nextInt(all.size()));
      Link b = all.get(r.nextInt(all.size()));
      extra.add(new Link(a.time, "dup-" + i, a.primary, b.primary));
    }
    // Random extra links make long chains, so this run gets enough rounds for any of them.
    assertExact(events, run(events, extra, new ComponentResolver(16), 4));
  }

  @Test
  void collidingFingerprintsGiveTheSameResults() throws Exception {
    Fingerprint colliding =
        key -> {
          long real = Fingerprints.of(key);
          return Fingerprints.withRank(Fingerprints.rank(real), real & 0xF);
        };
    int needed = roundsNeeded(events, colliding);
    assertExact(events, run(events, new ComponentResolver(needed, colliding), 4));
  }

  /** A chain of many identities in an unlimited namespace, hanging off two customers. */
  static List<Ev> chain(int length) {
    List<Ev> out = new ArrayList<>();
    for (int i = 0; i < length; i++) {
      out.add(
          new Ev(
              String.format("c%06d", i),
              1_000L + (i * 7919L) % length,
              List.of(
                  new IdentityKey("chain_id", "n" + i),
                  new IdentityKey("chain_id", "n" + (i + 1)))));
    }
    out.add(
        new Ev(
            "x1",
            5,
            List.of(new IdentityKey("customer_id", "A"), new IdentityKey("chain_id", "n0"))));
    out.add(
        new Ev(
            "x2",
            3_000_000,
            List.of(
                new IdentityKey("customer_id", "B"), new IdentityKey("chain_id", "n" + length))));
    out.sort(
        (a, b) ->
            a.time() != b.time()
                ? Long.compare(a.time(), b.time())
                : a.eventId().compareTo(b.eventId()));
    return out;
  }

  @Test
  void aLongChainFailsWithTooFewRoundsAndIsExactWithEnough() throws Exception {
    List<Ev> chain = chain(3000);
    int needed = roundsNeeded(chain, Fingerprints.DEFAULT);
    System.out.printf("a chain of 3000 identities needs %d rounds%n", needed);
    assertThat(needed).isGreaterThan(1);
    assertThatThrownBy(() -> run(chain, new ComponentResolver(needed - 1), 4))
        .satisfies(
            e ->
                assertThat(ComponentsNotConvergedException.find(e))
                    .hasValueSatisfying(
                        m ->
                            assertThat(m)
                                .contains("did not converge in " + (needed - 1) + " rounds")));
    Outcome ok = run(chain, new ComponentResolver(needed), 4);
    assertExact(chain, ok);
    // customer B cannot join customer A's chain: one rejected row; the rest are the accepted
    // links that built the person, one fewer than its identities
    assertThat(ok.rows().stream().filter(r -> r.contains(" false ")).count()).isEqualTo(1);
    assertThat(ok.rows().stream().filter(r -> r.contains(" true linked (")).count())
        .isEqualTo(3001); // 3,002 identities (A, n0..n3000) in one person
  }
}
