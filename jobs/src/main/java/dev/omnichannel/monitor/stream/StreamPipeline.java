package dev.omnichannel.monitor.stream;

import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.avro.JourneyMatchRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.avro.LateEventRow;
import dev.omnichannel.monitor.flow.AttributionStage;
import dev.omnichannel.monitor.flow.Counters;
import dev.omnichannel.monitor.flow.FlowConfig;
import dev.omnichannel.monitor.flow.Tags;
import dev.omnichannel.monitor.flow.WindowClose;
import dev.omnichannel.monitor.io.ParquetSinks;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.patterns.PatternDef;
import dev.omnichannel.monitor.patterns.PatternMatch;
import dev.omnichannel.monitor.patterns.PatternStage;
import dev.omnichannel.monitor.pipeline.BackfillPipeline;
import dev.omnichannel.monitor.pipeline.DecodeFunction;
import dev.omnichannel.monitor.pipeline.IdentityLinks;
import dev.omnichannel.monitor.pipeline.Rows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The stream-mode dataflow (see the package documentation): the backfill's rules, in event time,
 * with live identity stitching. The tables leave as {@link Streams}, so tests can collect them and
 * the runner can attach Parquet sinks.
 */
public final class StreamPipeline {
  private final FlowConfig config;
  private final StreamSettings settings;
  private final List<String> arguments;

  /**
   * @param config the shared processing settings (inputs, output and range are not used here)
   */
  public StreamPipeline(FlowConfig config, StreamSettings settings) {
    this(config, settings, List.of());
  }

  /**
   * @param arguments the command line, recorded in the run summary
   */
  public StreamPipeline(FlowConfig config, StreamSettings settings, List<String> arguments) {
    this.config = config;
    this.settings = settings;
    this.arguments = List.copyOf(arguments);
  }

  /**
   * The output streams: the backfill's tables, {@code late_events}, and the alerts (JSON, one per
   * confirmed friction or journey match, see {@link Alert}).
   */
  public record Streams(
      BackfillPipeline.Streams tables,
      DataStream<LateEventRow> lateEvents,
      DataStream<String> alerts) {}

  /** The longest {@code within} of the friction patterns: how late a friction can be detected. */
  Duration frictionHorizon() {
    Duration max = Duration.ZERO;
    for (PatternDef d : config.patterns().patterns()) {
      if (d.kind() == PatternDef.Kind.FRICTION && d.within().compareTo(max) > 0) {
        max = d.within();
      }
    }
    return max;
  }

