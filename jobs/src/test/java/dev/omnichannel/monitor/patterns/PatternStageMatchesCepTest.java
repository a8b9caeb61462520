package dev.omnichannel.monitor.patterns;

import static dev.omnichannel.monitor.patterns.PatternTimelines.describe;
import static org.assertj.core.api.Assertions.assertThat;

import dev.omnichannel.monitor.event.Event;
import dev.omnichannel.monitor.event.EventTypeInfo;
import dev.omnichannel.monitor.flow.LocalFlink;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.apache.flink.api.common.RuntimeExecutionMode;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.cep.CEP;
import org.apache.flink.cep.functions.PatternProcessFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.util.CloseableIterator;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The pattern stage (one operator, every pattern on Flink CEP's automaton) finds exactly what Flink
 * CEP itself finds with one {@code CEP.pattern} operator per pattern, match for match, on random
 * timelines: the built-in catalogue, and patterns using what it does not (strict contiguity, which
 * feeds a pattern every event; {@code followed_by_any}; bounded repetition; optional steps;
 * attributes; alternatives).
 */
class PatternStageMatchesCepTest {
  @RegisterExtension
  static final MiniClusterExtension CLUSTER =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .setConfiguration(LocalFlink.loopback(new Configuration()))
              .build());

  static final String EXTRA =
      """
      patterns:
        - name: VIEW_THEN_CART_AT_ONCE
          kind: journey
          description: A product view, and the very next event adds to the cart.
          within: 1h
          steps:
            - name: view
              where: {event_type: PRODUCT_VIEW}
            - name: cart
              where: {event_type: ADD_TO_CART}
              contiguity: next
        - name: VIP_CONTACTS
          kind: friction
          severity: LOW
          description: A VIP event, one or two contacts, perhaps an unhappy answer.
          within: 2d
          steps:
            - name: vip
              where: {attributes: {segment: vip}}
            - name: contacts
              where: {contact: true}
              contiguity: followed_by_any
              times: {min: 1, max: 2}
            - name: unhappy
              where: {any_of: [{event_type: SURVEY_RESPONSE}, {sentiment: {max: -0.5}}]}
              optional: true
            - name: purchase
              where: {event_type: PURCHASE, not_channel: [STORE]}
      """;

  static List<Event> timelines(long seed, int persons) {
    Random rnd = new Random(seed);
    List<Event> all = new ArrayList<>();
    for (int p = 0; p < persons; p++) {
      all.addAll(PatternTimelines.timeline(rnd, "p" + p, 5 + rnd.nextInt(120)));
    }
    Collections.shuffle(all, rnd);
    return all;
  }

  @Test
  void shouldFindWhatOneCepOperatorPerPatternFinds() throws Exception {
    PatternCatalogue builtin = PatternCatalogue.builtin();
    PatternCatalogue extra = PatternCatalogue.fromYaml("extra.yaml", EXTRA, Map.of());
    Set<String> matched = new TreeSet<>();
    for (long seed = 1; seed <= 3; seed++) {
      List<Event> events = timelines(seed, 40);
      for (PatternCatalogue catalogue : List.of(builtin, extra)) {
        List<String> cep = run(events, catalogue, RuntimeExecutionMode.BATCH, true);
        cep.forEach(m -> matched.add(m.substring(0, m.indexOf(' '))));
        assertThat(run(events, catalogue, RuntimeExecutionMode.BATCH, false))
            .as("seed %d, BATCH", seed)
            .isEqualTo(cep);
        assertThat(run(events, catalogue, RuntimeExecutionMode.STREAMING, false))
            .as("seed %d, STREAMING", seed)
            .isEqualTo(cep);
      }
    }
    assertThat(matched)
        .as("every pattern matched somewhere")
        .hasSize(builtin.patterns().size() + extra.patterns().size());
  }

  /** Every match, sorted: through the pattern stage, or through one CEP operator per pattern. */
  static List<String> run(
      List<Event> events, PatternCatalogue catalogue, RuntimeExecutionMode mode, boolean perPattern)
      throws Exception {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setRuntimeMode(mode);
    env.setParallelism(2);
    DataStream<Event> in = env.fromData(events, EventTypeInfo.INSTANCE);
    DataStream<PatternMatch> matches =
        perPattern ? cepPerPattern(in, catalogue) : PatternStage.matches(in, catalogue);
    List<String> out = new ArrayList<>();
    try (CloseableIterator<PatternMatch> it = matches.executeAndCollect()) {
      while (it.hasNext()) {
        out.add(describe(it.next()));
      }
    }
    Collections.sort(out);
    return out;
  }

  /** The reference: {@code CEP.pattern} per pattern over its candidates, ties by event id. */
  static DataStream<PatternMatch> cepPerPattern(DataStream<Event> in, PatternCatalogue catalogue) {
    DataStream<Event> timed =
        in.assignTimestampsAndWatermarks(
            WatermarkStrategy.<Event>noWatermarks().withTimestampAssigner((e, t) -> e.eventTime));
    DataStream<PatternMatch> all = null;
    for (PatternDef def : catalogue.patterns()) {
      PatternCompiler.CompiledPattern compiled = PatternCompiler.compile(def);
      DataStream<Event> candidates = def.needsEveryEvent() ? timed : timed.filter(def::relevant);
      DataStream<PatternMatch> m =
          CEP.pattern(
                  candidates.keyBy(e -> e.personId, Types.STRING),
                  compiled.pattern(),
                  (a, b) -> a.eventId.compareTo(b.eventId))
              .inEventTime()
              .process(new ToMatch(compiled))
              .returns(TypeInformation.of(PatternMatch.class));
      all = all == null ? m : all.union(m);
    }
    return all;
  }

  /** A CEP match as the pattern stage reports it. */
  static final class ToMatch extends PatternProcessFunction<Event, PatternMatch> {
    private final String pattern;
    private final List<String> steps;

    ToMatch(PatternCompiler.CompiledPattern compiled) {
      this.pattern = compiled.def().name();
      this.steps = List.copyOf(compiled.eventSteps());
    }

    @Override
    public void processMatch(
        Map<String, List<Event>> match, Context ctx, Collector<PatternMatch> out) {
      List<String> ids = new ArrayList<>();
      String person = null;
      for (String step : steps) {
        for (Event e : match.getOrDefault(step, List.of())) {
          ids.add(e.eventId);
          person = e.personId;
        }
      }
      PatternMatch m = new PatternMatch();
      m.pattern = pattern;
      m.personId = person;
      m.eventIds = ids.toArray(String[]::new);
      out.collect(m);
    }
  }
}
