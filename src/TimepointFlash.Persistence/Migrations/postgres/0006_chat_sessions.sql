-- 0006: chat sessions with the characters of a scene, kept across restarts.
-- A session belongs to one timepoint and one character and goes with its timepoint; its messages are numbered
-- 1, 2, 3 … in the order they were stored. message_count is bumped by the same transaction that adds messages,
-- so concurrent appends to one session are serialised on the session row and never lose one another.

CREATE TABLE chat_sessions (
    id              uuid        PRIMARY KEY,
    timepoint_id    uuid        NOT NULL REFERENCES timepoints (id) ON DELETE CASCADE,
    character_name  text        NOT NULL,
    message_count   integer     NOT NULL DEFAULT 0 CHECK (message_count >= 0),
    created_at      timestamptz NOT NULL,
    updated_at      timestamptz NOT NULL
);

CREATE INDEX ix_chat_sessions_timepoint ON chat_sessions (timepoint_id, updated_at);

CREATE TABLE chat_messages (
    session_id      uuid        NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    seq             integer     NOT NULL CHECK (seq >= 1),
    role            text        NOT NULL CHECK (role IN ('user', 'character')),
    content         text        NOT NULL,
    character_name  text,
    created_at      timestamptz NOT NULL,
    PRIMARY KEY (session_id, seq)
);
