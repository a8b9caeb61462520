package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.attribution.AttributionWindows;
import dev.omnichannel.monitor.avro.AttributionChannelRow;
import dev.omnichannel.monitor.avro.AttributionRow;
import dev.omnichannel.monitor.avro.DeadLetterRow;
import dev.omnichannel.monitor.avro.FrictionRow;
import dev.omnichannel.monitor.avro.IdentityMergeRow;
import dev.omnichannel.monitor.avro.JourneyMatchRow;
import dev.omnichannel.monitor.avro.JourneyRow;
import dev.omnichannel.monitor.avro.LateEventRow;
import dev.omnichannel.monitor.avro.PersonRow;
import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventTypeInfo;
import dev.omnichannel.monitor.event.Keys;
import dev.omnichannel.monitor.io.RawRecord;
import dev.omnichannel.monitor.patterns.MatchRows;
import dev.omnichannel.monitor.patterns.PatternMatch;
import dev.omnichannel.monitor.profile.PersonProfile;
import dev.omnichannel.monitor.profile.ProfileRows;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The dataflow, wired once for both modes. A mode supplies the raw records (files or Kafka), its
 * {@link Timing} (end of input versus watermarks) and its {@link IdentityResolver}; everything else
 * is shared.
 *
 * <pre>
 *  raw ─► decode ──► [stream: late filter] ─► by event_id: de-duplicate ─► largest event time
 *          └─► dead_letters          └─► late_events           │
 *    ┌──────────────────────────────────────────────────────────┤
 *    │ links ─► resolver (the mode's) ──────────────────┬─► person updates ─┐
 *    │                                                  └─► identity_merges  │
 *    └─► by primary identity: assign person ◄──────────────────────────────┘
 *          ─► by person: journeys, touches, every pattern, friction counts, rule-based credit, alerts
 *                ─► events, journeys, journey_matches, friction, attribution
 *                ├─► paths ─► data-driven attribution ─► attribution, attribution_channel
 *                └─► profile deltas ─┬─► by person: profiles ─► persons
 *    resolver's identity deltas ─────┘
 * </pre>
 *
 * Right after decoding, the events of erased persons (an identity on the suppression list) are
 * dropped and counted as suppressed ({@link SuppressFunction}; in stream mode {@link
 * LiveSuppressFunction}, with the list read as it changes by {@link SuppressionPoller} and also
 * broadcast to the person-keyed operators, which clear the erased persons' state).
 *
 * <p>Every event crosses three keyed exchanges (event id, primary identity, person), as a compact
 * {@link Event}; Avro rows are built only for the sinks. Keys are {@code long}s where that is exact
 * or made exact inside the operator ({@link Keys}), so BATCH execution sorts fixed-length keys.
 */
public final class Flow {
  private final FlowConfig config;
  private final Timing timing;
  private final IdentityResolver resolver;
  private final Duration allowedLateness;
  private final WatermarkStrategy<Event> watermarks;

  /** Stream mode: how often the suppression list file is looked at (its time and size). */
  public static final long SUPPRESSION_POLL_MS = 2_000;

  /**
   * @param allowedLateness stream mode: how far behind the watermark an event may still be accepted
   *     (ignored when bounded)
   */
  public Flow(
      FlowConfig config, Timing timing, IdentityResolver resolver, Duration allowedLateness) {
    this(config, timing, resolver, allowedLateness, null);
  }

  /**
   * @param watermarks stream mode: watermarks to assign after decoding, when the raw records do not
   *     carry them from the source (tests); null when they do
   */
  public Flow(
      FlowConfig config,
      Timing timing,
      IdentityResolver resolver,
      Duration allowedLateness,
      WatermarkStrategy<Event> watermarks) {
    this.config = config;
    this.timing = timing;
    this.resolver = resolver;
    this.allowedLateness = allowedLateness;
    this.watermarks = watermarks;
  }

  /**
   * The dataflow's outputs. A table may be written by more than one operator (each list element
   * gets its own sink, so no rows cross an exchange only to reach a sink).
   *
   * @param attributionChannel null without data-driven models
   * @param lateEvents null when bounded
   * @param stragglers null when bounded
   * @param alerts null when bounded
   * @param suppressed stream mode: events dropped by the suppression filter; null when bounded
   * @param suppressedLater stream mode: accepted events of persons erased while they waited; null
   *     when bounded
   * @param suppressionList stream mode: the suppression list each time it grew; null when bounded
   */
  public record Outputs(
      DataStream<RawRecord> raw,
      DataStream<Event> events,
      DataStream<JourneyRow> journeys,
      DataStream<JourneyMatchRow> journeyMatches,
      DataStream<FrictionRow> friction,
      List<DataStream<AttributionRow>> attribution,
      DataStream<AttributionChannelRow> attributionChannel,
      List<DataStream<IdentityMergeRow>> identityMerges,
      DataStream<DeadLetterRow> deadLetters,
      DataStream<LateEventRow> lateEvents,
      DataStream<LateEventRow> stragglers,
      DataStream<Event> accepted,
      DataStream<Event> duplicates,
      DataStream<String> alerts,
      DataStream<PersonRow> persons,
      DataStream<Event> suppressed,
      DataStream<Event> suppressedLater,
      DataStream<Signal> suppressionList,
      DataStream<DeadLetterRow> suppressedDeadLetters) {

    /** The attribution rows as one stream (tests). */
    public DataStream<AttributionRow> allAttribution() {
      return union(attribution);
    }

    /** The identity_merges rows as one stream (tests). */
    public DataStream<IdentityMergeRow> allIdentityMerges() {
      return union(identityMerges);
    }

    private static <T> DataStream<T> union(List<DataStream<T>> streams) {
      DataStream<T> all = streams.get(0);
      for (int i = 1; i < streams.size(); i++) {
        all = all.union(streams.get(i));
      }
      return all;
    }
  }

  /**
   * Wires the dataflow on {@code raw}. In stream mode {@code raw} carries event-time watermarks
   * (unless the flow assigns them after decoding).
   *
   * <p>Turns on object reuse for {@code raw}'s environment: chained operators pass records by
   * reference instead of deep-copying them per consumer. Safe here: no function of this dataflow
   * changes a record it receives and then uses it again, or keeps one it has emitted and changes it
   * later; records kept in state arrive over a keyed exchange, which always deserializes a new
   * object.
   */
  public Outputs wire(DataStream<RawRecord> raw) {
    raw.getExecutionEnvironment().getConfig().enableObjectReuse();
    SingleOutputStreamOperator<Event> decoded =
        raw.process(
                new DecodeFunction(
                    config.validation(),
                    config.hmacKey(),
                    config.readFrom(),
                    config.readTo(),
                    config.suppressed(),
                    config.mapped()))
            .returns(EventTypeInfo.INSTANCE)
            .uid("decode")
            .name("decode, validate, pseudonymise");
    DataStream<DeadLetterRow> deadLetters = decoded.getSideOutput(Tags.DEAD_LETTERS);

    // Erased persons: their events go no further than this, not even into the identity graph.
    DataStream<Event> kept;
    DataStream<Event> suppressed = null;
    DataStream<Signal> suppressionList = null;
    if (timing.bounded()) {
      kept =
          decoded
              .process(new SuppressFunction(config.suppressed()))
              .returns(EventTypeInfo.INSTANCE)
              .uid("suppress")
              .name("drop events of erased persons");
    } else {
      // The poller's input: the raw stream without its records, for its watermarks and its end.
      suppressionList =
          raw.filter(r -> false)
              .name("watermarks of the input")
              .global()
              .transform(
                  "read the suppression list",
                  TypeInformation.of(Signal.class),
                  new SuppressionPoller<RawRecord>(config.suppressionFile(), SUPPRESSION_POLL_MS))
              .setParallelism(1)
              .setMaxParallelism(1)
              .uid("suppression-list")
              .name("read the suppression list");
      SingleOutputStreamOperator<Event> live =
          decoded
              .connect(suppressionList.broadcast(LiveSuppressFunction.HASHES))
              .process(new LiveSuppressFunction(config.suppressed()))
              .returns(EventTypeInfo.INSTANCE)
              .uid("suppress")
              .name("drop events of erased persons");
      suppressed = live.getSideOutput(SuppressFunction.SUPPRESSED);
      kept = live;
    }

    DataStream<Event> admitted = kept;
    DataStream<LateEventRow> late = null;
    if (!timing.bounded()) {
      DataStream<Event> timed =
          watermarks == null
              ? kept
              : kept.assignTimestampsAndWatermarks(watermarks)
                  .uid("watermarks")
                  .name("event-time watermarks");
      SingleOutputStreamOperator<Event> onTime =
          timed
              .process(new LateFilterFunction(allowedLateness))
              .returns(EventTypeInfo.INSTANCE)
              .uid("late-filter")
              .name("set late events aside");
      late = onTime.getSideOutput(LateFilterFunction.LATE_EVENTS);
      admitted = onTime;
    }

    SingleOutputStreamOperator<Event> unique =
        admitted
            .keyBy(e -> Keys.of(e.eventId), Types.LONG)
            .process(new DedupFunction(timing))
            .returns(EventTypeInfo.INSTANCE)
            .uid("deduplicate")
            .name("de-duplicate by event_id");
    SingleOutputStreamOperator<Event> accepted =
        unique
            .transform("largest event time", EventTypeInfo.INSTANCE, new LargestTimeOperator())
            .uid("largest-event-time")
            .name("largest event time");
    DataStream<Long> largest = accepted.getSideOutput(LargestTimeOperator.LARGEST);

    DataStream<Link> links =
        accepted
            .flatMap(new LinksFunction())
            .returns(TypeInformation.of(Link.class))
            .name("identity links");
    DataStream<Link> early =
        kept.flatMap(new LinksFunction())
            .returns(TypeInformation.of(Link.class))
            .name("identity links of every record");
    Stitching stitching = stitch(links, early);

    DataStream<Event> stitched =
        accepted
            .keyBy(e -> Keys.of(e.primaryIdentity()), Types.LONG)
            .connect(stitching.updates().keyBy(u -> Keys.of(u.identity), Types.LONG))
            .process(new AssignPersonFunction(timing))
            .returns(EventTypeInfo.INSTANCE)
            .uid("assign-person")
            .name("assign person");

    DataStream<Signal> signals =
        largest
            .map(Signal::largest)
            .returns(TypeInformation.of(Signal.class))
            .name("largest event time");
    if (suppressionList != null) {
      signals = signals.union(suppressionList);
    }

    boolean dataDriven = config.attribution().anyDataDriven();
    SingleOutputStreamOperator<Event> events =
        stitched
            .keyBy(e -> Event.personKey(e.personId), Types.LONG)
            .connect(signals.broadcast(Tags.END_OF_INPUT, LiveSuppressFunction.HASHES))
            .process(
                new PersonFunction(
                    config.journey(),
                    config.patterns(),
                    config.attribution(),
                    dataDriven,
                    timing,
                    config.journey().maxDuration()))
            .returns(EventTypeInfo.INSTANCE)
            .uid("person")
            .name("journeys, patterns, friction, attribution per person");

    DataStream<PatternMatch> matches = events.getSideOutput(PersonFunction.MATCHES);
    DataStream<JourneyMatchRow> journeyMatches =
        matches
            .filter(m -> m.kind.equals("JOURNEY"))
            .name("journey patterns")
            .map(MatchRows::journeyMatch)
            .returns(TypeInformation.of(JourneyMatchRow.class))
            .name("journey_matches rows");
    DataStream<FrictionRow> friction =
        matches
            .filter(m -> m.kind.equals("FRICTION"))
            .name("friction types")
            .map(MatchRows::friction)
            .returns(TypeInformation.of(FrictionRow.class))
            .name("friction rows");

    List<DataStream<AttributionRow>> attribution = new ArrayList<>();
    attribution.add(events.getSideOutput(PersonFunction.ATTRIBUTION));
    DataStream<AttributionChannelRow> channels;
    if (dataDriven) {
      AttributionWindows windows = config.attributionWindows();
      WindowClose close =
          timing.bounded()
              ? WindowClose.atEndOfInput(windows)
              : WindowClose.after(
                  windows,
                  Duration.ofMillis(timing.releaseDelayMs())
                      .plus(config.journey().inactivityGap()));
      AttributionStage.Streams dd =
          AttributionStage.dataDriven(
              events.getSideOutput(PersonFunction.PATHS), config.attribution(), windows, close);
      attribution.add(dd.attribution());
      channels = dd.channels();
    } else {
      channels = null;
    }

    DataStream<PersonProfile> profileDeltas =
        events.getSideOutput(PersonFunction.PROFILES).union(stitching.identities());
    DataStream<PersonRow> persons =
        profileDeltas
            .keyBy(p -> Event.personKey(p.personId), Types.LONG)
            .connect(signals.broadcast(LiveSuppressFunction.HASHES))
            .process(new ProfileFunction(timing, ProfileRows.frictionTypes(config.patterns())))
            .returns(TypeInformation.of(PersonRow.class))
            .uid("profile")
            .name("person profiles");

    return new Outputs(
        raw,
        events,
        events.getSideOutput(PersonFunction.JOURNEYS),
        journeyMatches,
        friction,
        attribution,
        channels,
        stitching.merges(),
        deadLetters,
        late,
        timing.bounded() ? null : events.getSideOutput(PersonFunction.STRAGGLERS),
        accepted,
        unique.getSideOutput(DedupFunction.DUPLICATES),
        timing.bounded() ? null : events.getSideOutput(PersonFunction.ALERTS),
        persons,
        suppressed,
        timing.bounded() ? null : events.getSideOutput(PersonFunction.SUPPRESSED),
        suppressionList,
        decoded.getSideOutput(DecodeFunction.SUPPRESSED_DEAD_LETTERS));
  }

  /** The identity stage's results. */
  private record Stitching(
      DataStream<PersonUpdate> updates,
      List<DataStream<IdentityMergeRow>> merges,
      DataStream<PersonProfile> identities) {}

  private Stitching stitch(DataStream<Link> links, DataStream<Link> early) {
    IdentityResolver.Resolved resolved =
        resolver.resolve(links, early, config.namespaceLimits(), config.neverLink());
    return new Stitching(resolved.updates(), resolved.merges(), resolved.identities());
  }
}
