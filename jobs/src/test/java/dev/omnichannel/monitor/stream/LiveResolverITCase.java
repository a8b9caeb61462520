package dev.omnichannel.monitor.stream;

import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.IdentityResolver;
import dev.omnichannel.monitor.flow.Link;
import dev.omnichannel.monitor.flow.LocalFlink;
import dev.omnichannel.monitor.flow.MergeRows;
import dev.omnichannel.monitor.flow.PersonUpdate;
import dev.omnichannel.monitor.flow.Timing;
import dev.omnichannel.monitor.generate.GeneratedIdentityEvents;
import dev.omnichannel.monitor.generate.GeneratorConfig;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.identity.Namespaces;
import dev.omnichannel.monitor.identity.PersonIds;
import dev.omnichannel.monitor.identity.RandomIdentityEvents;
import dev.omnichannel.monitor.identity.RandomIdentityEvents.Ev;
import dev.omnichannel.monitor.identity.TodayRows;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
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
 * PairFilter, then the {@link LiveResolver}, then PairOutcome in STREAMING execution with
 * watermarks, over the links of a generated data set: the person updates, the merge rows and the
 * rows of rejected first occurrences are exactly the single-task stream stage's; every identity
 * ends in its backfill person; repeats of rejected pairs are written with the decision's persons.
 * Once on RocksDB with incremental checkpoints.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LiveResolverITCase {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(4)
              .setConfiguration(LocalFlink.loopback(new Configuration()))
              .build());

  private List<Ev> events;
  private Path tmp;

  @BeforeAll
  void generate(@TempDir Path dir) throws Exception {
    tmp = dir;
    events =
        GeneratedIdentityEvents.generate(
            GeneratorConfig.defaults().withCustomers(400).withDays(60).withSeed(11), dir);
  }

  /** What one run gave. */
  record Outcome(List<String> updates, List<String> rows, long rejectedCounter) {}

  static final AtomicInteger CHECKPOINTS = new AtomicInteger();

  /** Slows the source a little so that checkpoints happen while links flow; counts them. */
  static final class Throttle implements MapFunction<Link, Link>, CheckpointListener {
    private long n;

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      CHECKPOINTS.incrementAndGet();
    }

    @Override
    public Link map(Link l) throws Exception {
      if (++n % 200 == 0) {
        Thread.sleep(5);
      }
      return l;
    }
  }

  Outcome run(int parallelism, boolean rocksDb) throws Exception {
    Configuration conf = new Configuration();
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    if (rocksDb) {
      conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
      conf.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
      conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, tmp.resolve("cp").toUri().toString());
      conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(100));
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setRuntimeMode(RuntimeExecutionMode.STREAMING);
    env.setParallelism(parallelism);
    List<Link> links = RandomIdentityEvents.allLinks(events); // in time order
    DataStream<Link> all =
        env.fromData(links, TypeInformation.of(Link.class))
            .setParallelism(1)
            .map(new Throttle())
            .setParallelism(1)
            .assignTimestampsAndWatermarks(
                WatermarkStrategy.<Link>forMonotonousTimestamps()
                    .withTimestampAssigner((l, ts) -> l.time))
            .setParallelism(1);
    Timing timing = Timing.eventTime(Duration.ofMinutes(1), Duration.ofDays(1));
    IdentityResolver.Resolved resolved =
        new LiveResolver(timing).resolve(all, all, Namespaces.DEFAULT_LIMITS);
    CloseableIterator<PersonUpdate> updates = resolved.updates().collectAsync();
    CloseableIterator<IdentityMergeRow> rows =
        resolved.merges().get(0).union(resolved.merges().get(1)).collectAsync();
    JobExecutionResult result = env.execute("live identity p" + parallelism);
    List<String> updateList = new ArrayList<>();
    while (updates.hasNext()) {
      PersonUpdate u = updates.next();
      updateList.add(u.identity + ">" + u.personId + "@" + u.time + "(" + u.eventId + ")");
    }
    List<String> rowList = new ArrayList<>();
    while (rows.hasNext()) {
      rowList.add(TodayRows.row(rows.next()));
    }
    rowList.sort(null);
    Long rejected = result.getAccumulatorResult(Counters.REJECTED_LINKS);
    return new Outcome(updateList, rowList, rejected == null ? 0 : rejected);
  }

  void assertExact(Outcome got) {
    TodayRows.Stream expected = TodayRows.stream(Namespaces.DEFAULT_LIMITS, events);
    assertThat(got.updates()).isEqualTo(expected.updates());
    Map<String, String> last = new HashMap<>();
    for (String u : got.updates()) {
      int gt = u.indexOf('>');
      last.put(u.substring(0, gt), u.substring(gt + 1, u.indexOf('@', gt)));
    }
    TodayRows.Backfill backfill = TodayRows.backfill(Namespaces.DEFAULT_LIMITS, events);
    backfill
        .persons()
        .forEach(
            (id, p) ->
                assertThat(last.getOrDefault(id, PersonIds.personId(IdentityKey.parse(id))))
                    .as("final person of %s", id)
                    .isEqualTo(p));

    // repeats of a rejected pair carry the persons and namespace of the first rejection
    Map<String, String[]> firstRejection = new HashMap<>();
    for (String row : expected.firstRows()) {
      if (row.contains(" false namespace_limit:")) {
        String persons = row.substring(row.indexOf(' ') + 1, row.indexOf(" false "));
        String reason = row.substring(row.indexOf(" false ") + 7);
        String ns = reason.substring("namespace_limit:".length(), reason.indexOf(' '));
        String pair = reason.substring(reason.indexOf('(') + 1, reason.length() - 1);
        firstRejection.put(pair, new String[] {persons, ns});
      }
    }
    List<Link> all = RandomIdentityEvents.allLinks(events);
    Map<String, Link> first = new HashMap<>();
    RandomIdentityEvents.firstLinks(all).forEach(l -> first.put(l.pairKey(), l));
    List<String> expectedRows = new ArrayList<>(expected.firstRows());
    for (Link l : all) {
      String[] rej = firstRejection.get(l.primary + " x " + l.other);
      if (rej != null && first.get(l.pairKey()) != l) {
        expectedRows.add(
            l.eventId
                + "@"
                + l.time
                + " "
                + rej[0]
                + " false "
                + MergeRows.rejectedReason(rej[1], l.primary, l.other));
      }
    }
    expectedRows.sort(null);
    assertThat(got.rows()).isEqualTo(expectedRows);
    long rejectedRows = expectedRows.stream().filter(r -> r.contains(" false ")).count();
    assertThat(got.rejectedCounter()).isEqualTo(rejectedRows);

    // how far the repeat rows are from what the single-task stage wrote (persons at the repeat)
    List<String> newRepeats = new ArrayList<>(expectedRows);
    newRepeats.removeAll(expected.firstRows());
    List<String> differing = new ArrayList<>(newRepeats);
    differing.removeAll(expected.repeatRows());
    System.out.printf(
        "stream: %d updates, %d first-occurrence rows, %d repeat rows (%d differ from the"
            + " persons at the repeat)%n",
        got.updates().size(), expected.firstRows().size(), newRepeats.size(), differing.size());
  }

  @Test
  void generatedDataAtParallelism1And4() throws Exception {
    assertExact(run(1, false));
    assertExact(run(4, false));
  }

  @Test
  void onRocksDbWithIncrementalCheckpoints() throws Exception {
    CHECKPOINTS.set(0);
    assertExact(run(2, true));
    assertThat(CHECKPOINTS.get()).as("checkpoints completed while links flowed").isPositive();
  }
}
