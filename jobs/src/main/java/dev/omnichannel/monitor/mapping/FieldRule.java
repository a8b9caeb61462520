package dev.omnichannel.monitor.mapping;

import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * How one event field (or one identity, or one attribute) gets its value from a row: exactly one
 * source ({@link #column}, {@link #columns} joined by {@link #separator}, or {@link #constant}),
 * then optionally a value map, a time format and zone, or a linear scaling.
 *
 * @param column the one column read, or null
 * @param columns the columns joined with {@link #separator} (an event id built from several
 *     columns), or null
 * @param separator what joins {@link #columns}
 * @param constant the value of every row, or null
 * @param values source value to field value (e.g. a wrap-up code to an outcome), or null; a value
 *     not in the map is {@link #otherwise}, or a mapping problem of the row when that is null
 * @param otherwise the value of a source value not in {@link #values}, or null
 * @param format for event_time: {@code iso}, {@code epoch_millis}, {@code epoch_seconds} or a
 *     {@link java.time.format.DateTimeFormatter} pattern; null for other fields
 * @param timeZone the zone of local times (a pattern without an offset), e.g. Europe/London
 * @param scale multiplies a number (value, sentiment); null for none
 * @param offset added to a number after {@link #scale}; null for none
 */
public record FieldRule(
    String column,
    List<String> columns,
    String separator,
    String constant,
    Map<String, String> values,
    String otherwise,
    String format,
    String timeZone,
    Double scale,
    Double offset)
    implements Serializable {

  /** The columns this rule reads, in order. */
  public List<String> sourceColumns() {
    if (column != null) {
      return List.of(column);
    }
    return columns == null ? List.of() : columns;
  }
}
