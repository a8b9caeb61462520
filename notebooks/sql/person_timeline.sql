-- Question: what did one person do, in time order, and how was it cut into journeys?
-- Tables: events, journeys, friction, journey_matches.
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run; ${PERSON_ID} = the
--   person_id to show (e.g. p-0123456789abcdef, taken from any table). Both are replaced by the
--   runner before the query is executed.
-- How to read it: one row per event (kind = 'event': channel, event_type and details), per journey
--   (kind = 'journey', at its start_time: status, channel_path, event_count), per friction
--   (kind = 'friction', at detected_at) and per matched journey pattern (kind = 'pattern', at its
--   last event), ordered by time; journeys come before their first event. Look for where a
--   journey closes (a PURCHASE ends it CONVERTED) and which events the friction rows point at.
WITH timeline AS (
  SELECT
    event_time AS time, 1 AS kind_order, 'event' AS kind, journey_id, channel,
    event_type AS what,
    concat_ws(' ', 'id=' || event_id, 'topic=' || topic, 'outcome=' || outcome,
      'value=' || CAST(value AS VARCHAR), 'sentiment=' || CAST(sentiment AS VARCHAR)) AS detail,
    event_id AS tiebreak
  FROM read_parquet('${OUTPUT}/events/**/*.parquet')
  WHERE person_id = '${PERSON_ID}'
  UNION ALL
  SELECT
    start_time, 0, 'journey', journey_id, split_part(channel_path, ' > ', 1), status,
    concat_ws(' ', 'path=' || channel_path, 'events=' || CAST(event_count AS VARCHAR),
      'end=' || CAST(end_time AS VARCHAR), 'value=' || CAST(conversion_value AS VARCHAR)),
    journey_id
  FROM read_parquet('${OUTPUT}/journeys/**/*.parquet')
  WHERE person_id = '${PERSON_ID}'
  UNION ALL
  SELECT
    detected_at, 2, 'friction', journey_id, array_to_string(channels, ','), friction_type,
    'severity=' || severity || ' evidence=' || array_to_string(evidence_event_ids, ','),
    friction_type
  FROM read_parquet('${OUTPUT}/friction/**/*.parquet')
  WHERE person_id = '${PERSON_ID}'
  UNION ALL
  SELECT
    last_event_time, 3, 'pattern', journey_id, array_to_string(channels, ','), pattern,
    'events=' || array_to_string(event_ids, ','),
    pattern
  FROM read_parquet('${OUTPUT}/journey_matches/**/*.parquet')
  WHERE person_id = '${PERSON_ID}'
)
SELECT time, kind, journey_id, channel, what, detail
FROM timeline
ORDER BY time, kind_order, tiebreak;
