package dev.omnichannel.monitor.attribution;

import static dev.omnichannel.monitor.attribution.AttributionModel.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import org.junit.jupiter.api.Test;

class AttributionModelTest {
  @Test
  void parsesTheGroups() {
    assertThat(parseList("all")).isEqualTo(EnumSet.allOf(AttributionModel.class));
    assertThat(parseList("none")).isEmpty();
    assertThat(parseList("rule-based"))
        .containsExactly(
            FIRST_TOUCH,
            LAST_TOUCH,
            LINEAR,
            PARTICIPATION,
            TIME_DECAY,
            POSITION_BASED,
            J_CURVE,
            INVERSE_J);
    assertThat(parseList("data-driven")).containsExactly(MARKOV, SHAPLEY);
    assertThat(parseList("RULE_BASED,Data-Driven"))
        .isEqualTo(EnumSet.allOf(AttributionModel.class));
  }

  @Test
  void parsesListsOfNamesInAnyCaseWithDashesOrUnderscores() {
    assertThat(parseList("first-touch, Markov ,position_based"))
        .containsExactly(FIRST_TOUCH, POSITION_BASED, MARKOV);
    assertThat(parseList("none,j-curve,inverse-j,J_CURVE")).containsExactly(J_CURVE, INVERSE_J);
    assertThat(parseList("shapley,all")).isEqualTo(EnumSet.allOf(AttributionModel.class));
    assertThat(parseList("data-driven,time-decay")).containsExactly(TIME_DECAY, MARKOV, SHAPLEY);
  }

  @Test
  void namesTheBadEntry() {
    assertThatThrownBy(() -> parseList("linear, markof ,shapley"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'markof'")
        .hasMessageContaining("'linear, markof ,shapley'");
    assertThatThrownBy(() -> parseList("first touch"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'first touch'");
    assertThatThrownBy(() -> parseList("linear,,markov"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("''");
  }

  @Test
  void tellsRuleBasedFromDataDriven() {
    for (AttributionModel m : values()) {
      assertThat(m.dataDriven()).as("%s", m).isEqualTo(m == MARKOV || m == SHAPLEY);
      assertThat(m.ruleBased() == null).as("%s", m).isEqualTo(m.dataDriven());
      if (m.ruleBased() != null) {
        assertThat(m.ruleBased().name()).isEqualTo(m.name());
      }
    }
  }
}
