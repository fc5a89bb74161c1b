-- 0002: the kind of a generation failure beside its message (rejected, invalid_output, provider, storage,
-- cancelled, interrupted). Rows failed before this migration read as 'interrupted'.

ALTER TABLE timepoints ADD COLUMN error_kind text
    CHECK (error_kind IS NULL OR error_kind IN
        ('rejected', 'invalid_output', 'provider', 'storage', 'cancelled', 'interrupted'));
