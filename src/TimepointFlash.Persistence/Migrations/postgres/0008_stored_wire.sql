-- 0008: a finished timepoint's wire JSON rendered once (full and summary bytes, the hash of each, the stamp of
-- the renderer that made them) and a revision that moves on every change of the row.
-- Existing rows keep NULL bytes: SQL cannot render them, so the server renders them in the background at
-- start-up and on first read (a NULL stamp, or a stamp other than the running renderer's, means "render again").

ALTER TABLE timepoints ADD COLUMN wire_full bytea;
ALTER TABLE timepoints ADD COLUMN wire_summary bytea;
ALTER TABLE timepoints ADD COLUMN wire_hash text;
ALTER TABLE timepoints ADD COLUMN wire_summary_hash text;
ALTER TABLE timepoints ADD COLUMN wire_stamp text;
ALTER TABLE timepoints ADD COLUMN wire_rev bigint NOT NULL DEFAULT 0;

-- Any UPDATE that leaves the wire columns alone changed what the wire shows: the stored bytes become stale and
-- the revision moves, so a render that read the row before the change is not written over it.
CREATE FUNCTION timepoints_wire_stale() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.wire_stamp IS NOT DISTINCT FROM OLD.wire_stamp AND NEW.wire_rev = OLD.wire_rev THEN
        NEW.wire_stamp := NULL;
        NEW.wire_rev := OLD.wire_rev + 1;
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER timepoints_wire_stale BEFORE UPDATE ON timepoints
FOR EACH ROW EXECUTE FUNCTION timepoints_wire_stale();

-- Change notices for the other processes on this database (Persistence/Db.Changes.fs reads them): a one-letter
-- kind, a colon, the timepoint id. f = a finished timepoint changed (or one became or stopped being finished),
-- p = a running one progressed, d = deleted, l = a step record appended, j = a job queued. Delivered at commit.
CREATE FUNCTION tpflash_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'timepoints' THEN
        IF TG_OP = 'DELETE' THEN
            PERFORM pg_notify('tpflash_changes', 'd:' || OLD.id);
        ELSIF OLD.status IN ('completed', 'failed') OR NEW.status IN ('completed', 'failed') THEN
            PERFORM pg_notify('tpflash_changes', 'f:' || NEW.id);
        ELSE
            PERFORM pg_notify('tpflash_changes', 'p:' || NEW.id);
        END IF;
    ELSIF TG_TABLE_NAME = 'generation_logs' THEN
        PERFORM pg_notify('tpflash_changes', 'l:' || NEW.timepoint_id);
    ELSE
        PERFORM pg_notify('tpflash_changes', 'j:' || NEW.timepoint_id);
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER timepoints_notify_change AFTER UPDATE OR DELETE ON timepoints
FOR EACH ROW EXECUTE FUNCTION tpflash_notify_change();

CREATE TRIGGER generation_logs_notify_change AFTER INSERT ON generation_logs
FOR EACH ROW EXECUTE FUNCTION tpflash_notify_change();

CREATE TRIGGER generation_jobs_notify_change AFTER INSERT ON generation_jobs
FOR EACH ROW EXECUTE FUNCTION tpflash_notify_change();

-- The folded text a listing's q matches (SearchText.ofTimepoint: folded query, a newline, folded location),
-- written with every insert and update. Existing rows are filled by the server at start-up (SearchRows.backfill).
ALTER TABLE timepoints ADD COLUMN search_text text;

-- A trigram index answers LIKE '%…%' on it. pg_trgm ships with PostgreSQL (contrib) and is a trusted extension;
-- where it is not installed the search still works, scanning.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm') THEN
        EXECUTE 'CREATE EXTENSION IF NOT EXISTS pg_trgm';
        EXECUTE 'CREATE INDEX ix_timepoints_search ON timepoints USING gin (search_text gin_trgm_ops)';
    END IF;
END
$$;
