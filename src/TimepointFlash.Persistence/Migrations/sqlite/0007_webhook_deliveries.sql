-- 0007: durable webhook deliveries (one per callback_url of a background run) and their attempts.
-- A delivery waits for its timepoint to finish, then is claimed like a job, sent, and retried with backoff.

CREATE TABLE webhook_deliveries (
    id               text        PRIMARY KEY,
    timepoint_id     text        NOT NULL REFERENCES timepoints (id) ON DELETE CASCADE,
    url              text        NOT NULL,
    request_context  text,
    status           text        NOT NULL DEFAULT 'waiting'
                     CHECK (status IN ('waiting', 'pending', 'sending', 'delivered', 'failed')),
    payload          text,
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  text,
    first_attempt_at text,
    lease_until      text,
    worker           text,
    last_status      integer,
    last_error       text,
    delivered_at     text,
    created_at       text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at       text NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX ix_webhook_deliveries_status_next ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX ix_webhook_deliveries_timepoint ON webhook_deliveries (timepoint_id);

CREATE TABLE webhook_attempts (
    delivery_id  text        NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    number       integer     NOT NULL,
    attempted_at text NOT NULL,
    status_code  integer,
    error        text,
    duration_ms  integer     NOT NULL,
    verdict      text        NOT NULL CHECK (verdict IN ('delivered', 'retry', 'give_up')),
    PRIMARY KEY (delivery_id, number)
);
