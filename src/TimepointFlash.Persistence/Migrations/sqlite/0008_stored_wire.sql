-- 0008: a finished timepoint's wire JSON rendered once (full and summary bytes, the hash of each, the stamp of
-- the renderer that made them) and a revision that moves on every change of the row.
-- Existing rows keep NULL bytes: SQL cannot render them, so the server renders them in the background at
-- start-up and on first read (a NULL stamp, or a stamp other than the running renderer's, means "render again").

ALTER TABLE timepoints ADD COLUMN wire_full blob;
ALTER TABLE timepoints ADD COLUMN wire_summary blob;
ALTER TABLE timepoints ADD COLUMN wire_hash text;
ALTER TABLE timepoints ADD COLUMN wire_summary_hash text;
ALTER TABLE timepoints ADD COLUMN wire_stamp text;
ALTER TABLE timepoints ADD COLUMN wire_rev integer NOT NULL DEFAULT 0;

-- Any UPDATE that leaves the wire columns alone changed what the wire shows: the stored bytes become stale and
-- the revision moves, so a render that read the row before the change is not written over it.
CREATE TRIGGER timepoints_wire_stale AFTER UPDATE ON timepoints
WHEN NEW.wire_stamp IS OLD.wire_stamp AND NEW.wire_rev = OLD.wire_rev
BEGIN
    UPDATE timepoints SET wire_stamp = NULL, wire_rev = OLD.wire_rev + 1 WHERE id = NEW.id;
END;

-- The folded text a listing's q matches (SearchText.ofTimepoint: folded query, a newline, folded location),
-- written with every insert and update. Existing rows are filled by the server at start-up (SearchRows.backfill).
ALTER TABLE timepoints ADD COLUMN search_text text;
