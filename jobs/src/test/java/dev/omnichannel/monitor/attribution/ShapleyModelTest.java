package dev.omnichannel.monitor.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

class ShapleyModelTest {
  private static PathStat path(String path, double conversions, double value, double nulls) {
    return new PathStat(Arrays.asList(path.split(" > ")), conversions, value, nulls);
  }

  /** Coalition key as in games.json: the players sorted numerically, joined by ",". */
  private static String key(Set<String> coalition) {
    return coalition.stream()
        .mapToInt(Integer::parseInt)
        .sorted()
        .mapToObj(Integer::toString)
        .collect(Collectors.joining(","));
  }

  /** All non-empty subsets of the players, by size, then lexicographically (games.json order). */
  private static List<List<String>> bySizeThenLex(List<String> players) {
    List<List<String>> out = new ArrayList<>();
    for (int size = 1; size <= players.size(); size++) {
      combinations(players, size, 0, new ArrayList<>(), out);
    }
    return out;
  }

  private static void combinations(
      List<String> players, int size, int from, List<String> cur, List<List<String>> out) {
    if (cur.size() == size) {
      out.add(List.copyOf(cur));
      return;
    }
    for (int i = from; i < players.size(); i++) {
      cur.add(players.get(i));
      combinations(players, size, i + 1, cur, out);
      cur.remove(cur.size() - 1);
    }
  }

  @TestFactory
  List<DynamicTest> publishedGamesHaveTheirPublishedShapleyValues() {
    JsonNode games = ReferenceData.json("shapley-games/games.json").get("games");
    assertThat(games).hasSize(7);
    return StreamSupport.stream(games.spliterator(), false)
        .map(game -> DynamicTest.dynamicTest(game.get("id").asText(), () -> checkGame(game)))
        .toList();
  }

  private static void checkGame(JsonNode game) {
    List<String> players =
        StreamSupport.stream(game.get("players").spliterator(), false)
            .map(JsonNode::asText)
            .toList();
    Map<String, Double> v = new HashMap<>();
    v.put("", 0.0);
    if (game.has("v")) {
      game.get("v").fields().forEachRemaining(e -> v.put(e.getKey(), e.getValue().asDouble()));
    } else {
      List<List<String>> order = bySizeThenLex(players);
      JsonNode vector = game.get("v_vector");
      assertThat(vector).hasSize(order.size());
      for (int i = 0; i < order.size(); i++) {
        v.put(String.join(",", order.get(i)), vector.get(i).asDouble());
      }
    }
    assertThat(v).hasSize(1 << players.size());

    Map<String, Double> phi =
        ShapleyModel.exact(
            players,
            s -> {
              Double w = v.get(key(s));
              assertThat(w).as("worth of %s", s).isNotNull();
              return w;
            });

    assertThat(phi.keySet()).containsExactlyElementsOf(players);
    JsonNode expected = game.get("expected_shapley");
    for (int i = 0; i < players.size(); i++) {
      String p = players.get(i);
      double want = expected.isArray() ? expected.get(i).asDouble() : expected.get(p).asDouble();
      // Published values are printed to 7 significant digits.
      assertThat(phi.get(p)).as(p).isCloseTo(want, within(1e-5));
    }
    if (game.has("expected_shapley_fractions")) {
      JsonNode fractions = game.get("expected_shapley_fractions");
      for (int i = 0; i < players.size(); i++) {
        String p = players.get(i);
        String f = (fractions.isArray() ? fractions.get(i) : fractions.get(p)).asText();
        String[] nd = f.split("/");
        double want = Double.parseDouble(nd[0]) / (nd.length > 1 ? Double.parseDouble(nd[1]) : 1);
        assertThat(phi.get(p)).as(p).isCloseTo(want, within(1e-12));
      }
    }
    // Efficiency: the values sum to v(N).
    double sum = phi.values().stream().mapToDouble(Double::doubleValue).sum();
    assertThat(sum).isCloseTo(v.get(key(new TreeSet<>(players))), within(1e-9));
  }

  @Test
  void theOldWrongSageAnswerIsNotReproduced() {
    // games.json warns that an old Sage docstring printed {1: 20, 2: 20, 3: 5, 4: 20}.
    JsonNode game = ReferenceData.json("shapley-games/games.json").at("/games/1");
    assertThat(game.get("id").asText()).isEqualTo("sage_long_game");
    Map<String, Double> v = new HashMap<>();
    v.put("", 0.0);
    game.get("v").fields().forEachRemaining(e -> v.put(e.getKey(), e.getValue().asDouble()));
    Map<String, Double> phi = ShapleyModel.exact(List.of("1", "2", "3", "4"), s -> v.get(key(s)));
    assertThat(phi.get("1")).isCloseTo(70.0 / 3, within(1e-12));
    assertThat(phi.get("2")).isCloseTo(10.0, within(1e-12)).isNotCloseTo(20.0, within(1.0));
    assertThat(phi.get("3")).isCloseTo(25.0 / 3, within(1e-12));
    assertThat(phi.get("4")).isCloseTo(70.0 / 3, within(1e-12));
  }

