-- 0013: an FTS5 trigram index over the folded search text (search_text, migration 0008), so a listing's q is
-- answered from the index instead of scanning every row. The trigram tokenizer matches any substring of three or
-- more characters; case_sensitive 1 keeps the folded text as written (SearchText already folds case and accents),
-- so a phrase query finds exactly the rows whose search_text contains the folded search. Shorter searches still
-- scan (TimepointPages.filters).
-- The index row of a timepoint has the timepoint's rowid; triggers keep it in step with every insert, change of
-- search_text and delete. SearchRows.checkIndex rebuilds it at start-up should the rowids ever disagree (a copy
-- of the file made by VACUUM may renumber them).

CREATE VIRTUAL TABLE IF NOT EXISTS timepoints_search USING fts5(search_text, tokenize = 'trigram case_sensitive 1');

INSERT INTO timepoints_search (rowid, search_text)
SELECT rowid, search_text FROM timepoints WHERE search_text IS NOT NULL;

CREATE TRIGGER IF NOT EXISTS timepoints_search_insert AFTER INSERT ON timepoints
WHEN NEW.search_text IS NOT NULL
BEGIN
    INSERT INTO timepoints_search (rowid, search_text) VALUES (NEW.rowid, NEW.search_text);
END;

CREATE TRIGGER IF NOT EXISTS timepoints_search_update AFTER UPDATE OF search_text ON timepoints
WHEN NEW.search_text IS NOT OLD.search_text
BEGIN
    DELETE FROM timepoints_search WHERE rowid = OLD.rowid;
    INSERT INTO timepoints_search (rowid, search_text)
    SELECT NEW.rowid, NEW.search_text WHERE NEW.search_text IS NOT NULL;
END;

CREATE TRIGGER IF NOT EXISTS timepoints_search_delete AFTER DELETE ON timepoints
BEGIN
    DELETE FROM timepoints_search WHERE rowid = OLD.rowid;
END;

-- Listings order by (created_at DESC, id DESC). With created_at alone indexed, SQLite sorted the rows of equal
-- created_at in a temporary b-tree, so it read the selected columns of every row up to the page's offset (the
-- stored summary lies behind the full wire bytes in each row): page 10 cost 20× page 1. An index of the whole
-- order walks straight to the page and serves the cursor's keyset; the indexes it extends are dropped.
CREATE INDEX IF NOT EXISTS ix_timepoints_created_id ON timepoints (created_at, id);
CREATE INDEX IF NOT EXISTS ix_timepoints_status_created_id ON timepoints (status, created_at, id);
DROP INDEX IF EXISTS ix_timepoints_created;
DROP INDEX IF EXISTS ix_timepoints_status_created;
