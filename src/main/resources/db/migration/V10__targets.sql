-- Targets and their evaluations (target part). See docs/internals.md "Database" and README
-- "Targets and trajectories". Read by alerts, metrics and Grafana's PostgreSQL panels.

-- One row per target of the targets files. Rewritten at every start-up from the files; a target no
-- longer in any file stays (its evaluations refer to it) with active = false.
-- baseline_value / target_value: the values in use (as written, or looked up from the data: the
-- baseline's published value, the benchmark's value, baseline × (1 + change)); null until known.
-- warning: why the target cannot be evaluated (no such indicator or area in any feed, no data, no value
-- for the baseline period), null when it can.
CREATE TABLE target (
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
  -- extensions beyond docs/internals.md
  form            text NOT NULL,          -- ABSOLUTE | RELATIVE | BENCHMARK | DIRECTION_ONLY | BAND
  no_data         text,                   -- the file's noData reason, when it marks the target so
  active          boolean NOT NULL DEFAULT true,
  loaded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX target_series ON target (indicator_id, area_code, sex, age, category_type, category);

-- One row per target per evaluated period and data revision: written only when the verdict differs
-- from the target's latest row (same data → no new row). The latest row per target is its state.
CREATE TABLE evaluation (
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
  -- extensions beyond docs/internals.md
  status_by_tolerance    text,            -- the status from the tolerances alone, before the CI rule
  baseline_value         float8,          -- b and g as used for this evaluation
  target_value           float8,
  fingerprint            text NOT NULL    -- digest of everything above but id/evaluated_at/initial_load
);
CREATE INDEX evaluation_target ON evaluation (target_id, id DESC);
CREATE INDEX evaluation_time ON evaluation (evaluated_at);
