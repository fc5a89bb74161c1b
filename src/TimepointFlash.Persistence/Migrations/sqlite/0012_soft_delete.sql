-- 0012: soft delete. A DELETE without ?permanent=true stamps deleted_at; every read, listing, sequence and export
-- leaves such rows out, and the purge (PURGE_DELETED_AFTER) deletes them for good later, with the usual cascade.
-- The soft delete's UPDATE moves wire_rev itself, so the 0008 trigger leaves the stored bytes current: a hidden
-- row is never rendered again.

ALTER TABLE timepoints ADD COLUMN deleted_at text;

CREATE INDEX IF NOT EXISTS ix_timepoints_deleted ON timepoints (deleted_at) WHERE deleted_at IS NOT NULL;
