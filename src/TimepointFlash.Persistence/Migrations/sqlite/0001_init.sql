-- 0001: timepoints, images, step logs and durable generation jobs (SQLite).
-- Applied once by the migrator inside BEGIN IMMEDIATE; recorded in schema_migrations.

CREATE TABLE timepoints (
    id                 text        PRIMARY KEY,
    query              text        NOT NULL,
    slug               varchar(150) NOT NULL,
    status             text        NOT NULL DEFAULT 'pending'
                       CHECK (status IN ('pending', 'processing', 'completed', 'failed')),
    generate_image     integer     NOT NULL DEFAULT 0 CHECK (generate_image IN (0, 1)),
    year               integer     CHECK (year IS NULL OR (year <> 0 AND year BETWEEN -10000 AND 3000)),
    month              integer     CHECK (month IS NULL OR month BETWEEN 1 AND 12),
    day                integer     CHECK (day IS NULL OR day BETWEEN 1 AND 31),
    hour               integer     CHECK (hour IS NULL OR hour BETWEEN 0 AND 23),
    minute             integer     CHECK (minute IS NULL OR minute BETWEEN 0 AND 59),
    second             integer     CHECK (second IS NULL OR second BETWEEN 0 AND 59),
    season             text,
    time_of_day        text,
    era                text,
    hemisphere         text,
    calendar           text,
    location           text,
    judge_json         text,
    timeline_json      text,
    scene_json         text,
    characters_json    text,
    moment_json        text,
    dialog_json        text,
    camera_json        text,
    graph_json         text,
    image_prompt_json  text,
    image_prompt       text,
    image_error        text,
    error_message      text,
    error_step         text,
    suggested_query    text,
    parent_id          text        REFERENCES timepoints (id) ON DELETE SET NULL,
    created_at         text        NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at         text        NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT ux_timepoints_slug UNIQUE (slug)
);

CREATE INDEX ix_timepoints_status_created ON timepoints (status, created_at);
CREATE INDEX ix_timepoints_created ON timepoints (created_at);
CREATE INDEX ix_timepoints_parent ON timepoints (parent_id);
CREATE INDEX ix_timepoints_year ON timepoints (year);

CREATE TABLE timepoint_images (
    timepoint_id  text        PRIMARY KEY REFERENCES timepoints (id) ON DELETE CASCADE,
    bytes         blob        NOT NULL,
    mime_type     text        NOT NULL,
    created_at    text        NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE TABLE generation_logs (
    id             integer     PRIMARY KEY AUTOINCREMENT,
    timepoint_id   text        NOT NULL REFERENCES timepoints (id) ON DELETE CASCADE,
    seq            integer     NOT NULL,
    step           text        NOT NULL,
    status         text        NOT NULL
                   CHECK (status IN ('started', 'completed', 'failed', 'skipped', 'retrying')),
    model          text,
    provider       text,
    latency_ms     integer,
    input_tokens   integer,
    output_tokens  integer,
    error_message  text,
    output_json    text,
    created_at     text        NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    CONSTRAINT ux_generation_logs_seq UNIQUE (timepoint_id, seq)
);

CREATE TABLE generation_jobs (
    id            text        PRIMARY KEY,
    kind          text        NOT NULL CHECK (kind IN ('generate', 'navigate')),
    payload       text        NOT NULL,
    timepoint_id  text        NOT NULL REFERENCES timepoints (id) ON DELETE CASCADE,
    status        text        NOT NULL DEFAULT 'queued'
                  CHECK (status IN ('queued', 'running', 'completed', 'failed')),
    attempts      integer     NOT NULL DEFAULT 0,
    max_attempts  integer     NOT NULL DEFAULT 3 CHECK (max_attempts >= 1),
    lease_until   text,
    worker        text,
    last_error    text,
    created_at    text        NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
    updated_at    text        NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))
);

CREATE INDEX ix_generation_jobs_status_lease ON generation_jobs (status, lease_until);
CREATE INDEX ix_generation_jobs_status_created ON generation_jobs (status, created_at);
CREATE INDEX ix_generation_jobs_timepoint ON generation_jobs (timepoint_id);
