-- 0002: typed failures and one step record.
-- A failed timepoint keeps the kind of its failure beside the message (rows failed before read as 'interrupted');
-- a step log keeps the kind of its failure and the attempts it took, and no longer a copy of the agent's output
-- (stored once, in the timepoint's *_json column).

ALTER TABLE timepoints ADD COLUMN error_kind text
    CHECK (error_kind IS NULL OR error_kind IN
        ('rejected', 'invalid_output', 'provider', 'storage', 'cancelled', 'interrupted'));

ALTER TABLE generation_logs ADD COLUMN error_kind text
    CHECK (error_kind IS NULL OR error_kind IN
        ('rejected', 'invalid_output', 'provider', 'storage', 'cancelled', 'interrupted'));

ALTER TABLE generation_logs ADD COLUMN attempts integer CHECK (attempts IS NULL OR attempts >= 1);

ALTER TABLE generation_logs DROP COLUMN output_json;
