package dev.omnichannel.monitor.generate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.omnichannel.monitor.generate.GeneratorConfig.Format;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Defaults and validation of {@link GeneratorConfig}. */
class GeneratorConfigTest {

  @Test
  void shouldHaveTheDocumentedDefaults() {
    GeneratorConfig d = GeneratorConfig.defaults();
    assertThat(d)
        .isEqualTo(
            new GeneratorConfig(
                1000, 60, 42L, LocalDate.of(2026, 1, 1), Format.JSONL, false, 0.0, true, 0L));
    assertThat(Format.JSONL.extension(true)).isEqualTo("jsonl.gz");
    assertThat(Format.AVRO.extension(false)).isEqualTo("avro");
  }

  @Test
  void shouldNameTheFieldAndValueOfInvalidSettings() {
    GeneratorConfig d = GeneratorConfig.defaults();
    assertThatThrownBy(() -> d.withCustomers(0))
        .hasMessage("customers must be between 1 and 10000000, got 0");
    assertThatThrownBy(() -> d.withDays(3651))
        .hasMessage("days must be between 1 and 3650, got 3651");
    assertThatThrownBy(() -> d.withBadRatio(0.9))
        .hasMessage("badRatio must be between 0 and 0.5, got 0.9");
    assertThatThrownBy(() -> d.withBadRatio(Double.NaN))
        .hasMessage("badRatio must be between 0 and 0.5, got NaN");
    assertThatThrownBy(() -> d.withFormat(Format.AVRO, true))
        .hasMessage("gzip applies to jsonl only, got format AVRO");
    assertThatThrownBy(() -> d.withStart(LocalDate.of(1999, 12, 31)))
        .hasMessageContaining("start 1999-12-31");
    assertThatThrownBy(() -> d.withTargetEvents(-1))
        .hasMessage("targetEvents must be between 0 and 1000000000, got -1");
    assertThatThrownBy(() -> d.withTargetEvents(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldGiveEveryPersonaItsShareAndSaneRates() {
    double shares = 0;
    for (Persona p : Persona.values()) {
      shares += p.share;
      double rates = 0;
      for (EpisodeKind k : EpisodeKind.values()) {
        rates += p.rate(k, false);
      }
      assertThat(rates).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }
    assertThat(shares).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(Persona.BROWSER.rate(EpisodeKind.CART_ABANDONED, true))
        .isCloseTo(0.06, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(Persona.SERVICE_HEAVY.rate(EpisodeKind.REPEAT_CONTACT, false))
        .isCloseTo(0.10, org.assertj.core.data.Offset.offset(1e-9));
  }
}
