package dev.omnichannel.monitor.pipeline;

import dev.omnichannel.monitor.avro.AttributionChannelRow;
import dev.omnichannel.monitor.avro.AttributionRow;
import dev.omnichannel.monitor.avro.ChannelEvent;
import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.avro.EventRow;
import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.Identity;
import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.avro.JourneyMatchRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.flow.*;
import dev.omnichannel.monitor.identity.IdentityKey;
import dev.omnichannel.monitor.io.EventFileFormat;
import dev.omnichannel.monitor.io.ParquetSinks;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.patterns.ConfirmAbsenceFunction;
import dev.omnichannel.monitor.patterns.MatchRows;
import dev.omnichannel.monitor.patterns.PatternMatch;
import dev.omnichannel.monitor.patterns.PatternStage;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The backfill dataflow. Raw records → decode (dead letters aside) → de-duplicate by event_id →
 * identity graph over the links of multi-identity events → each event gets its final person →
 * journeys per person → patterns and friction → attribution. The tables leave as streams ({@link
 * Streams}), so tests can collect them and the runner can attach Parquet sinks.
 *
 * <pre>
 *  files ─► decode ─┬─► dedup ─┬─► links ─► identity graph (1 task) ─┬─► assignments ─┐
 *                   │          │                                    └─► identity_merges
 *                   │          └──────────── by primary identity ──────► assign person ─► journeys ─┬─► (+ friction count) journeys
 *                   └─► dead_letters                                              events ◄─────┘
 *                                              events ─► CEP, one operator per pattern ─► journey_matches, friction
 *                            journeys ─► paths ─► attribution (see AttributionStage) ─► attribution, attribution_channel
 * </pre>
 */
public final class BackfillPipeline {
  /** Tables this pipeline writes. */
  public static final List<String> TABLES =
      List.of(
          "events",
          "journeys",
          "journey_matches",
          "friction",
          "attribution",
          "attribution_channel",
          "identity_merges",
          "dead_letters");

  private final FlowConfig config;

  public BackfillPipeline(FlowConfig config) {
    this.config = config;
  }

  /** The output streams of the pipeline. */
  public record Streams(
      DataStream<EventRow> events,
      DataStream<JourneyRow> journeys,
      DataStream<JourneyMatchRow> journeyMatches,
      DataStream<FrictionRow> friction,
      DataStream<AttributionRow> attribution,
      DataStream<AttributionChannelRow> attributionChannel,
      DataStream<IdentityMergeRow> identityMerges,
      DataStream<DeadLetterRow> deadLetters) {}

  /** A bounded source over the configured input files. */
  public DataStream<RawRecord> source(StreamExecutionEnvironment env) {
    Path[] paths = config.inputs().stream().map(Path::new).toArray(Path[]::new);
    FileSource<RawRecord> source =
        FileSource.forBulkFileFormat(new EventFileFormat(), paths).build();
    return env.fromSource(source, WatermarkStrategy.noWatermarks(), "event files")
        .uid("source-files")
        .name("read event files");
  }

  /** Wires the dataflow on {@code raw}. */
  public Streams wire(DataStream<RawRecord> raw) {
    SingleOutputStreamOperator<ChannelEvent> decoded =
        raw.process(
                new DecodeFunction(
                    config.validation(), config.hmacKey(), config.readFrom(), config.readTo()))
            .uid("decode")
            .name("decode, validate, pseudonymise");
    DataStream<DeadLetterRow> deadLetters = decoded.getSideOutput(Tags.DEAD_LETTERS);

    DataStream<ChannelEvent> unique =
        decoded
            .keyBy(ChannelEvent::getEventId, Types.STRING)
            .process(new DeduplicateFunction())
            .uid("deduplicate")
            .name("de-duplicate by event_id");

    SingleOutputStreamOperator<Tuple2<String, String>> assignments =
        unique
            .filter(e -> e.getIdentities().size() > 1)
            .name("multi-identity events")
            .map(BackfillPipeline::links)
            .returns(TypeInformation.of(IdentityLinks.class))
            .name("identity links")
            .keyBy(l -> 0, Types.INT)
            .process(new IdentityResolveFunction(config.namespaceLimits()))
            .returns(Types.TUPLE(Types.STRING, Types.STRING))
            .uid("identity-graph")
            .name("identity graph");
    DataStream<IdentityMergeRow> merges = assignments.getSideOutput(Tags.IDENTITY_MERGES);

    DataStream<EventRow> personEvents =
        unique
            .keyBy(e -> Rows.primary(e).toString(), Types.STRING)
            .connect(assignments.keyBy(a -> a.f0, Types.STRING))
            .process(new AssignPersonFunction())
            .returns(TypeInformation.of(EventRow.class))
            .uid("assign-person")
            .name("assign person");

    DataStream<Long> maxEventTime =
        unique
            .map(e -> e.getEventTime().toEpochMilli())
            .returns(Types.LONG)
            .name("event times")
            .keyBy(t -> 0, Types.INT)
            .reduce(Math::max)
            .uid("end-of-input")
            .name("end of input");

    SingleOutputStreamOperator<JourneyRow> journeysWithoutFriction =
        personEvents
            .keyBy(EventRow::getPersonId, Types.STRING)
            .connect(maxEventTime.broadcast(Tags.END_OF_INPUT))
            .process(
                new JourneyFunction(
                    config.journey(),
                    config.fixedEndOfInput(),
                    !config.attribution().models().isEmpty()))
            .returns(TypeInformation.of(JourneyRow.class))
            .uid("journeys")
            .name("journeys");
    DataStream<EventRow> events = journeysWithoutFriction.getSideOutput(Tags.EVENTS);

    DataStream<PatternMatch> matches =
        PatternStage.matches(events, config.patterns())
            .connect(maxEventTime.broadcast(Tags.END_OF_INPUT))
            .process(new ConfirmAbsenceFunction(config.fixedEndOfInput()))
            .returns(TypeInformation.of(PatternMatch.class))
            .uid("confirm-absence")
            .name("confirm absences at the end of input");
    DataStream<JourneyMatchRow> journeyMatches = journeyMatchRows(matches);
    DataStream<FrictionRow> friction = frictionRows(matches);
    DataStream<JourneyRow> journeys =
        journeysWithoutFriction
            .keyBy(JourneyRow::getJourneyId, Types.STRING)
            .connect(friction.keyBy(FrictionRow::getJourneyId, Types.STRING))
            .process(new FrictionCountFunction())
            .returns(TypeInformation.of(JourneyRow.class))
            .uid("friction-count")
            .name("friction count per journey");
    AttributionStage.Streams attribution =
        AttributionStage.wire(
            journeysWithoutFriction.getSideOutput(Tags.JOURNEY_PATHS),
            config.attribution(),
            config.attributionWindows());
    return new Streams(
        events,
        journeys,
        journeyMatches,
        friction,
        attribution.attribution(),
        attribution.channels(),
        merges,
        deadLetters);
  }

