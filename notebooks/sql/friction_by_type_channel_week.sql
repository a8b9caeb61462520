-- Question: where and when does friction happen? Friction by type, channel and ISO week.
-- Tables: friction.
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: week = the Monday (UTC) of the week of detected_at (the last evidence event).
--   Rows with channel = '(all)' count each friction once (frictions; persons = distinct persons
--   affected); the other rows count a friction once for every channel in its evidence (a
--   CHANNEL_HOP over CHAT, VOICE and EMAIL appears under all three), so per-channel rows do not add
--   up to the '(all)' row. severity is the catalogue's LOW / MEDIUM / HIGH for the type.
WITH f AS (
  SELECT
    row_number() OVER () AS friction_row,
    friction_type,
    severity,
    person_id,
    CAST(date_trunc('week', timezone('UTC', detected_at)) AS DATE) AS week,
    channels
  FROM read_parquet('${OUTPUT}/friction/**/*.parquet')
),
by_channel AS (
  SELECT friction_row, friction_type, severity, person_id, week, unnest(channels) AS channel FROM f
)
SELECT
  week,
  friction_type,
  any_value(severity) AS severity,
  coalesce(channel, '(all)') AS channel,
  count(DISTINCT friction_row) AS frictions,
  count(DISTINCT person_id) AS persons
FROM by_channel
GROUP BY GROUPING SETS ((week, friction_type, channel), (week, friction_type))
ORDER BY week, friction_type, channel = '(all)' DESC, frictions DESC, channel;