  /** Wires the dataflow on {@code raw}, with watermarks assigned after decoding. */
  public Streams wire(DataStream<RawRecord> raw) {
    return wire(raw, false);
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

  /**
   * Wires the dataflow on {@code raw}.
   *
   * <p>Turns on object reuse for {@code raw}'s environment (see the comment in the body).
   *
   * @param watermarksFromSource true when {@code raw} already carries event-time timestamps and
   *     watermarks ({@link #sourceWatermarks()}); false to assign them after decoding
   */
  public Streams wire(DataStream<RawRecord> raw, boolean watermarksFromSource) {
    // Chained operators pass records by reference instead of deep-copying them per consumer (the
    // journey operator's events went to thirteen chained consumers, each with an Avro deep copy).
    // Safe here: no function of this dataflow changes a record it receives or keeps one it has
    // emitted and changes it later; records kept in state arrive over a keyed exchange.
    raw.getExecutionEnvironment().getConfig().enableObjectReuse();
    // Events wait for identity links (the stitch delay) and for stragglers (the allowed lateness):
    // an event behind the watermark by no more than the allowed lateness then still comes before
    // every event released after it, so journeys and patterns see each person in order.
    Duration delay = settings.stitchDelay().plus(settings.allowedLateness());
    SingleOutputStreamOperator<ChannelEvent> decoded =
        raw.process(
                new DecodeFunction(
                    config.validation(), config.hmacKey(), Long.MIN_VALUE, Long.MAX_VALUE))
            .uid("decode")
            .name("decode, validate, pseudonymise");
    DataStream<DeadLetterRow> deadLetters = decoded.getSideOutput(Tags.DEAD_LETTERS);

    WatermarkStrategy<ChannelEvent> watermarks =
        WatermarkStrategy.<ChannelEvent>forBoundedOutOfOrderness(settings.outOfOrderness())
            .withTimestampAssigner((e, t) -> e.getEventTime().toEpochMilli());
    if (!settings.idleness().isZero()) {
      watermarks = watermarks.withIdleness(settings.idleness());
    }
    DataStream<ChannelEvent> timed =
        watermarksFromSource
            ? decoded
            : decoded
                .assignTimestampsAndWatermarks(watermarks)
                .uid("watermarks")
                .name("event-time watermarks");
    SingleOutputStreamOperator<ChannelEvent> onTime =
        timed
            .process(new LateFilterFunction(settings.allowedLateness()))
            .uid("late-filter")
            .name("set late events aside");
    DataStream<LateEventRow> late = onTime.getSideOutput(LateFilterFunction.LATE_EVENTS);

    SingleOutputStreamOperator<ChannelEvent> unique =
        onTime
            .keyBy(ChannelEvent::getEventId, Types.STRING)
            .process(new StreamDedupFunction(settings.dedupTtl()))
            .uid("deduplicate")
            .name("de-duplicate by event_id");

    SingleOutputStreamOperator<PersonUpdate> updates =
        unique
            .filter(e -> e.getIdentities().size() > 1)
            .name("multi-identity events")
            .map(BackfillPipeline::links)
            .returns(TypeInformation.of(IdentityLinks.class))
            .name("identity links")
            .keyBy(l -> 0, Types.INT)
            .process(new StreamIdentityFunction(config.namespaceLimits()))
            .returns(TypeInformation.of(PersonUpdate.class))
            .uid("identity-graph")
            .name("live identity graph");
    DataStream<IdentityMergeRow> merges = updates.getSideOutput(Tags.IDENTITY_MERGES);

    DataStream<EventRow> personEvents =
        unique
            .keyBy(e -> Rows.primary(e).toString(), Types.STRING)
            .connect(updates.keyBy(u -> u.identity, Types.STRING))
            .process(new StreamAssignFunction(delay))
            .returns(TypeInformation.of(EventRow.class))
            .uid("assign-person")
            .name("assign person after the stitch delay");

    DataStream<Long> maxEventTime =
        unique
            .map(e -> e.getEventTime().toEpochMilli())
            .returns(Types.LONG)
            .name("event times")
            .keyBy(t -> 0, Types.INT)
            .reduce(Math::max)
            .uid("end-of-input")
            .name("largest event time");

    boolean attribution = !config.attribution().models().isEmpty();
    SingleOutputStreamOperator<JourneyRow> journeysWithoutFriction =
        personEvents
            .keyBy(EventRow::getPersonId, Types.STRING)
            .connect(maxEventTime.broadcast(Tags.END_OF_INPUT))
            .process(new StreamJourneyFunction(config.journey(), delay, attribution))
            .returns(TypeInformation.of(JourneyRow.class))
            .uid("journeys")
            .name("journeys in event time");
    DataStream<EventRow> events = journeysWithoutFriction.getSideOutput(Tags.EVENTS);
    DataStream<LateEventRow> stragglers =
        journeysWithoutFriction.getSideOutput(StreamJourneyFunction.STRAGGLERS);
    List<DataStream<CountDelta>> counts = new ArrayList<>();
    counts.addAll(
        List.of(
            count(raw, Counters.INPUT_RECORDS, 1),
            count(deadLetters, Counters.DEAD_LETTERS, 1),
            count(late, Counters.LATE_EVENTS, 1),
            count(unique, Counters.ACCEPTED_EVENTS, 1),
            count(unique.getSideOutput(StreamDedupFunction.DUPLICATE_IDS), Counters.DUPLICATES, 1),
            count(stragglers, Counters.LATE_EVENTS + "_stragglers", 1),
            count(stragglers, Counters.ACCEPTED_EVENTS + "_stragglers", -1)));

    DataStream<PatternMatch> matches =
        PatternStage.matchesInTime(events, config.patterns())
            .keyBy(m -> m.personId, Types.STRING)
            .connect(maxEventTime.broadcast(Tags.END_OF_INPUT))
            .process(new StreamConfirmAbsenceFunction(delay))
            .returns(TypeInformation.of(PatternMatch.class))
            .uid("confirm-absence")
            .name("confirm absences");
    DataStream<JourneyMatchRow> journeyMatches = BackfillPipeline.journeyMatchRows(matches);
    DataStream<FrictionRow> friction = BackfillPipeline.frictionRows(matches);
    DataStream<JourneyRow> journeys =
        journeysWithoutFriction
            .keyBy(JourneyRow::getJourneyId, Types.STRING)
            .connect(friction.keyBy(FrictionRow::getJourneyId, Types.STRING))
            .process(new StreamFrictionCountFunction(delay, frictionHorizon()))
            .returns(TypeInformation.of(JourneyRow.class))
            .uid("friction-count")
            .name("friction count per journey");

    DataStream<String> alerts =
        events
            .map(PersonChannel::of)
            .returns(TypeInformation.of(PersonChannel.class))
            .name("person and channel")
            .keyBy(c -> c.personId, Types.STRING)
            .connect(matches.keyBy(m -> m.personId, Types.STRING))
            .process(new AlertFunction(config.journey().maxDuration()))
            .returns(Types.STRING)
            .uid("alerts")
            .name("alerts with recent channels");

    AttributionStage.Streams attributionStreams =
        AttributionStage.wire(
            journeysWithoutFriction.getSideOutput(Tags.JOURNEY_PATHS),
            config.attribution(),
            config.attributionWindows(),
            WindowClose.after(
                config.attributionWindows(), delay.plus(config.journey().inactivityGap())));
    Streams streams =
        new Streams(
            new BackfillPipeline.Streams(
                events,
                journeys,
                journeyMatches,
                friction,
                attributionStreams.attribution(),
                attributionStreams.channels(),
                merges,
                deadLetters),
            late.union(stragglers),
            alerts);
    counts.addAll(
        List.of(
            count(events, TABLE_ROWS + "events", 1),
            count(journeys, TABLE_ROWS + "journeys", 1),
            count(journeyMatches, TABLE_ROWS + "journey_matches", 1),
            count(friction, TABLE_ROWS + "friction", 1),
            count(attributionStreams.attribution(), TABLE_ROWS + "attribution", 1),
            count(attributionStreams.channels(), TABLE_ROWS + "attribution_channel", 1),
            count(merges, TABLE_ROWS + "identity_merges", 1),
            count(deadLetters, TABLE_ROWS + "dead_letters", 1),
            count(streams.lateEvents(), TABLE_ROWS + "late_events", 1),
            count(alerts, "alerts", 1)));
    summary(counts);
    return streams;
  }

  /** The prefix of the counters of rows written per table. */
  static final String TABLE_ROWS = "rows_";

  private static <T> DataStream<CountDelta> count(DataStream<T> s, String uid, long step) {
    String counter = uid.replace("_stragglers", "");
    return s.transform(
            "count " + uid,
            TypeInformation.of(CountDelta.class),
            new CountingOperator<T>(counter, step))
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
            new SummaryOperator(config.output(), config.runId(), arguments))
        .setParallelism(1)
        .setMaxParallelism(1)
        .uid("run-summary");
  }

  /** Writes the tables as Parquet under {@code dir}, committed on checkpoints. */
  public static void sinkParquet(Streams s, String dir) {
    BackfillPipeline.sinkParquet(
        s.tables(),
        dir,
        d -> d.getEventTime() != null ? d.getEventTime() : java.time.Instant.now());
    s.lateEvents()
        .sinkTo(
            ParquetSinks.sink(dir, "late_events", LateEventRow.class, LateEventRow::getEventTime))
        .uid("sink-late-events")
        .name("late_events parquet");
  }
}
