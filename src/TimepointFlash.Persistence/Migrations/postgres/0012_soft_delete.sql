-- 0012: soft delete. A DELETE without ?permanent=true stamps deleted_at; every read, listing, sequence and export
-- leaves such rows out, and the purge (PURGE_DELETED_AFTER) deletes them for good later, with the usual cascade.
-- The soft delete's UPDATE moves wire_rev itself, so the 0008 trigger leaves the stored bytes current: a hidden
-- row is never rendered again.

ALTER TABLE timepoints ADD COLUMN IF NOT EXISTS deleted_at timestamptz;

CREATE INDEX IF NOT EXISTS ix_timepoints_deleted ON timepoints (deleted_at) WHERE deleted_at IS NOT NULL;

-- Other replicas treat a soft delete as a delete (Persistence/Db.Changes.fs): the row stops being readable, so the
-- same 'd:<id>' notice a DELETE sends goes out when deleted_at is first set. A trigger of its own (not a new
-- version of 0008's function) keeps this script independent of other migrations.
CREATE OR REPLACE FUNCTION tpflash_notify_soft_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('tpflash_changes', 'd:' || NEW.id);
    RETURN NULL;
END
$$;

DROP TRIGGER IF EXISTS timepoints_notify_soft_delete ON timepoints;

CREATE TRIGGER timepoints_notify_soft_delete AFTER UPDATE OF deleted_at ON timepoints
FOR EACH ROW WHEN (OLD.deleted_at IS NULL AND NEW.deleted_at IS NOT NULL)
EXECUTE FUNCTION tpflash_notify_soft_delete();