  @Test
  void exactAndClosedFormAgreeOnChannelAttributionData() {
    List<PathStat> paths = ReferenceData.channelAttributionData();
    List<ChannelCredit> exact = ShapleyModel.exactCredits(paths);
    List<ChannelCredit> closed = ShapleyModel.closedFormCredits(paths);

    assertThat(exact).hasSize(12).hasSameSizeAs(closed);
    for (int i = 0; i < exact.size(); i++) {
      assertThat(exact.get(i).channel()).isEqualTo(closed.get(i).channel());
      assertThat(exact.get(i).removalEffect()).isNull();
      assertThat(exact.get(i).conversions()).isCloseTo(closed.get(i).conversions(), within(1e-7));
      assertThat(exact.get(i).value()).isCloseTo(closed.get(i).value(), within(1e-7));
    }
    List<ChannelCredit> attributed = ShapleyModel.attribute(paths);
    assertThat(attributed.stream().map(ChannelCredit::channel).toList()).isSorted();
    // Data.csv sums to 74,802.971587 (the README's 74,802.97 is rounded to cents).
    double value = paths.stream().mapToDouble(PathStat::value).sum();
    assertThat(value).isCloseTo(74_802.97, within(5e-3));
    assertThat(attributed.stream().mapToDouble(ChannelCredit::conversions).sum())
        .isCloseTo(19_785, within(1e-9 * 19_785));
    assertThat(attributed.stream().mapToDouble(ChannelCredit::value).sum())
        .isCloseTo(value, within(1e-9 * value))
        .isCloseTo(74_802.97, within(1e-6 * 74_802.97));
  }

  @Test
  void smallExampleByHand() {
    // v({A}) = 2, v({B}) = 0, v({A,B}) = 2 + 4: A gets 2 + 4/2 = 4, B gets 2.
    List<PathStat> paths =
        List.of(path("A > A", 2, 20, 1), path("B > A > B", 4, 8, 0), path("C", 0, 0, 9));
    assertThat(ShapleyModel.attribute(paths))
        .containsExactly(
            new ChannelCredit("A", null, null, 4.0, 24.0),
            new ChannelCredit("B", null, null, 2.0, 4.0),
            new ChannelCredit("C", null, null, 0.0, 0.0));
    assertThat(ShapleyModel.closedFormCredits(paths)).isEqualTo(ShapleyModel.attribute(paths));
  }

  @Test
  void manyChannelsUseTheClosedFormAndStillSumToTotals() {
    List<PathStat> paths = new ArrayList<>();
    List<String> all =
        IntStream.range(0, 30).mapToObj(i -> "ch" + (char) ('a' + i % 26) + i).toList();
    for (int i = 0; i < 30; i++) {
      paths.add(new PathStat(List.of(all.get(i), all.get((i * 7 + 3) % 30)), 1 + i, 2.5 * i, i));
    }
    List<ChannelCredit> credits = ShapleyModel.attribute(paths);
    assertThat(credits).hasSize(30).isEqualTo(ShapleyModel.closedFormCredits(paths));
    assertThat(credits.stream().mapToDouble(ChannelCredit::conversions).sum())
        .isCloseTo(paths.stream().mapToDouble(PathStat::conversions).sum(), within(1e-9));
    assertThat(credits.stream().mapToDouble(ChannelCredit::value).sum())
        .isCloseTo(paths.stream().mapToDouble(PathStat::value).sum(), within(1e-9));
  }

  @Test
  void edgeCases() {
    assertThat(ShapleyModel.attribute(List.of())).isEmpty();
    assertThat(ShapleyModel.attribute(List.of(path("A > B", 0, 0, 5))))
        .containsExactly(
            new ChannelCredit("A", null, null, 0, 0), new ChannelCredit("B", null, null, 0, 0));
    assertThat(ShapleyModel.attribute(List.of(path("A > A", 3, 7, 1))))
        .containsExactly(new ChannelCredit("A", null, null, 3, 7));
    assertThat(ShapleyModel.exact(List.of(), s -> 1.0)).isEmpty();
    assertThatThrownBy(() -> ShapleyModel.exact(List.of("a", "a"), s -> 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
