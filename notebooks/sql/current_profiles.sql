-- Question: what is each person's current profile (the single customer view), most valuable first?
-- Tables: persons (one row per profile update), identity_merges (accepted merges, stream mode).
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: one row per person: its latest persons row (the latest last_seen, then the
--   latest updated_at). A backfill writes one row per person, so this is every row; a stream
--   writes a row whenever a profile changes, and a replayed day's rows replace the stream's for
--   that day. Ids that a stream merged into another person afterwards are left out (their rows
--   stay under the old id until a backfill re-stitches them). lifetime_value is the total value
--   of the person's conversions (journeys_converted); open_friction_7d counts friction in the 7
--   days up to last_seen since the last purchase; identity_count counts identities, never values.
--   Reading identity_merges needs the table to exist: any run with a rejected link or a merge.
SELECT person_id, canonical_namespace, identity_count, first_seen, last_seen, events,
  preferred_channel, channels, journeys, journeys_converted, journeys_open, last_journey_status,
  round(lifetime_value, 2) AS lifetime_value, friction_count, open_friction_7d,
  round(sentiment_mean, 3) AS sentiment_mean, sentiment_latest, rejected_links, updated_at
FROM read_parquet('${OUTPUT}/persons/**/*.parquet')
WHERE person_id NOT IN (
  SELECT old_person_id FROM read_parquet('${OUTPUT}/identity_merges/**/*.parquet') WHERE accepted
)
QUALIFY row_number() OVER (PARTITION BY person_id ORDER BY last_seen DESC, updated_at DESC) = 1
ORDER BY lifetime_value DESC, person_id;
