package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.PersonUpdate;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.LiveGraph;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.RandomIdentityEvents;
import dev.omnichannel.monitor.identity.RandomIdentityEvents.Case;
import dev.omnichannel.monitor.identity.RejectionReasons;
import dev.omnichannel.monitor.identity.TodayRows;
import dev.omnichannel.monitor.profile.PersonProfile;
import dev.omnichannel.monitor.testing.PropertyCheck;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.Test;

/**
 * {@link LiveIdentityFunction} in a harness against the single-task stream stage's rows ({@link
 * TodayRows#stream}): the same updates, merge rows and first rejections; profile deltas that add up
 * to each person's identities and rejected pairs; the graph held only in map entries; nothing
 * waiting at the end. Also on RocksDB with incremental checkpoints, restored from a snapshot
 * mid-way.
 */
class LiveIdentityFunctionTest {
  private static KeyedOneInputStreamOperatorTestHarness<Integer, Link, PersonUpdate> harness(
      Case c, boolean rocksDb) throws Exception {
    KeyedOneInputStreamOperatorTestHarness<Integer, Link, PersonUpdate> h =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new LiveIdentityFunction(c.limits(), c.neverLink())),
            l -> 0,
            Types.INT);
    if (rocksDb) {
      h.setStateBackend(new EmbeddedRocksDBStateBackend(true));
    }
    return h;
  }

  /** What the harness gave, collected across restarts. */
  static final class Got {
    final List<String> updates = new ArrayList<>();
    final List<String> rows = new ArrayList<>();
    final Map<String, PairDecision> decisions = new HashMap<>();

    /** The profile deltas, merged per person they were sent to. */
    final Map<String, PersonProfile> profiles = new HashMap<>();

    void drain(KeyedOneInputStreamOperatorTestHarness<Integer, Link, PersonUpdate> h) {
      for (PersonUpdate u : h.extractOutputValues()) {
        updates.add(u.identity + ">" + u.personId + "@" + u.time + "(" + u.eventId + ")");
      }
      h.getOutput().clear();
      var merges = h.getSideOutput(Tags.IDENTITY_MERGES);
      if (merges != null) {
        for (StreamRecord<IdentityMergeRow> r : merges) {
          rows.add(TodayRows.row(r.getValue()));
        }
        merges.clear();
      }
      var ps = h.getSideOutput(Tags.PERSON_IDENTITIES);
      if (ps != null) {
        for (StreamRecord<PersonProfile> r : ps) {
          profiles.computeIfAbsent(r.getValue().personId, PersonProfile::new).merge(r.getValue());
        }
        ps.clear();
      }
      var ds = h.getSideOutput(LiveIdentityFunction.DECISIONS);
      if (ds != null) {
        for (StreamRecord<PairDecision> r : ds) {
          assertThat(decisions.put(r.getValue().pairKey(), r.getValue())).isNull();
        }
        ds.clear();
      }
    }
  }

  @Test
  void matchesTheSingleTaskStreamStageOnRandomEvents() {
    PropertyCheck.forAll("live identity function = stream stage", RandomIdentityEvents::generate)
        .shrinkWith(RandomIdentityEvents::shrink)
        .tries(60)
        .check(c -> run(c, false, c.events().size() % 2 == 0));
  }

  @Test
  void matchesTheSingleTaskStreamStageWithNeverLinkRules() {
    PropertyCheck.forAll(
            "live identity function = stream stage, never_link",
            RandomIdentityEvents::generateWithRules)
        .shrinkWith(RandomIdentityEvents::shrink)
        .tries(60)
        .check(c -> run(c, false, c.events().size() % 2 == 0));
  }

  @Test
  void onRocksDbWithIncrementalCheckpointsAndARestore() {
    PropertyCheck.forAll("live identity function on RocksDB", RandomIdentityEvents::generate)
        .tries(6)
        .check(c -> run(c, true, true));
  }

  /** Runs a case; with {@code restore}, from a snapshot taken after half of the links. */
  static void run(Case c, boolean rocksDb, boolean restore) {
    try {
      TodayRows.Stream expected = TodayRows.stream(c.limits(), c.neverLink(), c.events());
      List<Link> first = RandomIdentityEvents.firstLinks(RandomIdentityEvents.allLinks(c.events()));
      // arrival: shuffled inside windows of a few ms, never behind the watermark
      Random r = new Random(first.size());
      List<Link> arrival = new ArrayList<>(first);
      for (int i = 0; i + 1 < arrival.size(); i++) {
        if (arrival.get(i).time == arrival.get(i + 1).time && r.nextBoolean()) {
          java.util.Collections.swap(arrival, i, i + 1);
        }
      }
      int restoreAfter = restore ? arrival.size() / 2 : -1;
      var h = harness(c, rocksDb);
      h.open();
      Got got = new Got();
      long watermark = Long.MIN_VALUE;
      for (int i = 0; i < arrival.size(); i++) {
        Link l = arrival.get(i);
        h.processElement(l, l.time);
        if (r.nextInt(5) == 0 && l.time - 1 > watermark) {
          watermark = l.time - 1;
          h.processWatermark(watermark);
        }
        if (i == restoreAfter) {
          got.drain(h);
          OperatorSubtaskState snapshot = h.snapshot(1, 1);
          h.close();
          h = harness(c, rocksDb);
          h.initializeState(snapshot);
          h.open();
        }
      }
      h.processWatermark(Long.MAX_VALUE);
      got.drain(h);

      assertThat(got.updates).isEqualTo(expected.updates());
      got.rows.sort(null);
      assertThat(got.rows).isEqualTo(expected.firstRows());
      assertThat(got.decisions).hasSize(first.size());
      for (PairDecision d : got.decisions.values()) {
        boolean rejected =
            expected.firstRows().stream()
                .anyMatch(
                    row ->
                        row.endsWith(
                            " false "
                                + RejectionReasons.of(d.namespace, d.rule(), d.primary, d.other)));
        assertThat(!d.accepted).as("decision %s", d).isEqualTo(rejected);
      }
      checkProfiles(got.profiles, expected);
      checkState(h, expected.persons(), rocksDb);
      h.close();
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }

  /**
   * The profile deltas add up, per final person, to its identities per namespace but the canonical
   * one, and to the rejected pairs whose primary identity is in it.
   */
  static void checkProfiles(Map<String, PersonProfile> got, TodayRows.Stream expected) {
    Map<String, Map<String, Integer>> identities = new TreeMap<>();
    Map<String, Integer> rejected = new TreeMap<>();
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
    java.util.regex.Pattern pair = java.util.regex.Pattern.compile(" false \\S+ \\((\\S+) x ");
    for (String row : expected.firstRows()) {
      java.util.regex.Matcher m = pair.matcher(row);
      if (m.find()) {
        rejected.merge(expected.persons().get(m.group(1)), 1, Integer::sum);
      }
    }
    Map<String, Map<String, Integer>> gotIdentities = new TreeMap<>();
    Map<String, Integer> gotRejected = new TreeMap<>();
    java.util.Set<String> finalPersons = new java.util.HashSet<>(expected.persons().values());
    got.forEach(
        (person, p) -> {
          if (!finalPersons.contains(person)) {
            return; // merged away later: its deltas are superseded by the merged person's
          }
          for (int i = 0; i < p.identityNamespaces.length; i++) {
            if (p.identityCounts[i] != 0) {
              gotIdentities
                  .computeIfAbsent(person, k -> new TreeMap<>())
                  .put(p.identityNamespaces[i], p.identityCounts[i]);
            }
          }
          if (p.rejectedLinks != 0) {
            gotRejected.put(person, p.rejectedLinks);
          }
        });
    assertThat(gotIdentities).isEqualTo(identities);
    assertThat(gotRejected).isEqualTo(rejected);
  }

  /** The graph is map entries only: nothing waits, no timer, and the entries are the graph's. */
  static void checkState(
      KeyedOneInputStreamOperatorTestHarness<Integer, Link, PersonUpdate> h,
      Map<String, String> persons,
      boolean rocksDb)
      throws Exception {
    assertThat(h.numEventTimeTimers()).isZero();
    KeyedStateBackend<Integer> backend = h.getOperator().getKeyedStateBackend();
    backend.setCurrentKey(0);
    MapState<Long, List<Link>> pending =
        backend.getPartitionedState(
            VoidNamespace.INSTANCE,
            VoidNamespaceSerializer.INSTANCE,
            new MapStateDescriptor<>(
                "pending",
                Types.LONG,
                Types.LIST(org.apache.flink.api.common.typeinfo.TypeInformation.of(Link.class))));
    assertThat(pending.isEmpty()).isTrue();
    Map<String, String> parents = entries(backend, LiveIdentityFunction.parentsDescriptor());
    Map<String, String> nexts = entries(backend, LiveIdentityFunction.nextsDescriptor());
    Map<String, LiveGraph.Root> roots = entries(backend, LiveIdentityFunction.rootsDescriptor());
    Map<String, Integer> sizes = new HashMap<>();
    persons.values().forEach(p -> sizes.merge(p, 1, Integer::sum));
    long multi = sizes.values().stream().filter(s -> s > 1).count();
    int inMulti = sizes.values().stream().filter(s -> s > 1).mapToInt(Integer::intValue).sum();
    assertThat(roots).hasSize((int) multi);
    assertThat(nexts).hasSize(inMulti);
    assertThat(parents).hasSize(inMulti - (int) multi);
    Map<String, Integer> rejectedPairs =
        entries(backend, new MapStateDescriptor<>("rejected-pairs", Types.STRING, Types.INT));
    if (!rocksDb) {
      // one state entry per graph map and one for the rejected pairs (the constant key); nothing
      // else holds data
      assertThat(h.numKeyedStateEntries())
          .isEqualTo((multi > 0 ? 3 : 0) + (rejectedPairs.isEmpty() ? 0 : 1));
    }
    // the persons read from the entries are the expected ones
    LiveGraph.MemoryStore copy = new LiveGraph.MemoryStore();
    copy.parents.putAll(parents);
    copy.nexts.putAll(nexts);
    copy.roots.putAll(roots);
    LiveGraph g =
        new LiveGraph(new dev.omnichannel.monitor.identity.NamespaceLimits(Map.of()), copy);
    persons.forEach((id, p) -> assertThat(g.personOf(id)).as(id).isEqualTo(p));
  }

  private static <V> Map<String, V> entries(
      KeyedStateBackend<Integer> backend, MapStateDescriptor<String, V> d) throws Exception {
    MapState<String, V> state =
        backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, d);
    Map<String, V> out = new HashMap<>();
    for (Map.Entry<String, V> e : state.entries()) {
      out.put(e.getKey(), e.getValue());
    }
    return out;
  }
}
