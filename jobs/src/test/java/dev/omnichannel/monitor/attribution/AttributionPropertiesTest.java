package dev.omnichannel.monitor.attribution;

import static dev.omnichannel.monitor.testing.PropertyCheck.forAll;
import static dev.omnichannel.monitor.testing.PropertyCheck.shrinkList;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.omnichannel.monitor.journey.Touch;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Property-based tests of the attribution models against the DESIGN.md contract, on generated
 * journeys and path tables (see {@link dev.omnichannel.monitor.testing.PropertyCheck}: fixed seeds,
 * so every run draws the same inputs). Expected values are computed here, independently of the
 * implementation.
 */
class AttributionPropertiesTest {
  private static final int TRIES = 300;
  private static final long SECOND = 1_000L;
  private static final long MINUTE = 60 * SECOND;
  private static final long HOUR = 60 * MINUTE;
  private static final long DAY = 24 * HOUR;
  private static final long EPOCH_2026 = 1_767_225_600_000L;

  private static final List<String> CHANNELS =
      List.of(
          "EMAIL",
          "WEB",
          "APP",
          "STORE",
          "CALL_CENTER",
          "CHAT",
          "SMS",
          "PUSH",
          "SOCIAL",
          "SEARCH",
          "DISPLAY",
          "AFFILIATE",
          "PARTNER",
          "KIOSK",
          "MAIL",
          "TV");

  private static final EnumSet<RuleBasedModel> SUM_TO_ONE =
      EnumSet.complementOf(EnumSet.of(RuleBasedModel.PARTICIPATION));

  // ---------------------------------------------------------------------------------------------
  // Inputs

  /** One converted journey: its touches (start times increasing), conversion, value, half-life. */
  record Journey(List<Touch> touches, long conversionTime, double value, Duration halfLife) {
    List<String> channels() {
      return touches.stream().map(Touch::dimensionValue).toList();
    }

    @Override
    public String toString() {
      long t0 = touches.get(0).startTime();
      return touches.stream()
              .map(t -> t.dimensionValue() + "@+" + (t.startTime() - t0) + "ms")
              .collect(Collectors.joining(" > ", "[", "]"))
          + " conversion@+"
          + (conversionTime - t0)
          + "ms value="
          + value
          + " halfLife="
          + halfLife;
    }
  }

  /** A path table, and the seed that shuffles and splits it. */
  record Table(List<PathStat> rows, long reshapeSeed) {
    double conversions() {
      return rows.stream()
          .filter(p -> !p.path().isEmpty())
          .mapToDouble(PathStat::conversions)
          .sum();
    }

    double value() {
      return rows.stream().filter(p -> !p.path().isEmpty()).mapToDouble(PathStat::value).sum();
    }

    SortedMap<String, Double> expectedShapley(Function<PathStat, Double> measure) {
      SortedMap<String, Double> out = new TreeMap<>();
      for (PathStat p : rows) {
        for (String c : p.path()) {
          out.putIfAbsent(c, 0.0);
        }
        Set<String> distinct = new TreeSet<>(p.path());
        for (String c : distinct) {
          out.merge(c, measure.apply(p) / distinct.size(), Double::sum);
        }
      }
      return out;
    }

    /** The rows in another order. */
    List<PathStat> shuffled() {
      List<PathStat> out = new ArrayList<>(rows);
      Collections.shuffle(out, new Random(reshapeSeed));
      return out;
    }

    /** One row split into two rows with the same path, its counts and value divided. */
    List<PathStat> split() {
      List<PathStat> out = new ArrayList<>(rows);
      if (rows.isEmpty()) {
        return out;
      }
      Random r = new Random(~reshapeSeed);
      int i = r.nextInt(rows.size());
      PathStat p = rows.get(i);
      double c1 = Math.floor(p.conversions() * r.nextDouble());
      double n1 = Math.floor(p.nulls() * r.nextDouble());
      double v1 = p.conversions() == 0 ? 0 : p.value() * c1 / p.conversions();
      out.set(i, new PathStat(p.path(), c1, v1, n1));
      out.add(
          r.nextInt(out.size() + 1),
          new PathStat(p.path(), p.conversions() - c1, p.value() - v1, p.nulls() - n1));
      return out;
    }

    @Override
    public String toString() {
      return rows.stream()
              .map(
                  p ->
                      String.join(">", p.path())
                          + " conv="
                          + p.conversions()
                          + " value="
                          + p.value()
                          + " nulls="
                          + p.nulls())
              .collect(Collectors.joining("; ", "[", "]"))
          + " reshapeSeed="
          + reshapeSeed;
    }
  }

