-- Question: do journeys with friction convert less often than journeys without?
-- Tables: journeys (friction_count, converted, status).
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: two rows, with_friction = false (friction_count = 0) and true (at least one
--   friction ended in the journey). journeys, converted and converted_share = converted /
--   journeys; closed_converted_share leaves OPEN journeys out (they may still convert);
--   avg_frictions = mean friction_count. Friction is attributed to the journey of its last
--   evidence event, so POST_PURCHASE_CONTACT lands in the journey after the purchase.
SELECT
  friction_count > 0 AS with_friction,
  count(*) AS journeys,
  count(*) FILTER (WHERE converted) AS converted,
  round(count(*) FILTER (WHERE converted) / count(*), 4) AS converted_share,
  round(
    count(*) FILTER (WHERE converted) / nullif(count(*) FILTER (WHERE status <> 'OPEN'), 0), 4
  ) AS closed_converted_share,
  round(avg(friction_count), 3) AS avg_frictions
FROM read_parquet('${OUTPUT}/journeys/**/*.parquet')
GROUP BY with_friction
ORDER BY with_friction;
