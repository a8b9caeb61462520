package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.config.Secrets;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.Flow;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.IdentityResolver;
import dev.omnichannel.monitor.flow.PersonFunction;
import dev.omnichannel.monitor.flow.Sinks;
import dev.omnichannel.monitor.flow.Timing;
import dev.omnichannel.monitor.io.RawRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Stream mode's side of the shared dataflow ({@link Flow}): event-time {@link Timing} (events wait
 * the stitch delay plus the allowed lateness), the live identity resolver, and the run summary fed
 * by counting operators (see the package documentation).
 */
public final class StreamPipeline {
  /** The prefix of the counters of rows written per table. */
  static final String TABLE_ROWS = "rows_";

  private final FlowConfig config;
  private final StreamSettings settings;
  private final List<String> arguments;

  /**
   * @param config the shared processing settings (inputs and range are not used here)
   */
  public StreamPipeline(FlowConfig config, StreamSettings settings) {
    this(config, settings, List.of());
  }

  /**
   * @param arguments the command line, recorded in the run summary with its secrets masked ({@link
   *     Secrets#redactArgs})
   */
  public StreamPipeline(FlowConfig config, StreamSettings settings, List<String> arguments) {
    this.config = config;
    this.settings = settings;
    this.arguments = List.copyOf(Secrets.redactArgs(arguments));
  }

  /** Stream mode's timing: events wait the stitch delay plus the allowed lateness. */
  public Timing timing() {
    return Timing.eventTime(
        settings.stitchDelay().plus(settings.allowedLateness()), settings.dedupTtl());
  }

  /**
   * The source's watermark strategy: event time read by the source ({@link RawRecord#eventTime}),
   * so watermarks are kept per Kafka partition and a partition that is read ahead does not make the
   * others late. Records without a readable time do not move the watermark.
   */
  public WatermarkStrategy<RawRecord> sourceWatermarks() {
    // Only plausible times move the watermark: one record from the year 2300 would otherwise
    // make every later record of its partition late.
    long from = config.validation().plausibleFrom().toEpochMilli();
    long to = config.validation().plausibleTo().toEpochMilli();
    WatermarkStrategy<RawRecord> w =
        WatermarkStrategy.<RawRecord>forBoundedOutOfOrderness(settings.outOfOrderness())
            .withTimestampAssigner(
                (r, t) ->
                    r.eventTime != null && r.eventTime >= from && r.eventTime < to
                        ? r.eventTime
                        : Long.MIN_VALUE);
    return settings.idleness().isZero() ? w : w.withIdleness(settings.idleness());
  }

  /** Watermarks assigned after decoding, for raw records that do not carry them. */
  WatermarkStrategy<Event> eventWatermarks() {
    WatermarkStrategy<Event> w =
        WatermarkStrategy.<Event>forBoundedOutOfOrderness(settings.outOfOrderness())
            .withTimestampAssigner((e, t) -> e.eventTime);
    return settings.idleness().isZero() ? w : w.withIdleness(settings.idleness());
  }

  /** Wires the dataflow on {@code raw}, with watermarks assigned after decoding. */
  public Flow.Outputs wire(DataStream<RawRecord> raw) {
    return wire(raw, false);
  }

