-- Question: when customers switch channel within a journey, from where to where?
-- Tables: journeys.
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: one row per (from_channel, to_channel) pair of consecutive touches in a
--   journey's channel_path where the channel changes (a return to the same channel is not a
--   hand-off). handoffs = how often that switch happened over all journeys; journeys = how many
--   journeys contain it at least once; converted_journeys = how many of those converted. The sum of
--   handoffs equals sum(journeys.handoffs).
WITH touches AS (
  SELECT journey_id, converted, string_split(channel_path, ' > ') AS path
  FROM read_parquet('${OUTPUT}/journeys/**/*.parquet')
),
pairs AS (
  SELECT journey_id, converted, path[i] AS from_channel, path[i + 1] AS to_channel
  FROM touches, range(1, len(path)) AS r(i)
)
SELECT
  from_channel,
  to_channel,
  count(*) AS handoffs,
  count(DISTINCT journey_id) AS journeys,
  count(DISTINCT journey_id) FILTER (WHERE converted) AS converted_journeys
FROM pairs
WHERE from_channel <> to_channel
GROUP BY from_channel, to_channel
ORDER BY handoffs DESC, from_channel, to_channel;
