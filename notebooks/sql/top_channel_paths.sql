-- Question: which channel paths (touch sequences) are most common, and how well does each convert?
-- Tables: journeys.
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: one row per channel_path (the journey's touch channels joined by ' > '; a
--   channel appears again when the customer came back after the 30-minute visit timeout), the 25
--   most frequent first. journeys = journeys with exactly that path; converted and
--   conversion_rate as in conversion_by_first_channel.sql; share = journeys / all journeys.
SELECT
  channel_path,
  count(*) AS journeys,
  count(*) FILTER (WHERE converted) AS converted,
  round(count(*) FILTER (WHERE converted) / count(*), 4) AS conversion_rate,
  round(count(*) / sum(count(*)) OVER (), 4) AS share
FROM read_parquet('${OUTPUT}/journeys/**/*.parquet')
GROUP BY channel_path
ORDER BY journeys DESC, channel_path
LIMIT 25;