  /** A converting path and a removal-effect map (possibly naming channels off the path). */
  record PathAndEffects(List<String> path, Map<String, Double> removalEffects) {}

  // ---------------------------------------------------------------------------------------------
  // Generators and shrinkers

  private static int biasedSize(Random r, int max) {
    return switch (r.nextInt(5)) {
      case 0 -> 1;
      case 1 -> Math.min(max, 2);
      case 2 -> Math.min(max, 3);
      default -> 1 + r.nextInt(max);
    };
  }

  private static long logUniform(Random r, long min, long max) {
    double x = Math.log(min) + r.nextDouble() * (Math.log(max) - Math.log(min));
    return Math.max(min, Math.min(max, Math.round(Math.exp(x))));
  }

  /** 1..20 touches over 1..12 channels, starts strictly increasing over up to 90 days. */
  static Journey journey(Random r) {
    int channels = biasedSize(r, 12);
    int n = biasedSize(r, 20);
    long span =
        r.nextInt(4) == 0 ? logUniform(r, n, DAY) : logUniform(r, Math.max(n, HOUR), 90 * DAY);
    TreeSet<Long> offsets = new TreeSet<>(List.of(0L));
    while (offsets.size() < n) {
      offsets.add(1 + (long) (r.nextDouble() * span));
    }
    long t0 = EPOCH_2026 + r.nextInt(365) * DAY + (long) (r.nextDouble() * DAY);
    long lastStart = t0 + offsets.last();
    long conversion =
        switch (r.nextInt(4)) {
          case 0 -> lastStart;
          case 1 -> lastStart + (long) (r.nextDouble() * 30 * MINUTE);
          case 2 -> lastStart + (long) (r.nextDouble() * 6 * HOUR);
          default -> lastStart + (long) (r.nextDouble() * 3 * DAY);
        };
    List<Long> starts = new ArrayList<>(offsets);
    List<Touch> touches = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long start = t0 + starts.get(i);
      long next = i + 1 < n ? t0 + starts.get(i + 1) - 1 : conversion + 30 * MINUTE;
      long end = Math.min(next, start + (long) (r.nextDouble() * 2 * HOUR));
      end = i + 1 < n ? end : Math.max(end, conversion);
      touches.add(new Touch(CHANNELS.get(r.nextInt(channels)), start, end, 1 + r.nextInt(5)));
    }
    double value = r.nextInt(5) == 0 ? 0 : Math.round(r.nextDouble() * 500_000) / 100.0;
    Duration halfLife =
        r.nextInt(4) == 0 ? Duration.ofDays(7) : Duration.ofMillis(logUniform(r, SECOND, 60 * DAY));
    return new Journey(touches, conversion, value, halfLife);
  }

  static List<Journey> shrinkJourney(Journey j) {
    List<Journey> out = new ArrayList<>();
    for (List<Touch> t : shrinkList(j.touches(), 1)) {
      out.add(
          new Journey(
              t, Math.max(j.conversionTime(), last(t).startTime()), j.value(), j.halfLife()));
    }
    long lastStart = last(j.touches()).startTime();
    if (j.conversionTime() != lastStart) {
      out.add(new Journey(j.touches(), lastStart, j.value(), j.halfLife()));
      long halfDelay = lastStart + (j.conversionTime() - lastStart) / 2;
      out.add(new Journey(j.touches(), halfDelay, j.value(), j.halfLife()));
    }
    if (j.value() != 0 && j.value() != 1) {
      out.add(new Journey(j.touches(), j.conversionTime(), 1, j.halfLife()));
    }
    return out;
  }

  private static <E> E last(List<E> l) {
    return l.get(l.size() - 1);
  }

  /** A path over {@code pool}: consecutive repeats and loops (revisits) are frequent. */
  static List<String> path(Random r, List<String> pool, int minLength) {
    int len =
        r.nextInt(20) == 0
            ? minLength
            : Math.max(minLength, 1 + r.nextInt(r.nextBoolean() ? 3 : 8));
    List<String> path = new ArrayList<>(len);
    for (int i = 0; i < len; i++) {
      int k = r.nextInt(10);
      if (i > 0 && k < 3) {
        path.add(path.get(i - 1));
      } else if (i > 1 && k < 5) {
        path.add(path.get(r.nextInt(i)));
      } else {
        path.add(pool.get(r.nextInt(pool.size())));
      }
    }
    return path;
  }

  /** 0..24 rows over up to {@code maxChannels} channels; small integer counts, cents values. */
  static Table table(Random r, int maxChannels) {
    List<String> pool = CHANNELS.subList(0, biasedSize(r, maxChannels));
    int rows = r.nextInt(10) == 0 ? r.nextInt(2) : 1 + r.nextInt(24);
    List<PathStat> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      double conversions = r.nextInt(3) == 0 ? 0 : r.nextInt(6);
      double nulls = r.nextInt(3) == 0 ? 0 : r.nextInt(9);
      double value =
          conversions == 0 || r.nextInt(6) == 0
              ? 0
              : Math.round(conversions * r.nextDouble() * 30_000) / 100.0;
      out.add(new PathStat(path(r, pool, 0), conversions, value, nulls));
    }
    return new Table(out, r.nextLong());
  }

  static List<Table> shrinkTable(Table t) {
    List<Table> out = new ArrayList<>();
    for (List<PathStat> rows : shrinkList(t.rows(), 0)) {
      out.add(new Table(rows, t.reshapeSeed()));
    }
    for (int i = 0; i < t.rows().size(); i++) {
      PathStat p = t.rows().get(i);
      List<PathStat> smaller = new ArrayList<>();
      if (p.nulls() > 0) {
        smaller.add(new PathStat(p.path(), p.conversions(), p.value(), 0));
      }
      if (p.conversions() > 1) {
        smaller.add(new PathStat(p.path(), 1, p.value() / p.conversions(), p.nulls()));
      }
      if (p.conversions() > 0) {
        smaller.add(new PathStat(p.path(), 0, 0, p.nulls()));
      }
      for (List<String> path : shrinkList(p.path(), 1)) {
        smaller.add(new PathStat(path, p.conversions(), p.value(), p.nulls()));
      }
      for (PathStat s : smaller) {
        List<PathStat> rows = new ArrayList<>(t.rows());
        rows.set(i, s);
        out.add(new Table(rows, t.reshapeSeed()));
      }
    }
    return out;
  }

  static PathAndEffects pathAndEffects(Random r) {
    List<String> pool = CHANNELS.subList(0, biasedSize(r, 12));
    List<String> path = path(r, pool, 1);
    Map<String, Double> re = new HashMap<>();
    for (String c : pool) {
      switch (r.nextInt(6)) {
        case 0 -> {} // missing
        case 1 -> re.put(c, 0.0);
        case 2 -> re.put(c, r.nextBoolean() ? Double.MIN_VALUE : 1.0);
        default -> re.put(c, r.nextDouble());
      }
    }
    return new PathAndEffects(path, re);
  }

  // ---------------------------------------------------------------------------------------------
  // Expected rule-based shares, computed per touch independently of RuleBasedModel

  /** Per-touch weights of a positional model: first, middle (shared), last. */
  private static double[] positional(int n, double first, double middle, double last) {
    double[] w = new double[n];
    if (n == 1) {
      w[0] = 1;
      return w;
    }
    if (n == 2) {
      // no middle touch: first and last keep their ratio (POSITION_BASED 50/50)
      w[0] = first / (first + last);
      w[1] = last / (first + last);
      return w;
    }
    w[0] = first;
    w[n - 1] = last;
    for (int i = 1; i < n - 1; i++) {
      w[i] = middle / (n - 2);
    }
    return w;
  }

  static Map<String, Double> expected(RuleBasedModel m, Journey j) {
    List<String> ch = j.channels();
    int n = ch.size();
    Map<String, Double> out = new TreeMap<>();
    switch (m) {
      case FIRST_TOUCH -> out.put(ch.get(0), 1.0);
      case LAST_TOUCH -> out.put(ch.get(n - 1), 1.0);
      case LINEAR -> {
        Map<String, Integer> counts = new TreeMap<>();
        ch.forEach(c -> counts.merge(c, 1, Integer::sum));
        counts.forEach((c, k) -> out.put(c, (double) k / n));
      }
      case PARTICIPATION -> ch.forEach(c -> out.put(c, 1.0));
      case TIME_DECAY -> {
        // share_i = w_i / Σ w_j = 1 / Σ_j 2^((Δt_i − Δt_j) / h): no underflow of the sum
        double h = j.halfLife().toMillis();
        for (int i = 0; i < n; i++) {
          double dti = j.conversionTime() - j.touches().get(i).startTime();
          double denominator = 0;
          for (int k = 0; k < n; k++) {
            double dtk = j.conversionTime() - j.touches().get(k).startTime();
            denominator += Math.pow(2, (dti - dtk) / h);
          }
          out.merge(ch.get(i), 1 / denominator, Double::sum);
        }
      }
      case POSITION_BASED, J_CURVE, INVERSE_J -> {
        double[] w =
            switch (m) {
              case POSITION_BASED -> positional(n, 0.4, 0.2, 0.4);
              case J_CURVE -> positional(n, 0.2, 0.2, 0.6);
              default -> positional(n, 0.6, 0.2, 0.2);
            };
        for (int i = 0; i < n; i++) {
          out.merge(ch.get(i), w[i], Double::sum);
        }
      }
    }
    return out;
  }

  private static double sum(Map<String, Double> m) {
    return m.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  private static void assertRelClose(double actual, double expected, double rel, String what) {
    double tol = rel * Math.max(1, Math.max(Math.abs(actual), Math.abs(expected)));
    assertThat(actual).as(what).isCloseTo(expected, within(tol));
  }

  // ---------------------------------------------------------------------------------------------
  // 1. Rule-based credits sum to the conversion (PARTICIPATION: 1.0 per distinct channel)

  @Test
  void ruleBasedCreditsAreNonNegativeAndSumToOneConversionAndItsValue() {
    forAll("rule-based credits sum to 1", AttributionPropertiesTest::journey)
        .shrinkWith(AttributionPropertiesTest::shrinkJourney)
        .tries(TRIES)
        .check(
            j -> {
              for (RuleBasedModel m : SUM_TO_ONE) {
                SortedMap<String, Double> c =
                    m.credit(j.touches(), j.conversionTime(), j.halfLife());
                assertThat(j.channels())
                    .as("%s names only the journey's channels", m)
                    .containsAll(c.keySet());
                assertThat(c.values())
                    .as("%s credits", m)
                    .allSatisfy(x -> assertThat(x).isFinite().isNotNegative());
                assertThat(sum(c)).as("%s credit sum", m).isCloseTo(1.0, within(1e-12));
                double valueCredited = c.values().stream().mapToDouble(x -> x * j.value()).sum();
                assertRelClose(valueCredited, j.value(), 1e-12, m + " value credited");
              }
            });
  }

  @Test
  void participationGivesExactlyOneToEachDistinctChannel() {
    forAll("participation", AttributionPropertiesTest::journey)
        .shrinkWith(AttributionPropertiesTest::shrinkJourney)
        .tries(TRIES)
        .check(
            j -> {
              Map<String, Double> expected = new TreeMap<>();
              for (String c : j.channels()) {
                expected.put(c, 1.0);
              }
              assertThat(
                      RuleBasedModel.PARTICIPATION.credit(
                          j.touches(), j.conversionTime(), j.halfLife()))
                  .containsExactlyEntriesOf(expected);
            });
  }

  // ---------------------------------------------------------------------------------------------
  // 2. Each rule-based model against shares computed by hand

  @Test
  void firstAndLastTouchCreditExactlyTheFirstAndLastChannel() {
    forAll("first and last touch", AttributionPropertiesTest::journey)
        .shrinkWith(AttributionPropertiesTest::shrinkJourney)
        .tries(TRIES)
        .check(
            j -> {
              List<String> ch = j.channels();
              assertThat(
                      RuleBasedModel.FIRST_TOUCH.credit(
                          j.touches(), j.conversionTime(), j.halfLife()))
                  .containsExactlyEntriesOf(Map.of(ch.get(0), 1.0));
              assertThat(
                      RuleBasedModel.LAST_TOUCH.credit(
                          j.touches(), j.conversionTime(), j.halfLife()))
                  .containsExactlyEntriesOf(Map.of(last(ch), 1.0));
            });
  }

  @Test
  void linearAndPositionalModelsMatchTheHandComputedShares() {
    forAll("linear and positional shares", AttributionPropertiesTest::journey)
        .shrinkWith(AttributionPropertiesTest::shrinkJourney)
        .tries(TRIES)
        .check(
            j -> {
              for (RuleBasedModel m :
                  List.of(
                      RuleBasedModel.LINEAR,
                      RuleBasedModel.POSITION_BASED,
                      RuleBasedModel.J_CURVE,
                      RuleBasedModel.INVERSE_J)) {
                Map<String, Double> expected = expected(m, j);
                SortedMap<String, Double> actual =
                    m.credit(j.touches(), j.conversionTime(), j.halfLife());
                assertThat(actual.keySet()).as("%s channels", m).isEqualTo(expected.keySet());
                expected.forEach(
                    (c, e) ->
                        assertThat(actual.get(c)).as("%s %s", m, c).isCloseTo(e, within(1e-12)));
              }
            });
  }

  @Test
  void timeDecayMatchesTheHandComputedWeights() {
    forAll("time decay shares", AttributionPropertiesTest::journey)
        .shrinkWith(AttributionPropertiesTest::shrinkJourney)
        .tries(TRIES)
        .check(
            j -> {
              Map<String, Double> expected = expected(RuleBasedModel.TIME_DECAY, j);
              SortedMap<String, Double> actual =
                  RuleBasedModel.TIME_DECAY.credit(j.touches(), j.conversionTime(), j.halfLife());
              assertThat(expected.keySet()).containsAll(actual.keySet());
              expected.forEach(
                  (c, e) ->
                      assertThat(actual.getOrDefault(c, 0.0)).as(c).isCloseTo(e, within(1e-12)));
            });
  }

  // ---------------------------------------------------------------------------------------------
  // 3. TIME_DECAY halves at exactly one half-life

  /** Two distinct channels whose touches start exactly h apart; the conversion at or after. */
  record HalfLifePair(long h, long firstStart, long conversionDelay) {}

  @Test
  void timeDecayWeightsTwoTouchesOneHalfLifeApartOneToTwo() {
    forAll(
            "time decay halves at one half-life",
            r ->
                new HalfLifePair(
                    logUniform(r, 1, 30 * DAY),
                    EPOCH_2026 + (long) (r.nextDouble() * 365 * DAY),
                    switch (r.nextInt(3)) {
                      case 0 -> 0;
                      case 1 -> (long) (r.nextDouble() * 2 * HOUR);
                      default -> logUniform(r, 1, 10 * DAY);
                    }))
        .shrinkWith(
            p ->
                p.conversionDelay() == 0
                    ? List.of()
                    : List.of(
                        new HalfLifePair(p.h(), p.firstStart(), 0),
                        new HalfLifePair(p.h(), p.firstStart(), p.conversionDelay() / 2)))
        .tries(TRIES)
        .check(
            p -> {
              long second = p.firstStart() + p.h();
              List<Touch> touches =
                  List.of(
                      new Touch("EMAIL", p.firstStart(), p.firstStart(), 1),
                      new Touch("WEB", second, second, 1));
              SortedMap<String, Double> c =
                  RuleBasedModel.TIME_DECAY.credit(
                      touches, second + p.conversionDelay(), Duration.ofMillis(p.h()));
              assertThat(c.get("EMAIL")).as("earlier").isCloseTo(1.0 / 3, within(1e-12));
              assertThat(c.get("WEB")).as("later").isCloseTo(2.0 / 3, within(1e-12));
              assertThat(c.get("WEB") / c.get("EMAIL")).as("ratio").isCloseTo(2.0, within(1e-12));
            });
  }

  /** Touches on distinct channels starting at whole numbers of half-lives (ks) after the first. */
  record HalfLifeLadder(long h, List<Integer> ks, long conversionDelay) {}

  @Test
  void timeDecayCreditsDoubleWithEveryHalfLife() {
    forAll(
            "time decay doubles per half-life",
            r -> {
              int n = 2 + r.nextInt(11);
              List<Integer> ks = new ArrayList<>(List.of(0));
              for (int i = 1; i < n; i++) {
                ks.add(ks.get(i - 1) + 1 + r.nextInt(r.nextBoolean() ? 2 : 6));
              }
              return new HalfLifeLadder(
                  logUniform(r, 1, 7 * DAY), ks, r.nextBoolean() ? 0 : logUniform(r, 1, 10 * DAY));
            })
        .tries(TRIES)
        .check(
            l -> {
              List<Touch> touches = new ArrayList<>();
              for (int i = 0; i < l.ks().size(); i++) {
                long start = EPOCH_2026 + l.ks().get(i) * l.h();
                touches.add(new Touch(CHANNELS.get(i), start, start, 1));
              }
              long conversion = last(touches).startTime() + l.conversionDelay();
              SortedMap<String, Double> c =
                  RuleBasedModel.TIME_DECAY.credit(touches, conversion, Duration.ofMillis(l.h()));
              for (int i = 0; i < l.ks().size(); i++) {
                for (int k = i + 1; k < l.ks().size(); k++) {
                  double ratio = c.get(CHANNELS.get(k)) / c.get(CHANNELS.get(i));
                  double expected = Math.pow(2, l.ks().get(k) - l.ks().get(i));
                  assertThat(ratio / expected)
                      .as("credit ratio of touches %d and %d", k, i)
                      .isCloseTo(1.0, within(1e-12));
                }
              }
            });
  }

  // ---------------------------------------------------------------------------------------------
  // 4. MARKOV and SHAPLEY: invariances, non-negative credits summing to the totals

  private static void assertSameCredits(
      List<ChannelCredit> actual, List<ChannelCredit> expected, String what) {
    assertThat(actual.stream().map(ChannelCredit::channel).toList())
        .as("%s channels", what)
        .isEqualTo(expected.stream().map(ChannelCredit::channel).toList());
    for (int i = 0; i < actual.size(); i++) {
      ChannelCredit a = actual.get(i);
      ChannelCredit e = expected.get(i);
      assertRelClose(
          a.conversions(), e.conversions(), 1e-9, what + " conversions of " + a.channel());
      assertRelClose(a.value(), e.value(), 1e-9, what + " value of " + a.channel());
      if (e.removalEffect() == null) {
        assertThat(a.removalEffect()).as("%s removal effect of %s", what, a.channel()).isNull();
      } else {
        assertThat(a.removalEffect())
            .as("%s removal effect of %s", what, a.channel())
            .isCloseTo(e.removalEffect(), within(1e-9));
      }
      if (e.valueRemovalEffect() == null) {
        assertThat(a.valueRemovalEffect())
            .as("%s value removal effect of %s", what, a.channel())
            .isNull();
      } else {
        assertThat(a.valueRemovalEffect())
            .as("%s value removal effect of %s", what, a.channel())
            .isCloseTo(e.valueRemovalEffect(), within(1e-9));
      }
    }
  }

  private static void assertSumsToTotals(List<ChannelCredit> credits, Table t, String what) {
    for (ChannelCredit c : credits) {
      assertThat(c.conversions())
          .as("%s conversions of %s", what, c.channel())
          .isFinite()
          .isNotNegative();
      assertThat(c.value()).as("%s value of %s", what, c.channel()).isFinite().isNotNegative();
    }
    double conversions = credits.stream().mapToDouble(ChannelCredit::conversions).sum();
    double value = credits.stream().mapToDouble(ChannelCredit::value).sum();
    if (t.conversions() > 0) {
      assertRelClose(conversions, t.conversions(), 1e-9, what + " conversions credited");
      assertRelClose(value, t.value(), 1e-9, what + " value credited");
    } else {
      assertThat(credits)
          .as("%s without conversions", what)
          .allSatisfy(
              c -> {
                assertThat(c.conversions()).isZero();
                assertThat(c.value()).isZero();
              });
    }
    Set<String> channels = new TreeSet<>();
    t.rows().forEach(p -> channels.addAll(p.path()));
    assertThat(credits.stream().map(ChannelCredit::channel).toList())
        .as("%s lists every channel once, sorted", what)
        .containsExactlyElementsOf(channels);
  }

  @ParameterizedTest(name = "order {0}")
  @ValueSource(ints = {1, 2, 3, 4})
  void markovIsInvariantToRowOrderAndRowSplits(int order) {
    forAll("markov invariances, order " + order, r -> table(r, 12))
        .shrinkWith(AttributionPropertiesTest::shrinkTable)
        .tries(TRIES / 2)
        .check(
            t -> {
              List<ChannelCredit> base = MarkovModel.attribute(t.rows(), order);
              assertSameCredits(MarkovModel.attribute(t.shuffled(), order), base, "shuffled");
              assertSameCredits(MarkovModel.attribute(t.split(), order), base, "split");
            });
  }

  @ParameterizedTest(name = "order {0}")
  @ValueSource(ints = {1, 2, 3, 4})
  void markovCreditsAreNonNegativeAndSumToTheTotals(int order) {
    forAll("markov sums, order " + order, r -> table(r, 12))
        .shrinkWith(AttributionPropertiesTest::shrinkTable)
        .tries(TRIES / 2)
        .check(
            t -> {
              List<ChannelCredit> credits = MarkovModel.attribute(t.rows(), order);
              assertSumsToTotals(credits, t, "markov");
              for (ChannelCredit c : credits) {
                assertThat(c.removalEffect())
                    .as("removal effect of %s", c.channel())
                    .isNotNull()
                    .isBetween(0.0, 1.0);
                assertThat(c.valueRemovalEffect())
                    .as("value removal effect of %s", c.channel())
                    .isNotNull()
                    .isBetween(0.0, 1.0);
                if (t.conversions() == 0) {
                  assertThat(c.removalEffect()).isZero();
                  assertThat(c.valueRemovalEffect()).isZero();
                }
              }
            });
  }

  @ParameterizedTest(name = "order {0}")
  @ValueSource(ints = {1, 2, 3, 4})
  void markovValueWithEqualValuesIsTheConversionCreditTimesTheMeanValue(int order) {
    forAll("markov equal values, order " + order, r -> table(r, 12))
        .shrinkWith(AttributionPropertiesTest::shrinkTable)
        .tries(TRIES / 2)
        .check(
            t -> {
              // every conversion worth the same: 37.5
              List<PathStat> equal = new ArrayList<>();
              for (PathStat p : t.rows()) {
                equal.add(
                    new PathStat(p.path(), p.conversions(), 37.5 * p.conversions(), p.nulls()));
              }
              for (ChannelCredit c : MarkovModel.attribute(equal, order)) {
                assertThat(c.valueRemovalEffect())
                    .as("value removal effect of %s", c.channel())
                    .isCloseTo(c.removalEffect(), within(1e-9));
                assertRelClose(
                    c.value(), c.conversions() * 37.5, 1e-9, "value credit of " + c.channel());
              }
            });
  }

  @ParameterizedTest(name = "order {0}")
  @ValueSource(ints = {1, 2, 3, 4})
  void markovValueCreditsSumToTheTotalValueWheneverThereIsValue(int order) {
    forAll("markov value sums, order " + order, r -> table(r, 12))
        .shrinkWith(AttributionPropertiesTest::shrinkTable)
        .tries(TRIES / 2)
        .check(
            t -> {
              List<ChannelCredit> credits = MarkovModel.attribute(t.rows(), order);
              double value = credits.stream().mapToDouble(ChannelCredit::value).sum();
              assertRelClose(value, t.conversions() > 0 ? t.value() : 0, 1e-9, "value credited");
              double sumValueRe =
                  credits.stream().mapToDouble(ChannelCredit::valueRemovalEffect).sum();
              if (t.conversions() > 0 && t.value() > 0) {
                assertThat(sumValueRe).as("some channel carries the value").isPositive();
              }
            });
  }

  @Test
  void shapleyIsInvariantToRowOrderAndRowSplits() {
    forAll("shapley invariances", r -> table(r, 16))
        .shrinkWith(AttributionPropertiesTest::shrinkTable)
        .tries(TRIES)
        .check(
            t -> {
              List<ChannelCredit> base = ShapleyModel.attribute(t.rows());
              assertSameCredits(ShapleyModel.attribute(t.shuffled()), base, "shuffled");
              assertSameCredits(ShapleyModel.attribute(t.split()), base, "split");
            });
  }

  @Test
  void shapleyCreditsAreNonNegativeAndSumToTheTotals() {
    forAll("shapley sums", r -> table(r, 16))
        .shrinkWith(AttributionPropertiesTest::shrinkTable)
        .tries(TRIES)
        .check(t -> assertSumsToTotals(ShapleyModel.attribute(t.rows()), t, "shapley"));
  }

  // ---------------------------------------------------------------------------------------------
  // 5. Exact SHAPLEY equals the closed form

  @Test
  void exactShapleyEqualsTheClosedForm() {
    forAll("shapley exact = closed form", r -> table(r, ShapleyModel.MAX_EXACT_CHANNELS))
        .shrinkWith(AttributionPropertiesTest::shrinkTable)
        .tries(TRIES)
        .check(
            t -> {
              SortedMap<String, Double> conversions = t.expectedShapley(PathStat::conversions);
              SortedMap<String, Double> value = t.expectedShapley(PathStat::value);
              List<ChannelCredit> credits = ShapleyModel.attribute(t.rows());
              assertThat(credits.stream().map(ChannelCredit::channel).toList())
                  .containsExactlyElementsOf(conversions.keySet());
              for (ChannelCredit c : credits) {
                assertRelClose(
                    c.conversions(),
                    conversions.get(c.channel()),
                    1e-9,
                    "conversions of " + c.channel());
                assertRelClose(c.value(), value.get(c.channel()), 1e-9, "value of " + c.channel());
                assertThat(c.removalEffect()).isNull();
              }
            });
  }

  // ---------------------------------------------------------------------------------------------
  // 6. Per-conversion shares of the data-driven models

  @Test
  void markovPathSharesFollowTheRemovalEffectsOfThePathsChannels() {
    forAll("markov path shares", AttributionPropertiesTest::pathAndEffects)
        .tries(TRIES)
        .check(
            pe -> {
              Set<String> distinct = new LinkedHashSet<>(pe.path());
              double total = 0;
              for (String c : distinct) {
                total += pe.removalEffects().getOrDefault(c, 0.0);
              }
              SortedMap<String, Double> shares = PathShares.markov(pe.path(), pe.removalEffects());
              assertThat(distinct).containsAll(shares.keySet());
              assertThat(shares.values()).allSatisfy(s -> assertThat(s).isFinite().isNotNegative());
              assertThat(sum(shares)).isCloseTo(1.0, within(1e-12));
              for (String c : distinct) {
                double expected =
                    total > 0
                        ? pe.removalEffects().getOrDefault(c, 0.0) / total
                        : 1.0 / distinct.size();
                assertThat(shares.getOrDefault(c, 0.0)).as(c).isCloseTo(expected, within(1e-12));
              }
            });
  }

  @Test
  void shapleyPathSharesAreEqualOverTheDistinctChannels() {
    forAll("shapley path shares", r -> pathAndEffects(r).path())
        .shrinkWith(p -> shrinkList(p, 1))
        .tries(TRIES)
        .check(
            path -> {
              Set<String> distinct = new TreeSet<>(path);
              SortedMap<String, Double> shares = PathShares.shapley(path);
              assertThat(shares.keySet()).isEqualTo(distinct);
              assertThat(shares.values())
                  .allSatisfy(s -> assertThat(s).isEqualTo(1.0 / distinct.size()));
              assertThat(sum(shares)).isCloseTo(1.0, within(1e-12));
            });
  }

  @Test
  void shapleyPathSharesOfEveryConversionAddUpToTheWindowCredits() {
    forAll("shapley path shares add up", r -> table(r, 16))
        .shrinkWith(AttributionPropertiesTest::shrinkTable)
        .tries(TRIES)
        .check(
            t -> {
              Map<String, Double> summed = new TreeMap<>();
              for (PathStat p : t.rows()) {
                if (p.conversions() > 0 && !p.path().isEmpty()) {
                  PathShares.shapley(p.path())
                      .forEach((c, s) -> summed.merge(c, s * p.conversions(), Double::sum));
                }
              }
              for (ChannelCredit c : ShapleyModel.attribute(t.rows())) {
                assertRelClose(
                    c.conversions(), summed.getOrDefault(c.channel(), 0.0), 1e-9, c.channel());
              }
              assertThat(
                      ShapleyModel.attribute(t.rows()).stream()
                          .map(ChannelCredit::channel)
                          .toList())
                  .containsAll(summed.keySet());
            });
  }

  // ---------------------------------------------------------------------------------------------
  // PathAttribution: every model over a path table

  @Test
  void pathAttributionMatchesEachModelOverThePathTable() {
    EnumSet<AttributionModel> models = EnumSet.allOf(AttributionModel.class);
    models.remove(AttributionModel.TIME_DECAY);
    forAll("path attribution", r -> table(r, 16))
        .shrinkWith(AttributionPropertiesTest::shrinkTable)
        .tries(TRIES / 2)
        .check(
            t -> {
              int order = 1 + (int) Math.floorMod(t.reshapeSeed(), 4L);
              AttributionSettings s = new AttributionSettings(models, order, Duration.ofDays(7));
              List<ModelCredit> credits = PathAttribution.attribute(t.rows(), s);
              Set<String> channels = new TreeSet<>();
              t.rows().forEach(p -> channels.addAll(p.path()));
              for (AttributionModel m : models) {
                List<ModelCredit> mine = credits.stream().filter(c -> c.model() == m).toList();
                assertThat(mine.stream().map(ModelCredit::channel).toList())
                    .as("%s lists every channel once", m)
                    .containsExactlyElementsOf(channels);
                Map<String, double[]> expected = new TreeMap<>();
                if (m.dataDriven()) {
                  List<ChannelCredit> direct =
                      m == AttributionModel.MARKOV
                          ? MarkovModel.attribute(t.rows(), order)
                          : ShapleyModel.attribute(t.rows());
                  direct.forEach(
                      c -> expected.put(c.channel(), new double[] {c.conversions(), c.value()}));
                } else {
                  for (PathStat p : t.rows()) {
                    if (p.path().isEmpty()) {
                      continue;
                    }
                    List<Touch> touches =
                        p.path().stream().map(c -> new Touch(c, 0, 0, 1)).toList();
                    Journey j = new Journey(touches, 0, 0, Duration.ofDays(1));
                    expected(m.ruleBased(), j)
                        .forEach(
                            (c, share) -> {
                              double[] e = expected.computeIfAbsent(c, k -> new double[2]);
                              e[0] += share * p.conversions();
                              e[1] += share * p.value();
                            });
                  }
                }
                for (ModelCredit c : mine) {
                  double[] e = expected.getOrDefault(c.channel(), new double[2]);
                  assertRelClose(c.conversions(), e[0], 1e-9, m + " conversions of " + c.channel());
                  assertRelClose(c.value(), e[1], 1e-9, m + " value of " + c.channel());
                  assertThat(c.removalEffect() != null)
                      .as("%s removal effect", m)
                      .isEqualTo(m == AttributionModel.MARKOV);
                }
              }
              assertThatThrownBy(
                      () ->
                          PathAttribution.attribute(
                              t.rows(),
                              new AttributionSettings(
                                  EnumSet.of(AttributionModel.TIME_DECAY), 1, Duration.ofDays(7))))
                  .isInstanceOf(IllegalArgumentException.class)
                  .hasMessageContaining("TIME_DECAY");
            });
  }
}
