-- Typed evaluation (strategy part). See docs/internals.md "Database".
--
-- 1. Every categorical verdict gets a code column beside its text column: the code is the name of the
--    verdict's enum constant (io.fingerpost.strategy.Verdicts), what alerts, metrics and the API read; the
--    text column keeps the label people read (and the dashboards show). Rows written before this migration
--    get their code from their text, matched exactly (case and surrounding blanks aside) against the labels
--    the evaluator has always written; a text that is none of them leaves the code NULL (= not computed).
ALTER TABLE evaluation
  ADD COLUMN compared_to_england_code text,
  ADD COLUMN compared_to_region_code  text,
  ADD COLUMN recent_trend_code        text,
  ADD COLUMN spc_point_type_code      text,
  ADD COLUMN spc_assurance_code       text;

CREATE FUNCTION pg_temp.comparison_code(label text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE lower(trim(label))
    WHEN 'best' THEN 'BEST' WHEN 'better' THEN 'BETTER' WHEN 'similar' THEN 'SIMILAR'
    WHEN 'higher' THEN 'HIGHER' WHEN 'lower' THEN 'LOWER' WHEN 'worse' THEN 'WORSE' WHEN 'worst' THEN 'WORST'
    WHEN 'not compared' THEN 'NOT_COMPARED' END
$$;

UPDATE evaluation SET
  compared_to_england_code = pg_temp.comparison_code(compared_to_england),
  compared_to_region_code = pg_temp.comparison_code(compared_to_region),
  recent_trend_code = CASE lower(trim(recent_trend))
    WHEN 'increasing and getting better' THEN 'INCREASING_GETTING_BETTER'
    WHEN 'increasing and getting worse' THEN 'INCREASING_GETTING_WORSE'
    WHEN 'increasing' THEN 'INCREASING'
    WHEN 'decreasing and getting better' THEN 'DECREASING_GETTING_BETTER'
    WHEN 'decreasing and getting worse' THEN 'DECREASING_GETTING_WORSE'
    WHEN 'decreasing' THEN 'DECREASING'
    WHEN 'no significant change' THEN 'NO_SIGNIFICANT_CHANGE'
    WHEN 'cannot be calculated' THEN 'CANNOT_BE_CALCULATED' END,
  spc_point_type_code = CASE WHEN lower(trim(spc_point_type)) IN ('special_cause_improvement',
      'special_cause_concern', 'special_cause_neutral_high', 'special_cause_neutral_low', 'common_cause')
    THEN upper(trim(spc_point_type)) END,
  spc_assurance_code = CASE WHEN lower(trim(spc_assurance)) IN ('consistent_pass', 'consistent_fail', 'inconsistent')
    THEN upper(trim(spc_assurance)) END;

-- 2. The one definition of a target's current evaluation, read by the API (/api/targets), the metrics
--    (fingerpost_target_*) and the Grafana panels, so they cannot disagree: the target's newest evaluation
--    row (the evaluator's latest conclusion, on the data and the definition it has now; a NOT_ENOUGH_DATA row
--    after a rated one is the current state), with the period and status of the newest row at the latest
--    earlier period (for a current row without a period: at the latest period of any row).
--    A view lists the columns evaluation had when it was made: a migration that adds a column recreates it.
CREATE INDEX evaluation_target_period ON evaluation (target_id, period_t DESC, id DESC);

CREATE VIEW current_evaluation AS
SELECT c.*, prev.period AS previous_period, prev.status AS previous_status
FROM (SELECT DISTINCT ON (target_id) * FROM evaluation ORDER BY target_id, id DESC) c
LEFT JOIN LATERAL (
  SELECT p.period, p.status
  FROM evaluation p
  WHERE p.target_id = c.target_id AND p.period_t IS NOT NULL AND (c.period_t IS NULL OR p.period_t < c.period_t)
  ORDER BY p.period_t DESC, p.id DESC
  LIMIT 1
) prev ON true;
