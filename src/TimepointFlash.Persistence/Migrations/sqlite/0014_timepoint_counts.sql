-- 0014: how many visible (not soft-deleted) timepoints there are in each status, kept by triggers, so a listing's
-- total without a search is read from four rows instead of counting the table (TimepointPages.total). Every
-- insert, change of status or of deleted_at, and delete moves the counts in the same transaction, so they are as
-- exact as COUNT(*). One row per status, created here; the backfill counts what exists.

CREATE TABLE IF NOT EXISTS timepoint_counts (
    status TEXT PRIMARY KEY,
    n INTEGER NOT NULL
);

DELETE FROM timepoint_counts;

INSERT INTO timepoint_counts (status, n)
SELECT s.status, (SELECT COUNT(*) FROM timepoints t WHERE t.status = s.status AND t.deleted_at IS NULL)
FROM (SELECT 'pending' AS status UNION ALL SELECT 'processing' UNION ALL SELECT 'completed' UNION ALL SELECT 'failed') s;

CREATE TRIGGER IF NOT EXISTS timepoint_counts_insert AFTER INSERT ON timepoints
WHEN NEW.deleted_at IS NULL
BEGIN
    UPDATE timepoint_counts SET n = n + 1 WHERE status = NEW.status;
END;

CREATE TRIGGER IF NOT EXISTS timepoint_counts_update AFTER UPDATE OF status, deleted_at ON timepoints
WHEN NEW.status IS NOT OLD.status OR (NEW.deleted_at IS NULL) <> (OLD.deleted_at IS NULL)
BEGIN
    UPDATE timepoint_counts SET n = n - 1 WHERE status = OLD.status AND OLD.deleted_at IS NULL;
    UPDATE timepoint_counts SET n = n + 1 WHERE status = NEW.status AND NEW.deleted_at IS NULL;
END;

CREATE TRIGGER IF NOT EXISTS timepoint_counts_delete AFTER DELETE ON timepoints
WHEN OLD.deleted_at IS NULL
BEGIN
    UPDATE timepoint_counts SET n = n - 1 WHERE status = OLD.status;
END;
