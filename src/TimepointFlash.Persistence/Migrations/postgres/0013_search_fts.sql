-- 0013: nothing to do on PostgreSQL. A listing's q is answered by the pg_trgm GIN index on search_text created by
-- migration 0008; the SQLite side of 0013 adds the FTS5 trigram index that plays the same part there.
SELECT 1;
