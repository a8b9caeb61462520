package dev.omnichannel.monitor.attribution;

import java.io.Serializable;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;

/**
 * Which attribution models run, and their parameters.
 *
 * @param models the models to compute (possibly none)
 * @param markovOrder the MARKOV chain order, 1..{@value MarkovModel#MAX_ORDER}
 * @param halfLife the TIME_DECAY half-life, positive
 */
public record AttributionSettings(Set<AttributionModel> models, int markovOrder, Duration halfLife)
    implements Serializable {
  /** The DESIGN.md defaults: every model, Markov order 1, a 7-day half-life. */
  public static final AttributionSettings DEFAULTS =
      new AttributionSettings(EnumSet.allOf(AttributionModel.class), 1, Duration.ofDays(7));

  /** Validates; an {@link IllegalArgumentException} names the bad value. */
  public AttributionSettings {
    models = models.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(models));
    if (markovOrder < 1 || markovOrder > MarkovModel.MAX_ORDER) {
      throw new IllegalArgumentException(
          "the Markov order must be 1.." + MarkovModel.MAX_ORDER + ", got " + markovOrder);
    }
    if (halfLife == null || halfLife.isNegative() || halfLife.isZero()) {
      throw new IllegalArgumentException(
          "the time-decay half-life must be positive, got " + halfLife);
    }
  }

  /** The enabled models, in declaration order. */
  public EnumSet<AttributionModel> enabled() {
    return models.isEmpty() ? EnumSet.noneOf(AttributionModel.class) : EnumSet.copyOf(models);
  }

  /** The enabled rule-based models, in declaration order. */
  public EnumSet<AttributionModel> ruleBased() {
    EnumSet<AttributionModel> out = enabled();
    out.retainAll(AttributionModel.ruleBasedModels());
    return out;
  }

  /** True when MARKOV or SHAPLEY is enabled. */
  public boolean anyDataDriven() {
    return models.contains(AttributionModel.MARKOV) || models.contains(AttributionModel.SHAPLEY);
  }
}
