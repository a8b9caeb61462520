-- Question: how long do converting journeys take, from first event to purchase?
-- Tables: journeys (start_time, end_time, status).
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: one row per duration bucket of CONVERTED journeys (end_time - start_time; the
--   end is the PURCHASE). journeys = converted journeys in the bucket, share and cumulative_share
--   of all converted journeys. The percentile columns (p25, p50, p75, p90 and max, in hours) are
--   over all converted journeys and repeat on every row. A long tail past 7 days suggests
--   considered purchases; compare it with attribution.half-life (default 7 days).
WITH d AS (
  SELECT (epoch_ms(end_time) - epoch_ms(start_time)) / 3600000.0 AS hours
  FROM read_parquet('${OUTPUT}/journeys/**/*.parquet')
  WHERE status = 'CONVERTED'
),
b AS (
  SELECT
    CASE
      WHEN hours < 1 THEN 1 WHEN hours < 24 THEN 2 WHEN hours < 72 THEN 3
      WHEN hours < 168 THEN 4 WHEN hours < 336 THEN 5 WHEN hours < 720 THEN 6 ELSE 7
    END AS bucket_order,
    hours
  FROM d
),
p AS (
  SELECT
    quantile_cont(hours, 0.25) AS p25_hours,
    quantile_cont(hours, 0.5) AS p50_hours,
    quantile_cont(hours, 0.75) AS p75_hours,
    quantile_cont(hours, 0.9) AS p90_hours,
    max(hours) AS max_hours
  FROM d
)
SELECT
  bucket_order,
  ['< 1 h', '1 h - 1 d', '1 - 3 d', '3 - 7 d', '7 - 14 d', '14 - 30 d', '>= 30 d'][bucket_order]
    AS duration,
  count(*) AS journeys,
  round(count(*) / sum(count(*)) OVER (), 4) AS share,
  round(sum(count(*)) OVER (ORDER BY bucket_order) / sum(count(*)) OVER (), 4) AS cumulative_share,
  round(any_value(p.p25_hours), 2) AS p25_hours,
  round(any_value(p.p50_hours), 2) AS p50_hours,
  round(any_value(p.p75_hours), 2) AS p75_hours,
  round(any_value(p.p90_hours), 2) AS p90_hours,
  round(any_value(p.max_hours), 2) AS max_hours
FROM b, p
GROUP BY bucket_order
ORDER BY bucket_order;
