-- Question: which entry channel brings journeys that convert? Conversion rate by the channel of
--   each journey's first touch.
-- Tables: journeys.
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: one row per first channel. journeys = all journeys (any status) that started on
--   that channel; converted = those that closed CONVERTED (ended in a PURCHASE); conversion_rate =
--   converted / journeys. OPEN journeys count in the denominator: on recent data they have not had
--   the chance to convert yet, so compare channels, not absolute rates.
SELECT
  split_part(channel_path, ' > ', 1) AS first_channel,
  count(*) AS journeys,
  count(*) FILTER (WHERE converted) AS converted,
  round(count(*) FILTER (WHERE converted) / count(*), 4) AS conversion_rate,
  round(sum(conversion_value), 2) AS conversion_value
FROM read_parquet('${OUTPUT}/journeys/**/*.parquet')
GROUP BY first_channel
ORDER BY journeys DESC, first_channel;
