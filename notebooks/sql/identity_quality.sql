-- Question: how well are identities stitched into persons, and which links were refused?
-- Tables: events (person_id, identities), identity_merges (accepted, reason).
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: two sections. section = 'identities_per_person': label = the number of distinct
--   identities (namespace + value, emails and phones pseudonymised) seen on a person's events,
--   count = persons with that many; a long tail of very large persons hints at over-merging, a
--   peak at 1 at anonymous visitors never linked. section = 'rejected_merges': label = the reason
--   code (e.g. namespace_limit:customer_id, the shared-device guard, or never_link, a correction
--   from the identity-rules file), count = rejected links,
--   persons = distinct persons whose events carried them. section = 'accepted_merges': the links
--   that merged two persons (label linked; a person of n identities took n - 1 of them; see
--   explain for one person's).
WITH ids AS (
  SELECT person_id, count(DISTINCT (i.namespace, i.value)) AS identities
  FROM (
    SELECT person_id, unnest(identities) AS i
    FROM read_parquet('${OUTPUT}/events/**/*.parquet')
  )
  GROUP BY person_id
),
merges AS (
  SELECT accepted, split_part(reason, ' ', 1) AS code, old_person_id
  FROM read_parquet('${OUTPUT}/identity_merges/**/*.parquet')
)
SELECT section, label, count, persons
FROM (
  SELECT 1 AS section_order, 'identities_per_person' AS section, identities AS sort_key,
    CAST(identities AS VARCHAR) AS label, count(*) AS count, count(*) AS persons
  FROM ids
  GROUP BY identities
  UNION ALL
  SELECT 2, CASE WHEN accepted THEN 'accepted_merges' ELSE 'rejected_merges' END, 0, code,
    count(*), count(DISTINCT old_person_id)
  FROM merges
  GROUP BY accepted, code
)
ORDER BY section_order, sort_key, label;
