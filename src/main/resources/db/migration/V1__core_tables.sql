-- Core tables of the store (backbone). See docs/internals.md "Database".
-- Series key parts are '' (never NULL) when absent, so the unique key works.

CREATE TABLE indicator (
  id         text PRIMARY KEY,
  name       text,
  unit       text,
  value_type text,
  polarity   text CHECK (polarity IN ('HIGH_IS_GOOD', 'LOW_IS_GOOD', 'NO_JUDGEMENT'))
);

CREATE TABLE area (
  code        text PRIMARY KEY,
  name        text,
  type        text,
  parent_code text
);

CREATE TABLE series (
  id            bigserial PRIMARY KEY,
  indicator_id  text NOT NULL REFERENCES indicator (id),
  area_code     text NOT NULL REFERENCES area (code),
  sex           text NOT NULL DEFAULT '',
  age           text NOT NULL DEFAULT '',
  category_type text NOT NULL DEFAULT '',
  category      text NOT NULL DEFAULT '',
  UNIQUE (indicator_id, area_code, sex, age, category_type, category)
);
CREATE INDEX series_area ON series (area_code);

-- The current value of each series and period. revision counts the values seen (1 = first);
-- superseded values move to observation_revision. first_seen: when the period first arrived;
-- last_seen: when the current value arrived (an unchanged re-read writes nothing, so it does not
-- move; feed_status.last_success says when a feed last confirmed its data).
CREATE TABLE observation (
  series_id    bigint NOT NULL REFERENCES series (id),
  period       text NOT NULL,
  period_start float8 NOT NULL,
  period_end   float8 NOT NULL,
  value        float8,
  lower_ci95   float8,
  upper_ci95   float8,
  lower_ci998  float8,
  upper_ci998  float8,
  count        float8,
  denominator  float8,
  value_note   text,
  source       text NOT NULL,
  revision     int NOT NULL DEFAULT 1,
  first_seen   timestamptz NOT NULL DEFAULT now(),
  last_seen    timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (series_id, period)
);

-- Values that were replaced by a revised one, each with the time it was superseded.
CREATE TABLE observation_revision (
  series_id     bigint NOT NULL REFERENCES series (id),
  period        text NOT NULL,
  revision      int NOT NULL,
  period_start  float8 NOT NULL,
  period_end    float8 NOT NULL,
  value         float8,
  lower_ci95    float8,
  upper_ci95    float8,
  lower_ci998   float8,
  upper_ci998   float8,
  count         float8,
  denominator   float8,
  value_note    text,
  source        text NOT NULL,
  first_seen    timestamptz NOT NULL,
  last_seen     timestamptz NOT NULL,
  superseded_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (series_id, period, revision)
);

-- One row per configured feed (and 'push'): what its polls did.
CREATE TABLE feed_status (
  feed                 text PRIMARY KEY,
  type                 text NOT NULL,
  source               text,
  first_success        timestamptz,
  last_poll_started    timestamptz,
  last_poll_finished   timestamptz,
  last_success         timestamptz,
  last_error           text,
  last_error_at        timestamptz,
  consecutive_failures int NOT NULL DEFAULT 0,
  rows_read            bigint NOT NULL DEFAULT 0,
  rows_inserted        bigint NOT NULL DEFAULT 0,
  rows_updated         bigint NOT NULL DEFAULT 0,
  rows_unchanged       bigint NOT NULL DEFAULT 0,
  rows_rejected        bigint NOT NULL DEFAULT 0,
  source_fingerprint   text,
  next_poll_at         timestamptz
);

-- Rows a feed could not load, with the line of the source they came from. A file feed keeps the
-- rejections of its latest read; the push feed keeps those of every request.
CREATE TABLE feed_rejection (
  id          bigserial PRIMARY KEY,
  feed        text NOT NULL,
  source      text,
  line        bigint,
  reason      text NOT NULL,
  content     text,
  rejected_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX feed_rejection_feed ON feed_rejection (feed, id);
