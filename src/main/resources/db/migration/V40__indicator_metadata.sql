-- Issue 12 (fingertips-api feed): what an indicator's publisher says about it, one row per indicator, filled by
-- an API feed (the classic Fingertips API now; a second API source writes the same columns). `polarity` is
-- Fingertips' own name ("RAG - High is good", "RAG - Low is good", "BOB - Blue orange blue", "Not applicable"),
-- `polarity_code` Fingerpost's (model.Polarity) derived from it. `overrides` (jsonb, field -> value) holds the
-- values a feed's config set over the metadata, so the API can show where the value in use came from.
CREATE TABLE indicator_metadata (
  indicator_id text PRIMARY KEY,
  source text NOT NULL,
  name text,
  definition text,
  unit text,
  value_type text,
  year_type text,
  polarity text,
  polarity_code text,
  benchmarking_method text,
  confidence_level double precision,
  ci_method text,
  overrides jsonb NOT NULL DEFAULT '{}'::jsonb,
  fetched_at timestamptz NOT NULL DEFAULT now()
);

-- Per feed and indicator: what the feed knows of the upstream copy, so a poll downloads only what changed.
-- `last_changed_upstream` is the API's data-change date (latest upload or deletion), `validators` the HTTP
-- validators of each data URL ({url: {etag, lastModified}}), `data_key` what the last load covered (the
-- feed's area types and the upstream change date) and `last_error*` the latest failure of this indicator.
CREATE TABLE feed_indicator_state (
  feed text NOT NULL,
  indicator_id text NOT NULL,
  last_changed_upstream timestamptz,
  last_checked timestamptz,
  last_fetched timestamptz,
  last_loaded timestamptz,
  data_key text,
  validators jsonb NOT NULL DEFAULT '{}'::jsonb,
  rows_read bigint,
  last_error text,
  last_error_url text,
  last_error_status int,
  last_error_at timestamptz,
  PRIMARY KEY (feed, indicator_id)
);