  /** Writes the streams as Parquet tables under {@code dir}. */
  public static void sinkParquet(Streams s, String dir) {
    sinkParquet(s, dir, DeadLetterRow::getEventTime);
  }

  /**
   * Writes the streams as Parquet tables under {@code dir}; dead letters are partitioned by {@code
   * deadLetterDate} (the backfill: their event time, else the committer's fallback date; stream
   * mode: their event time, else the processing date).
   */
  public static void sinkParquet(
      Streams s,
      String dir,
      org.apache.flink.util.function.SerializableFunction<DeadLetterRow, java.time.Instant>
          deadLetterDate) {
    s.events()
        .sinkTo(ParquetSinks.sink(dir, "events", EventRow.class, EventRow::getEventTime))
        .uid("sink-events")
        .name("events parquet");
    s.journeys()
        .sinkTo(ParquetSinks.sink(dir, "journeys", JourneyRow.class, JourneyRow::getEndTime))
        .uid("sink-journeys")
        .name("journeys parquet");
    s.journeyMatches()
        .sinkTo(
            ParquetSinks.sink(
                dir, "journey_matches", JourneyMatchRow.class, JourneyMatchRow::getLastEventTime))
        .uid("sink-journey-matches")
        .name("journey_matches parquet");
    s.friction()
        .sinkTo(ParquetSinks.sink(dir, "friction", FrictionRow.class, FrictionRow::getDetectedAt))
        .uid("sink-friction")
        .name("friction parquet");
    s.attribution()
        .sinkTo(
            ParquetSinks.sink(
                dir, "attribution", AttributionRow.class, AttributionRow::getConversionTime))
        .uid("sink-attribution")
        .name("attribution parquet");
    s.attributionChannel()
        .sinkTo(
            ParquetSinks.sink(
                dir,
                "attribution_channel",
                AttributionChannelRow.class,
                r -> r.getWindowEnd().minusMillis(1)))
        .uid("sink-attribution-channel")
        .name("attribution_channel parquet");
    s.identityMerges()
        .sinkTo(
            ParquetSinks.sink(
                dir, "identity_merges", IdentityMergeRow.class, IdentityMergeRow::getEventTime))
        .uid("sink-identity-merges")
        .name("identity_merges parquet");
    s.deadLetters()
        .sinkTo(ParquetSinks.sink(dir, "dead_letters", DeadLetterRow.class, deadLetterDate))
        .uid("sink-dead-letters")
        .name("dead_letters parquet");
  }

  /** The journey_matches rows of the confirmed matches. */
  public static DataStream<JourneyMatchRow> journeyMatchRows(DataStream<PatternMatch> matches) {
    return matches
        .filter(m -> m.kind.equals("JOURNEY"))
        .name("journey patterns")
        .map(MatchRows::journeyMatch)
        .returns(TypeInformation.of(JourneyMatchRow.class))
        .name("journey_matches rows");
  }

  /** The friction rows of the confirmed matches. */
  public static DataStream<FrictionRow> frictionRows(DataStream<PatternMatch> matches) {
    return matches
        .filter(m -> m.kind.equals("FRICTION"))
        .name("friction types")
        .map(MatchRows::friction)
        .returns(TypeInformation.of(FrictionRow.class))
        .name("friction rows");
  }

  /** The link record of a multi-identity event, for the identity graph. */
  public static IdentityLinks links(ChannelEvent e) {
    List<Identity> ids = e.getIdentities();
    String[] keys = new String[ids.size()];
    for (int i = 0; i < keys.length; i++) {
      keys[i] = new IdentityKey(ids.get(i).getNamespace(), ids.get(i).getValue()).toString();
    }
    return new IdentityLinks(e.getEventTime().toEpochMilli(), e.getEventId(), keys);
  }
}
