-- Question: do journeys that use more channels convert more often?
-- Tables: journeys.
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: one row per number of distinct channels in a journey (len(channels)).
--   journeys = journeys with that many channels; converted = those that closed CONVERTED;
--   conversion_rate = converted / journeys; avg_touches = mean touch_count. A rate rising with the
--   channel count says multi-channel journeys convert better (or simply that longer journeys have
--   more time to convert: check avg_touches).
SELECT
  len(channels) AS channel_count,
  count(*) AS journeys,
  count(*) FILTER (WHERE converted) AS converted,
  round(count(*) FILTER (WHERE converted) / count(*), 4) AS conversion_rate,
  round(avg(touch_count), 2) AS avg_touches
FROM read_parquet('${OUTPUT}/journeys/**/*.parquet')
GROUP BY channel_count
ORDER BY channel_count;
