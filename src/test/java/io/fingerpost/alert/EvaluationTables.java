package io.fingerpost.alert;

import io.fingerpost.TestDatabase;

/**
 * The {@code target} and {@code evaluation} tables of the targets part (V10__targets.sql), created only where
 * that migration is not on the classpath yet, so the alert tests run before and after it is merged.
 */
final class EvaluationTables {
  private EvaluationTables() {}

  static void ensure(TestDatabase.Db db) {
    db.execute("""
        CREATE TABLE IF NOT EXISTS target (
        id              text PRIMARY KEY,
        name            text NOT NULL,
        indicator_id    text NOT NULL,
        area_code       text NOT NULL,
        sex             text NOT NULL DEFAULT '',
        age             text NOT NULL DEFAULT '',
        category_type   text NOT NULL DEFAULT '',
        category        text NOT NULL DEFAULT '',
        strategy_group  text,
        horizon_years   int,
        team            text,
        direction       text NOT NULL CHECK (direction IN ('increase', 'decrease', 'within')),
        baseline_period text NOT NULL,
        baseline_value  float8,
        target_period   text NOT NULL,
        target_value    float8,
        definition      jsonb NOT NULL,
        source          text,
        file            text,
        warning         text,
        form            text NOT NULL,
        no_data         text,
        active          boolean NOT NULL DEFAULT true,
        loaded_at       timestamptz NOT NULL DEFAULT now()
        )
        """);
    db.execute("""
        CREATE INDEX IF NOT EXISTS target_series ON target (indicator_id, area_code, sex, age, category_type, category)
        """);
    db.execute("""
        CREATE TABLE IF NOT EXISTS evaluation (
        id                     bigserial PRIMARY KEY,
        target_id              text NOT NULL REFERENCES target (id),
        series_id              bigint REFERENCES series (id),
        period                 text,
        period_t               float8,
        observation_revision   int,
        evaluated_at           timestamptz NOT NULL DEFAULT now(),
        initial_load           boolean NOT NULL DEFAULT false,
        status                 text NOT NULL CHECK (status IN ('ON_TRACK', 'AT_RISK', 'OFF_TRACK', 'NOT_ENOUGH_DATA')),
        not_significant        boolean,
        value                  float8,
        lower_ci95             float8,
        upper_ci95             float8,
        expected               float8,
        deviation              float8,
        amber_tolerance        float8,
        red_tolerance          float8,
        projection             float8,
        projection_lower       float8,
        projection_upper       float8,
        probability_of_meeting float8,
        compared_to_england    text,
        compared_to_region     text,
        recent_trend           text,
        spc_point_type         text,
        spc_assurance          text,
        gap_absolute           float8,
        gap_relative           float8,
        sii                    float8,
        gap_widening           boolean,
        explanation            text NOT NULL,
        verdicts               jsonb NOT NULL,
        status_by_tolerance    text,
        baseline_value         float8,
        target_value           float8,
        fingerprint            text NOT NULL
        )
        """);
    db.execute("""
        CREATE INDEX IF NOT EXISTS evaluation_target ON evaluation (target_id, id DESC)
        """);
    db.execute("""
        CREATE INDEX IF NOT EXISTS evaluation_time ON evaluation (evaluated_at)
        """);
  }

  /** A target row with every column V10 requires. */
  static void target(TestDatabase.Db db, String id, String name, String indicator, String area, String sex,
      String team, String group, String targetPeriod, double targetValue) {
    db.execute("INSERT INTO target (id, name, indicator_id, area_code, sex, strategy_group, team, direction,"
        + " baseline_period, target_period, target_value, definition, form) VALUES ('" + id + "', '" + name + "', '"
        + indicator + "', '" + area + "', '" + sex + "', '" + group + "', '" + team + "', 'increase', '2018', '"
        + targetPeriod + "', " + targetValue + ", '{}', 'ABSOLUTE')");
  }
}
