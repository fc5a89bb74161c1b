-- 0014: how many visible (not soft-deleted) timepoints there are in each status, kept by a trigger, so a listing's
-- total without a search is read from four rows instead of counting the table (TimepointPages.total). Every
-- insert, change of status or of deleted_at, and delete moves the counts in the same transaction, so they are as
-- exact as COUNT(*) under any isolation. One row per status, created here; the backfill counts what exists.
-- A change of status locks its two count rows in one order (by status), so two transactions moving rows between
-- the same statuses in opposite directions wait for each other instead of deadlocking.

CREATE TABLE IF NOT EXISTS timepoint_counts (
    status TEXT PRIMARY KEY,
    n BIGINT NOT NULL
);

CREATE OR REPLACE FUNCTION timepoint_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        PERFORM 1 FROM timepoint_counts WHERE status IN (OLD.status, NEW.status) ORDER BY status FOR UPDATE;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.deleted_at IS NULL THEN
        UPDATE timepoint_counts SET n = n - 1 WHERE status = OLD.status;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.deleted_at IS NULL THEN
        UPDATE timepoint_counts SET n = n + 1 WHERE status = NEW.status;
    END IF;
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS timepoint_counts_insert ON timepoints;
DROP TRIGGER IF EXISTS timepoint_counts_update ON timepoints;
DROP TRIGGER IF EXISTS timepoint_counts_delete ON timepoints;

CREATE TRIGGER timepoint_counts_insert AFTER INSERT ON timepoints
FOR EACH ROW WHEN (NEW.deleted_at IS NULL) EXECUTE FUNCTION timepoint_counts_track();

CREATE TRIGGER timepoint_counts_update AFTER UPDATE OF status, deleted_at ON timepoints
FOR EACH ROW WHEN (NEW.status IS DISTINCT FROM OLD.status OR (NEW.deleted_at IS NULL) <> (OLD.deleted_at IS NULL))
EXECUTE FUNCTION timepoint_counts_track();

CREATE TRIGGER timepoint_counts_delete AFTER DELETE ON timepoints
FOR EACH ROW WHEN (OLD.deleted_at IS NULL) EXECUTE FUNCTION timepoint_counts_track();

-- The backfill comes after the triggers: creating them waited for writers in flight and keeps new ones out until
-- this transaction commits, so the count (a fresh snapshot) sees every committed row and no write is missed.
DELETE FROM timepoint_counts;

INSERT INTO timepoint_counts (status, n)
SELECT s.status, (SELECT COUNT(*) FROM timepoints t WHERE t.status = s.status AND t.deleted_at IS NULL)
FROM (VALUES ('pending'), ('processing'), ('completed'), ('failed')) AS s (status);
