-- Question: how far do journeys get through the purchase funnel PRODUCT_VIEW -> ADD_TO_CART ->
--   CHECKOUT_START -> PURCHASE, by the journey's entry channel?
-- Tables: events (event_type, event_time, journey_id, person_id), journeys (channel_path).
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: one row per entry channel (the first touch of the journey) and step, plus rows
--   with channel = '(all)' for every journey. A journey reaches step k when it has events of steps
--   1..k in that order (event_time, ties by event_id); other events may come in between and the
--   steps may happen on any channel. journeys / persons = how many journeys / distinct persons
--   reached the step; step_rate = journeys / journeys at step 1 of the same channel;
--   from_previous = journeys / journeys at the previous step. A big drop between two steps is where
--   the funnel leaks.
WITH ev AS (
  SELECT
    journey_id,
    person_id,
    event_type,
    row_number() OVER (PARTITION BY journey_id ORDER BY event_time, event_id) AS seq
  FROM read_parquet('${OUTPUT}/events/**/*.parquet')
  WHERE journey_id IS NOT NULL
),
s1 AS (
  SELECT journey_id, any_value(person_id) AS person_id, min(seq) AS seq
  FROM ev WHERE event_type = 'PRODUCT_VIEW' GROUP BY journey_id
),
s2 AS (
  SELECT s1.journey_id, min(ev.seq) AS seq
  FROM s1 JOIN ev ON ev.journey_id = s1.journey_id AND ev.event_type = 'ADD_TO_CART' AND ev.seq > s1.seq
  GROUP BY s1.journey_id
),
s3 AS (
  SELECT s2.journey_id, min(ev.seq) AS seq
  FROM s2 JOIN ev ON ev.journey_id = s2.journey_id AND ev.event_type = 'CHECKOUT_START' AND ev.seq > s2.seq
  GROUP BY s2.journey_id
),
s4 AS (
  SELECT s3.journey_id, min(ev.seq) AS seq
  FROM s3 JOIN ev ON ev.journey_id = s3.journey_id AND ev.event_type = 'PURCHASE' AND ev.seq > s3.seq
  GROUP BY s3.journey_id
),
reached AS (
  SELECT 1 AS step, 'PRODUCT_VIEW' AS event_type, journey_id FROM s1
  UNION ALL SELECT 2, 'ADD_TO_CART', journey_id FROM s2
  UNION ALL SELECT 3, 'CHECKOUT_START', journey_id FROM s3
  UNION ALL SELECT 4, 'PURCHASE', journey_id FROM s4
),
counted AS (
  SELECT
    coalesce(split_part(j.channel_path, ' > ', 1), '(all)') AS channel,
    r.step,
    r.event_type,
    count(*) AS journeys,
    count(DISTINCT s1.person_id) AS persons
  FROM reached r
  JOIN s1 USING (journey_id)
  JOIN read_parquet('${OUTPUT}/journeys/**/*.parquet') j USING (journey_id)
  GROUP BY GROUPING SETS ((split_part(j.channel_path, ' > ', 1), r.step, r.event_type), (r.step, r.event_type))
)
SELECT
  channel,
  step,
  event_type,
  journeys,
  persons,
  round(journeys / first_value(journeys) OVER (PARTITION BY channel ORDER BY step), 4) AS step_rate,
  round(journeys / lag(journeys) OVER (PARTITION BY channel ORDER BY step), 4) AS from_previous
FROM counted
ORDER BY channel = '(all)' DESC, channel, step;
