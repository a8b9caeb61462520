package dev.omnichannel.monitor.patterns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CatalogueParserTest {
  @TempDir Path dir;

  private static final String OK_STEP = "      - name: a\n        where: {event_type: PURCHASE}\n";

  private static String pattern(String body) {
    return "patterns:\n  - name: P1\n    kind: friction\n    severity: LOW\n    within: 1h\n"
        + body;
  }

  private static CatalogueException fail(String yaml) {
    return catchThrowableOfType(
        CatalogueException.class, () -> PatternCatalogue.fromYaml("my.yaml", yaml, Map.of()));
  }

  /** A window whose milliseconds do not fit in a long threw ArithmeticException, not this. */
  @Test
  void aWindowLongerThanAHundredYearsShouldNameThePatternAndTheField() {
    assertThat(
            fail(
                pattern("    steps:\n" + OK_STEP).replace("within: 1h", "within: 99999999999999d")))
        .hasMessage(
            "my.yaml: pattern P1: within: '99999999999999d' is too long: at most 36500d (100"
                + " years)");
  }

  @Test
  void shouldLoadEveryBuiltInPatternOfTheDesign() {
    PatternCatalogue c = PatternCatalogue.builtin();
    assertThat(c.patterns())
        .extracting(PatternDef::name)
        .containsExactly(
            "BROWSE_ABANDON_CHAT_PURCHASE",
            "RESEARCH_ONLINE_BUY_OFFLINE",
            "SHOWROOMING",
            "EMAIL_RECOVERY",
            "REPEAT_CONTACT",
            "FAILED_SELF_SERVICE",
            "CHANNEL_HOP",
            "UNRESOLVED_CONTACT",
            "POST_PURCHASE_CONTACT",
            "NEGATIVE_SENTIMENT",
            "ERROR_THEN_ABANDON",
            "CART_ABANDONED");
    PatternDef bacp = c.get("BROWSE_ABANDON_CHAT_PURCHASE");
    assertThat(bacp.kind()).isEqualTo(PatternDef.Kind.JOURNEY);
    assertThat(bacp.within()).isEqualTo(Duration.ofDays(7));
    assertThat(bacp.steps().get(2).absent()).isTrue();
    assertThat(bacp.steps().get(2).absentWithin()).isEqualTo(Duration.ofHours(1));
    assertThat(c.get("REPEAT_CONTACT").steps().get(0).minTimes()).isEqualTo(3);
    assertThat(c.get("REPEAT_CONTACT").steps().get(0).maxTimes()).isNull();
    assertThat(c.get("CART_ABANDONED").within()).isEqualTo(Duration.ofHours(72));
    assertThat(c.get("CART_ABANDONED").trailingAbsence()).isNotNull();
    assertThat(c.get("CHANNEL_HOP").severity()).isEqualTo(PatternDef.Severity.HIGH);
    assertThat(c.get("NEGATIVE_SENTIMENT").steps().get(0).where().sentimentMax()).isEqualTo(-0.5);
  }

  @Test
  void shouldApplyParameterOverridesAndUserFilesInOrder() throws Exception {
    Path user = dir.resolve("mine.yaml");
    Files.writeString(
        user,
        "parameters:\n  friction.cart-abandoned.within: 48h\n"
            + "patterns:\n"
            + "  - name: ERROR_THEN_ABANDON\n    enabled: false\n"
            + "  - name: VIP_CALL\n    kind: journey\n    within: 1d\n    steps:\n"
            + "      - name: call\n        where: {event_type: CONTACT_START, channel: VOICE, attributes: {tier: vip}}\n");
    PatternCatalogue c = PatternCatalogue.load(List.of(user), Map.of("cart.abandon-after", "2h"));
    assertThat(c.get("CART_ABANDONED").within()).isEqualTo(Duration.ofHours(48));
    assertThat(c.get("EMAIL_RECOVERY").steps().get(1).absentWithin())
        .isEqualTo(Duration.ofHours(2));
    assertThat(c.patterns())
        .extracting(PatternDef::name)
        .doesNotContain("ERROR_THEN_ABANDON")
        .contains("VIP_CALL");
    assertThat(c.get("VIP_CALL").source()).isEqualTo(user.toString());
  }

  @Test
  void shouldNameAnUnknownOverride() {
    CatalogueException e =
        catchThrowableOfType(
            CatalogueException.class,
            () -> PatternCatalogue.load(List.of(), Map.of("cart.abandon-afterr", "2h")));
    assertThat(e).hasMessageStartingWith("--pattern-param: cart.abandon-afterr: unknown parameter");
  }

  @Test
  void shouldNameAMissingFile() {
    Path missing = dir.resolve("nope.yaml");
    assertThat(
            catchThrowableOfType(
                CatalogueException.class, () -> PatternCatalogue.load(List.of(missing), Map.of())))
        .hasMessage(missing + ": no such file");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "not YAML | patterns: [unclosed | my.yaml: not valid YAML",
        "empty file | '' | my.yaml: the file is empty",
        "top-level typo | pattern: [] | my.yaml: pattern: unknown field",
        "patterns not a list | patterns: {a: 1} | my.yaml: patterns: expected a list of patterns",
        "missing name | patterns:\\n  - kind: journey | my.yaml: name: every pattern needs a name",
        "bad name | patterns:\\n  - name: 'two words' | my.yaml: pattern two words: name: use letters",
        "missing kind | patterns:\\n  - name: P1\\n    within: 1h | my.yaml: pattern P1: kind: missing",
        "unknown kind | patterns:\\n  - name: P1\\n    kind: story | my.yaml: pattern P1: kind: unknown value 'story'",
        "friction without severity | patterns:\\n  - name: P1\\n    kind: friction\\n    within: 1h | my.yaml: pattern P1: severity: a friction pattern needs a severity",
        "journey with severity | patterns:\\n  - name: P1\\n    kind: journey\\n    severity: LOW\\n    within: 1h | my.yaml: pattern P1: severity: only friction patterns",
        "missing within | patterns:\\n  - name: P1\\n    kind: journey\\n    steps: [] | my.yaml: pattern P1: within: missing",
        "bad within | patterns:\\n  - name: P1\\n    kind: journey\\n    within: soon | my.yaml: pattern P1: within: 'soon' is not a duration",
        "unknown pattern field | patterns:\\n  - name: P1\\n    kind: journey\\n    within: 1h\\n    windw: 2h | my.yaml: pattern P1: windw: unknown field",
        "duplicate pattern | patterns:\\n  - name: P1\\n    kind: journey\\n    within: 1h\\n    steps: [{name: a, where: {contact: true}}]\\n  - name: P1 | my.yaml: pattern P1: name: defined twice",
        "unknown parameter | patterns:\\n  - name: P1\\n    kind: journey\\n    within: ${nope} | my.yaml: pattern P1: unknown parameter ${nope}"
      })
  void shouldExplainWhatIsWrongWithAPattern(String name, String yaml, String expected) {
    assertThat(fail(yaml.replace("\\n", "\n"))).as(name).hasMessageStartingWith(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "no steps | '    steps: []\\n' | steps: expected a non-empty list",
        "step without where | '    steps:\\n      - name: a\\n' | steps[0]: a step needs 'where'",
        "where and absent | '    steps:\\n      - name: a\\n        where: {event_type: PURCHASE}\\n        absent: {event_type: PURCHASE}\\n' | steps[0]: a step has either",
        "unknown step field | '    steps:\\n      - name: a\\n        wher: {}\\n' | steps[0].wher: unknown field",
        "unknown event type | '    steps:\\n      - name: a\\n        where: {event_type: PURCHSE}\\n' | steps[0].where.event_type: unknown value 'PURCHSE'",
        "unknown channel | '    steps:\\n      - name: a\\n        where: {channel: [WEB, FAX]}\\n' | steps[0].where.channel: unknown value 'FAX'",
        "unknown outcome | '    steps:\\n      - name: a\\n        where: {outcome: SOLVED}\\n' | steps[0].where.outcome: unknown value 'SOLVED'",
        "unknown condition | '    steps:\\n      - name: a\\n        where: {colour: red}\\n' | steps[0].where.colour: unknown field",
        "sentiment out of range | '    steps:\\n      - name: a\\n        where: {sentiment: {max: -2}}\\n' | steps[0].where.sentiment.max: -2.0 is outside [-1, 1]",
        "sentiment min above max | '    steps:\\n      - name: a\\n        where: {sentiment: {min: 0.5, max: 0.1}}\\n' | steps[0].where.sentiment: min 0.5 is greater than max 0.1",
        "contact not boolean | '    steps:\\n      - name: a\\n        where: {contact: maybe}\\n' | steps[0].where.contact: expected true or false",
        "bad times | '    steps:\\n      - name: a\\n        where: {contact: true}\\n        times: 0\\n' | steps[0].times: must be at least 1",
        "times max below min | '    steps:\\n      - name: a\\n        where: {contact: true}\\n        times: {min: 3, max: 2}\\n' | steps[0].times: max 2 is less than min 3",
        "bad contiguity | '    steps:\\n      - name: a\\n        where: {contact: true}\\n      - name: b\\n        where: {contact: true}\\n        contiguity: soon\\n' | steps[1].contiguity: 'soon' is not one of",
        "contiguity on first | '    steps:\\n      - name: a\\n        where: {contact: true}\\n        contiguity: next\\n' | steps[0].contiguity: the first step follows nothing",
        "absence first | '    steps:\\n      - name: a\\n        absent: {event_type: PURCHASE}\\n' | steps[0].absent: a pattern cannot start",
        "two absences | '    steps:\\n      - name: a\\n        where: {contact: true}\\n      - name: b\\n        absent: {event_type: PURCHASE}\\n        within: 1h\\n      - name: c\\n        absent: {event_type: REFUND}\\n' | steps[2].absent: two absence steps in a row",
        "trailing absence window | '    steps:\\n      - name: a\\n        where: {contact: true}\\n      - name: b\\n        absent: {event_type: PURCHASE}\\n        within: 1h\\n' | steps[1].within: a trailing absence step uses the pattern's within",
        "window on positive step | '    steps:\\n      - name: a\\n        where: {contact: true}\\n        within: 1h\\n' | steps[0].within: only absence steps",
        "optional first | '    steps:\\n      - name: a\\n        where: {contact: true}\\n        optional: true\\n      - name: b\\n        where: {contact: true}\\n' | steps[0].optional: the first step cannot be optional",
        "distinct on first | '    steps:\\n      - name: a\\n        where: {contact: true, distinct_channel: true}\\n' | steps[0].where.distinct_channel",
        "duplicate step | '    steps:\\n      - name: a\\n        where: {contact: true}\\n      - name: a\\n        where: {contact: true}\\n' | steps[1].name: 'a' is used by another step",
        "any_of with one | '    steps:\\n      - name: a\\n        where: {any_of: [{contact: true}]}\\n' | steps[0].where.any_of: expected a list of at least two"
      })
  void shouldExplainWhatIsWrongWithAStep(String name, String body, String expected) {
    assertThat(fail(pattern(body.replace("\\n", "\n"))))
        .as(name)
        .hasMessageStartingWith("my.yaml: pattern P1: " + expected);
  }

  @Test
  void shouldAcceptAMinimalPattern() {
    PatternCatalogue c =
        PatternCatalogue.fromYaml("my.yaml", pattern("    steps:\n" + OK_STEP), Map.of());
    assertThat(c.get("P1").steps()).hasSize(1);
  }
}
