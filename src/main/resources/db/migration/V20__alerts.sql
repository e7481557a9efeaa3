-- Alerts (io.fingerpost.alert): current state, every transition, silences, the outbox of notifications
-- and the log of delivery attempts. A transition and its outbox rows are written in one transaction.

CREATE TABLE alert (
  fingerprint        text PRIMARY KEY,            -- 16 hex digits of sha256(rule + target or feed)
  rule               text NOT NULL,               -- off_trajectory, projected_miss, ...
  target_id          text,                        -- null for feed alerts
  feed               text,                        -- null for target alerts
  state              text NOT NULL CHECK (state IN ('firing', 'resolved')),
  severity           text NOT NULL CHECK (severity IN ('warning', 'critical')),
  labels             jsonb NOT NULL,
  annotations        jsonb NOT NULL,
  generator_url      text,
  starts_at          timestamptz NOT NULL,        -- start of the current (or last) firing episode
  ends_at            timestamptz,                 -- null while firing
  notified           boolean NOT NULL,            -- the current episode was announced to someone
  last_evaluation_id bigint,                      -- evaluations at or below this id are ignored
  last_step          text,                        -- period#revision last counted for damping
  pending_count      int NOT NULL DEFAULT 0,      -- consecutive evaluations contradicting the state
  pending_condition  text,                        -- ACTIVE or CLEAR while a change is being damped
  pending_severity   text,
  last_change_at     timestamptz NOT NULL,
  acknowledged_by    text,
  acknowledged_at    timestamptz,
  ack_comment        text,
  updated_at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_state_idx ON alert (state);
CREATE INDEX alert_pending_idx ON alert (fingerprint) WHERE pending_condition IS NOT NULL;

CREATE TABLE alert_transition (
  id             bigserial PRIMARY KEY,
  fingerprint    text NOT NULL REFERENCES alert (fingerprint),
  at             timestamptz NOT NULL,            -- when the evaluation (or sweep) caused it
  from_state     text,                            -- null when the alert first fired
  to_state       text NOT NULL,
  severity       text NOT NULL,
  reason         text NOT NULL,                   -- fired, resolved, escalated, de-escalated
  evaluation_id  bigint,                          -- the evaluation that caused it; null for feed alerts
  step           text,
  initial_load   boolean NOT NULL,                -- history from a first load: nobody notified
  notified       boolean NOT NULL,                -- outbox rows were written for it
  silenced       boolean NOT NULL,                -- held back by a silence
  labels         jsonb NOT NULL,
  annotations    jsonb NOT NULL,
  recorded_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alert_transition_fingerprint_idx ON alert_transition (fingerprint, id);

CREATE TABLE silence (
  id              bigserial PRIMARY KEY,
  matchers        jsonb NOT NULL,                 -- [{"name": "team", "value": "...", "isRegex": false}]
  starts_at       timestamptz NOT NULL DEFAULT now(),
  ends_at         timestamptz NOT NULL,
  created_by      text NOT NULL,
  comment         text NOT NULL,
  end_on_resolve  boolean NOT NULL DEFAULT false, -- ends when an alert it matches resolves
  created_at      timestamptz NOT NULL DEFAULT now(),
  ended_at        timestamptz,                    -- set when deleted or ended by a resolution
  ended_by        text
);

CREATE TABLE outbox (
  id               bigserial PRIMARY KEY,         -- delivery order per receiver
  idempotency_key  uuid NOT NULL UNIQUE,          -- sent with every attempt (Idempotency-Key header)
  receiver         text NOT NULL,
  group_key        text NOT NULL,
  fingerprints     text[] NOT NULL,
  payload          jsonb NOT NULL,                -- the Notification, exactly as decided
  created_at       timestamptz NOT NULL DEFAULT now(),
  status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts         int NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz NOT NULL DEFAULT now(),
  last_error       text,
  delivered_at     timestamptz
);
CREATE INDEX outbox_pending_idx ON outbox (receiver, id) WHERE status = 'pending';
CREATE INDEX outbox_fingerprints_idx ON outbox USING gin (fingerprints);

CREATE TABLE delivery (
  id           bigserial PRIMARY KEY,
  outbox_id    bigint NOT NULL REFERENCES outbox (id),
  attempt      int NOT NULL,
  at           timestamptz NOT NULL DEFAULT now(),
  ok           boolean NOT NULL,
  http_status  int,
  error        text,
  duration_ms  int NOT NULL
);
CREATE INDEX delivery_outbox_idx ON delivery (outbox_id, attempt);
