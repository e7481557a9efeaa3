-- Scheduled digests (io.fingerpost.digest, issue 11). A digest run is identified by (name, scheduled fire
-- time): the unique constraint lets a restart, or a second instance, insert a run at most once, and the run
-- and its outbox rows are written in one transaction, so a run is either queued for every receiver or not
-- at all. The notifier delivers the rows like alert notifications (same outbox, same retries).

CREATE TABLE digest_schedule (
  name               text PRIMARY KEY,
  schedule           text NOT NULL,               -- the cron expression last seen
  first_scheduled_at timestamptz NOT NULL          -- fires before this are not caught up (the digest did not exist)
);

CREATE TABLE digest_run (
  id            bigserial PRIMARY KEY,
  name          text NOT NULL,
  fire_time     timestamptz NOT NULL,              -- the scheduled time, not when it ran
  area          text NOT NULL,
  groups        text[] NOT NULL,
  teams         text[] NOT NULL,
  since         timestamptz NOT NULL,              -- the report covers changes after this
  improved      int NOT NULL,
  deteriorated  int NOT NULL,
  subject       text NOT NULL,
  link          text NOT NULL,
  catch_up      boolean NOT NULL,                  -- sent at start-up for a fire missed while down
  created_at    timestamptz NOT NULL DEFAULT now(),
  UNIQUE (name, fire_time)
);

ALTER TABLE outbox ADD COLUMN digest_run_id bigint REFERENCES digest_run (id);
CREATE INDEX outbox_digest_run_idx ON outbox (digest_run_id) WHERE digest_run_id IS NOT NULL;
