package io.fingerpost.alert;

import io.fingerpost.TestDatabase;

/**
 * The {@code target} and {@code evaluation} tables as docs/internals.md describes them, created only where
 * the targets part's migration has not (yet) made them, so alert tests run on either.
 */
final class EvaluationTables {
  private EvaluationTables() {}

  static void ensure(TestDatabase.Db db) {
    db.execute("""
        CREATE TABLE IF NOT EXISTS target (id text PRIMARY KEY, name text, indicator_id text, area_code text,
          sex text, age text, category_type text, category text, strategy_group text, horizon_years int, team text,
          direction text, baseline_period text, baseline_value float8, target_period text, target_value float8,
          definition jsonb, source text, file text, warning text)
        """);
    db.execute("""
        CREATE TABLE IF NOT EXISTS evaluation (id bigserial PRIMARY KEY, target_id text, series_id bigint,
          period text, period_t float8, observation_revision int, evaluated_at timestamptz, initial_load bool,
          status text, not_significant bool, value float8, lower_ci95 float8, upper_ci95 float8, expected float8,
          deviation float8, amber_tolerance float8, red_tolerance float8, projection float8,
          projection_lower float8, projection_upper float8, probability_of_meeting float8,
          compared_to_england text, compared_to_region text, recent_trend text, spc_point_type text,
          spc_assurance text, gap_absolute float8, gap_relative float8, sii float8, gap_widening bool,
          explanation text, verdicts jsonb)
        """);
  }
}
