package dev.omnichannel.monitor.attribution;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** Every attribution model the product offers, by the name written in the {@code model} column. */
public enum AttributionModel {
  FIRST_TOUCH,
  LAST_TOUCH,
  LINEAR,
  PARTICIPATION,
  TIME_DECAY,
  POSITION_BASED,
  J_CURVE,
  INVERSE_J,
  MARKOV,
  SHAPLEY;

  /** The rule-based implementation, or null for the data-driven models. */
  public RuleBasedModel ruleBased() {
    return dataDriven() ? null : RuleBasedModel.valueOf(name());
  }

  /** True for MARKOV and SHAPLEY, which are computed over a window's paths. */
  public boolean dataDriven() {
    return this == MARKOV || this == SHAPLEY;
  }

  /**
   * Parses a model list: comma-separated model names (any case, {@code -} or {@code _}), or the
   * groups {@code all}, {@code none}, {@code rule-based} and {@code data-driven}.
   *
   * @throws IllegalArgumentException naming the unknown entry
   */
  public static EnumSet<AttributionModel> parseList(String spec) {
    EnumSet<AttributionModel> out = EnumSet.noneOf(AttributionModel.class);
    for (String raw : spec.split(",")) {
      String name = raw.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      switch (name) {
        case "ALL" -> out.addAll(EnumSet.allOf(AttributionModel.class));
        case "NONE" -> {}
        case "RULE_BASED" -> out.addAll(ruleBasedModels());
        case "DATA_DRIVEN" -> out.addAll(EnumSet.of(MARKOV, SHAPLEY));
        default -> {
          try {
            out.add(valueOf(name));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "unknown attribution model '"
                    + raw.trim()
                    + "' in '"
                    + spec
                    + "'; use all, none, rule-based, data-driven or any of "
                    + java.util.Arrays.toString(values()));
          }
        }
      }
    }
    return out;
  }

  /** The eight rule-based models. */
  public static Set<AttributionModel> ruleBasedModels() {
    return EnumSet.range(FIRST_TOUCH, INVERSE_J);
  }
}
