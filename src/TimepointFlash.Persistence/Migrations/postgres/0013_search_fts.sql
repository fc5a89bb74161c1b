-- 0013: the search index needs nothing here: a listing's q is answered by the pg_trgm GIN index on search_text
-- created by migration 0008 (the SQLite side of 0013 adds the FTS5 trigram index that plays the same part).
-- Listings order by (created_at DESC, id DESC): an index of the whole order (and one under a status filter) serves
-- pages and the cursor's keyset without sorting; the indexes it extends are dropped.
CREATE INDEX IF NOT EXISTS ix_timepoints_created_id ON timepoints (created_at, id);
CREATE INDEX IF NOT EXISTS ix_timepoints_status_created_id ON timepoints (status, created_at, id);
DROP INDEX IF EXISTS ix_timepoints_created;
DROP INDEX IF EXISTS ix_timepoints_status_created;
