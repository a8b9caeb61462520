package dev.omnichannel.monitor.attribution;

import java.util.List;
import java.util.Objects;

/**
 * One aggregated customer path and its counts, the input of the data-driven attribution models.
 *
 * @param path the channels of the path's touches, in time order (repeats allowed; the models
 *     collapse or deduplicate them as they need)
 * @param conversions how many journeys with this path converted
 * @param value the total conversion value of those journeys
 * @param nulls how many journeys with this path did not convert
 */
public record PathStat(List<String> path, double conversions, double value, double nulls) {
  /** Copies the path; rejects non-finite counts and negative conversions or nulls. */
  public PathStat {
    path = List.copyOf(Objects.requireNonNull(path, "path"));
    if (!Double.isFinite(conversions) || !Double.isFinite(value) || !Double.isFinite(nulls)) {
      throw new IllegalArgumentException("counts must be finite: " + path);
    }
    if (conversions < 0 || nulls < 0) {
      throw new IllegalArgumentException("counts must be non-negative: " + path);
    }
  }
}