  /**
   * Wires the dataflow on {@code raw}, and the run summary.
   *
   * @param watermarksFromSource true when {@code raw} already carries event-time timestamps and
   *     watermarks ({@link #sourceWatermarks()}); false to assign them after decoding
   */
  public Flow.Outputs wire(DataStream<RawRecord> raw, boolean watermarksFromSource) {
    Flow flow =
        new Flow(
            config,
            timing(),
            resolver(),
            settings.allowedLateness(),
            watermarksFromSource ? null : eventWatermarks());
    Flow.Outputs o = flow.wire(raw);
    List<DataStream<CountDelta>> counts = new ArrayList<>();
    counts.add(count(o.raw(), Counters.INPUT_RECORDS, 1));
    counts.add(count(o.deadLetters(), Counters.DEAD_LETTERS, 1));
    counts.add(count(o.lateEvents(), Counters.LATE_EVENTS, 1));
    counts.add(count(o.accepted(), Counters.ACCEPTED_EVENTS, 1));
    counts.add(count(o.duplicates(), Counters.DUPLICATES, 1));
    counts.add(count(o.stragglers(), Counters.LATE_EVENTS + "_stragglers", 1));
    counts.add(count(o.stragglers(), Counters.ACCEPTED_EVENTS + "_stragglers", -1));
    counts.add(count(o.suppressed(), Counters.SUPPRESSED, 1));
    counts.add(count(o.suppressedDeadLetters(), Counters.SUPPRESSED, 1, "_dead_letters"));
    // accepted events of persons erased while they waited: suppressed after all
    counts.add(count(o.suppressedLater(), Counters.SUPPRESSED, 1, "_erased"));
    counts.add(count(o.suppressedLater(), Counters.ACCEPTED_EVENTS, -1, "_erased"));
    counts.add(
        o.suppressionList()
            .map(s -> new CountDelta(SummaryOperator.SUPPRESSION_LIST, s.suppressed.length))
            .returns(TypeInformation.of(CountDelta.class))
            .name("suppression list size"));
    counts.add(count(o.events(), TABLE_ROWS + "events", 1));
    counts.add(count(o.journeys(), TABLE_ROWS + "journeys", 1));
    counts.add(count(o.journeyMatches(), TABLE_ROWS + "journey_matches", 1));
    counts.add(count(o.friction(), TABLE_ROWS + "friction", 1));
    for (int i = 0; i < o.attribution().size(); i++) {
      counts.add(count(o.attribution().get(i), TABLE_ROWS + "attribution", 1, "_" + i));
    }
    if (o.attributionChannel() != null) {
      counts.add(count(o.attributionChannel(), TABLE_ROWS + "attribution_channel", 1));
    }
    for (int i = 0; i < o.identityMerges().size(); i++) {
      counts.add(count(o.identityMerges().get(i), TABLE_ROWS + "identity_merges", 1, "_" + i));
    }
    counts.add(count(o.persons(), TABLE_ROWS + "persons", 1));
    counts.add(count(o.deadLetters(), TABLE_ROWS + "dead_letters", 1));
    counts.add(count(o.lateEvents(), TABLE_ROWS + "late_events", 1));
    counts.add(count(o.stragglers(), TABLE_ROWS + "late_events", 1, "_stragglers"));
    counts.add(count(o.alerts(), "alerts", 1));
    summary(counts);
    return o;
  }

  /** The live identity resolver. */
  IdentityResolver resolver() {
    return new LiveResolver(timing());
  }

  private static <T> DataStream<CountDelta> count(DataStream<T> s, String counter, long step) {
    return count(s, counter, step, "");
  }

  private static <T> DataStream<CountDelta> count(
      DataStream<T> s, String counter, long step, String part) {
    String uid = counter + part;
    return s.transform(
            "count " + uid,
            TypeInformation.of(CountDelta.class),
            new CountingOperator<T>(counter.replace("_stragglers", ""), step))
        .uid("count-" + uid)
        .name("count " + uid);
  }

  private void summary(List<DataStream<CountDelta>> counts) {
    DataStream<CountDelta> all = counts.get(0);
    for (int i = 1; i < counts.size(); i++) {
      all = all.union(counts.get(i));
    }
    all.transform(
            "run summary",
            TypeInformation.of(Void.class),
            new SummaryOperator(config.output(), config.runId(), arguments, horizon()))
        .setParallelism(1)
        .setMaxParallelism(1)
        .uid("run-summary");
  }

  /** Writes the tables as Parquet under {@code dir}, committed on checkpoints. */
  public static void sinkParquet(Flow.Outputs o, String dir) {
    Sinks.parquet(
        o, dir, d -> d.getEventTime() != null ? d.getEventTime() : java.time.Instant.now());
  }

  /**
   * How far behind the watermark the partition time of a row this job writes may be (an upper
   * bound): an open journey is closed, and written under its last event, when the watermark passes
   * its last event plus the inactivity gap (or its first plus the maximum duration); a match or
   * friction is confirmed within its pattern's {@code within}; a person's profile row waits up to
   * an hour more ({@link PersonFunction#PROFILE_INTERVAL_MS}); every event waits the stitch delay
   * and the allowed lateness first; and the watermark trails the newest event by the
   * out-of-orderness. (Late events and dead letters with an old event time are written whenever
   * they come; {@code late_events} is never replaced by a backfill.)
   */
  Duration horizon() {
    Duration longest = config.journey().inactivityGap();
    longest = max(longest, config.journey().maxDuration());
    longest = max(longest, PersonFunction.frictionHorizon(config.patterns()));
    for (var p : config.patterns().patterns()) {
      if (p.within() != null) {
        longest = max(longest, p.within());
      }
    }
    return longest
        .plus(Duration.ofMillis(PersonFunction.PROFILE_INTERVAL_MS))
        .plus(settings.stitchDelay())
        .plus(settings.allowedLateness())
        .plus(settings.outOfOrderness());
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  /** How long the de-duplication remembers an event id, as given. */
  Duration dedupTtl() {
    return settings.dedupTtl();
  }
}
