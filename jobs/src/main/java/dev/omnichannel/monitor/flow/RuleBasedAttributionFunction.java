package dev.omnichannel.monitor.flow;

import dev.omnichannel.monitor.attribution.AttributionModel;
import dev.omnichannel.monitor.attribution.AttributionSettings;
import dev.omnichannel.monitor.avro.AttributionRow;
import java.time.Instant;
import java.util.Map;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Rule-based credit per conversion. In: CONVERTED journey paths. Out: one {@link AttributionRow}
 * per enabled rule-based model and credited channel. Stateless.
 */
public class RuleBasedAttributionFunction implements FlatMapFunction<JourneyPath, AttributionRow> {
  private final AttributionSettings settings;

  public RuleBasedAttributionFunction(AttributionSettings settings) {
    this.settings = settings;
  }

  @Override
  public void flatMap(JourneyPath p, Collector<AttributionRow> out) {
    rows(p, settings, out::collect);
  }

  /** The rule-based rows of {@code p} (none unless it converted), one per model and channel. */
  public static void rows(
      JourneyPath p,
      AttributionSettings settings,
      java.util.function.Consumer<AttributionRow> out) {
    if (!p.converted) {
      return;
    }
    for (AttributionModel m : settings.ruleBased()) {
      Map<String, Double> credits =
          m.ruleBased().credit(p.touchList(), p.endTime, settings.halfLife());
      for (Map.Entry<String, Double> c : credits.entrySet()) {
        out.accept(row(p, m.name(), c.getKey(), c.getValue()));
      }
    }
  }

  /** The attribution row crediting {@code channel} with {@code credit} of {@code p}. */
  static AttributionRow row(JourneyPath p, String model, String channel, double credit) {
    return row(p, model, channel, credit, credit);
  }

  /** A row whose credited value is {@code valueShare} of the conversion's value. */
  static AttributionRow row(
      JourneyPath p, String model, String channel, double credit, double valueShare) {
    return AttributionRow.newBuilder()
        .setConversionEventId(p.conversionEventId)
        .setJourneyId(p.journeyId)
        .setPersonId(p.personId)
        .setConversionTime(Instant.ofEpochMilli(p.endTime))
        .setModel(model)
        .setChannel(channel)
        .setCredit(credit)
        .setCreditedValue(p.value == null ? null : valueShare * p.value)
        .build();
  }
}
