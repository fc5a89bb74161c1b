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
