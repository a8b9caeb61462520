-- Question: how much credit does each channel get under each attribution model, side by side?
-- Tables: attribution (per conversion, every model), attribution_channel (MARKOV and SHAPLEY per
--   window).
-- Placeholders: ${OUTPUT} = the output directory of a backfill or stream run (replaced by the
--   runner before the query is executed, e.g. ../output).
-- How to read it: one row per channel; each model column = conversions credited to the channel
--   (sum of credit). Every model except participation sums over channels to the number of
--   conversions; participation = conversions the channel took part in. markov_window and
--   shapley_window are the data-driven figures over whole windows (attributed_conversions summed
--   over windows; MARKOV can credit channels seen only on non-converting paths), and
--   markov_removal_effect is the mean removal effect over windows. credited_value = the LINEAR
--   value. Compare first_touch (openers) with last_touch (closers); a channel strong in
--   participation but weak in last_touch assists rather than closes.
WITH a AS (
  SELECT
    channel,
    sum(credit) FILTER (WHERE model = 'FIRST_TOUCH') AS first_touch,
    sum(credit) FILTER (WHERE model = 'LAST_TOUCH') AS last_touch,
    sum(credit) FILTER (WHERE model = 'LINEAR') AS linear,
    sum(credit) FILTER (WHERE model = 'TIME_DECAY') AS time_decay,
    sum(credit) FILTER (WHERE model = 'POSITION_BASED') AS position_based,
    sum(credit) FILTER (WHERE model = 'J_CURVE') AS j_curve,
    sum(credit) FILTER (WHERE model = 'INVERSE_J') AS inverse_j,
    sum(credit) FILTER (WHERE model = 'MARKOV') AS markov,
    sum(credit) FILTER (WHERE model = 'SHAPLEY') AS shapley,
    sum(credit) FILTER (WHERE model = 'PARTICIPATION') AS participation,
    sum(credited_value) FILTER (WHERE model = 'LINEAR') AS credited_value
  FROM read_parquet('${OUTPUT}/attribution/**/*.parquet')
  GROUP BY channel
),
w AS (
  SELECT
    channel,
    sum(attributed_conversions) FILTER (WHERE model = 'MARKOV') AS markov_window,
    sum(attributed_conversions) FILTER (WHERE model = 'SHAPLEY') AS shapley_window,
    avg(removal_effect) FILTER (WHERE model = 'MARKOV') AS markov_removal_effect
  FROM read_parquet('${OUTPUT}/attribution_channel/**/*.parquet')
  GROUP BY channel
)
SELECT
  channel,
  round(coalesce(first_touch, 0), 4) AS first_touch,
  round(coalesce(last_touch, 0), 4) AS last_touch,
  round(coalesce(linear, 0), 4) AS linear,
  round(coalesce(time_decay, 0), 4) AS time_decay,
  round(coalesce(position_based, 0), 4) AS position_based,
  round(coalesce(j_curve, 0), 4) AS j_curve,
  round(coalesce(inverse_j, 0), 4) AS inverse_j,
  round(coalesce(markov, 0), 4) AS markov,
  round(coalesce(shapley, 0), 4) AS shapley,
  round(coalesce(participation, 0), 4) AS participation,
  round(coalesce(markov_window, 0), 4) AS markov_window,
  round(coalesce(shapley_window, 0), 4) AS shapley_window,
  round(markov_removal_effect, 4) AS markov_removal_effect,
  round(coalesce(credited_value, 0), 2) AS credited_value
FROM a
FULL JOIN w USING (channel)
ORDER BY linear DESC, channel;
