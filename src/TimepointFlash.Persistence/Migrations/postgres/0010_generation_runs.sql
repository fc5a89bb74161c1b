-- 0010: a lease per synchronous generation (no durable job), renewed by the process running it, so any host can
-- tell a row left `processing` by a dead process (lease expired, no queued or running job) and fail it.

CREATE TABLE IF NOT EXISTS generation_runs (
    timepoint_id  uuid         PRIMARY KEY,
    owner         text         NOT NULL,
    lease_until   timestamptz  NOT NULL
);

CREATE INDEX IF NOT EXISTS ix_generation_runs_lease ON generation_runs (lease_until);
