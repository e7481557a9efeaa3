-- Cluster (issue 15): the members and the leases with fencing tokens. PostgreSQL stays the one system of
-- record; Hazelcast carries the clustered event bus only. A lease is held until expires_at (the database's
-- clock decides, never a member's); taking it from another holder increments token, and every write done
-- under a lease checks holder and token in its own transaction (store.Lease.fence), so a member that was
-- paused past its lease cannot write after another took over.
CREATE TABLE cluster_member (
  id          text PRIMARY KEY,                  -- random per process
  http_url    text NOT NULL,                     -- where its API answers
  cluster_address text,                          -- its Hazelcast host:port
  started_at  timestamptz NOT NULL DEFAULT now(),
  last_seen   timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE cluster_lease (
  name        text PRIMARY KEY,                  -- feed:<name>, receiver:<name>, schedule:<name>
  holder      text NOT NULL,                     -- cluster_member.id
  token       bigint NOT NULL,                   -- fencing token: +1 at every change of holder
  acquired_at timestamptz NOT NULL,
  renewed_at  timestamptz NOT NULL,
  expires_at  timestamptz NOT NULL
);

-- Who claimed a notification last (alert.OutboxClaims): the member and its fencing token of the
-- receiver's lease. Kept for /api/cluster and for the record; the fence itself is the lease row.
ALTER TABLE outbox ADD COLUMN claimed_by text, ADD COLUMN claim_token bigint;
