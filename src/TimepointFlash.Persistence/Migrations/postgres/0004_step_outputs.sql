-- 0004: every step's output in one JSON object keyed by its output name (the name under metadata), instead of a
-- column per step, so a new step needs no column. Existing rows are backfilled; the per-step columns go.
-- A provider failure also keeps what the provider reported (error_provider_kind: blocked, truncated,
-- quota_exhausted, moderated, upstream_error, ...) beside error_kind = 'provider', on the timepoint and its step log.

ALTER TABLE timepoints ADD COLUMN outputs_json jsonb NOT NULL DEFAULT '{}'::jsonb;

UPDATE timepoints SET outputs_json = (
    SELECT COALESCE(jsonb_object_agg(o.name, o.output), '{}'::jsonb)
    FROM (VALUES
        ('judge', judge_json),
        ('timeline', timeline_json),
        ('scene', scene_json),
        ('characters', characters_json),
        ('moment', moment_json),
        ('dialog', dialog_json),
        ('camera', camera_json),
        ('graph', graph_json),
        ('critique', critique_json),
        ('image_prompt', image_prompt_json)
    ) AS o(name, output)
    WHERE o.output IS NOT NULL);

ALTER TABLE timepoints
    DROP COLUMN judge_json,
    DROP COLUMN timeline_json,
    DROP COLUMN scene_json,
    DROP COLUMN characters_json,
    DROP COLUMN moment_json,
    DROP COLUMN dialog_json,
    DROP COLUMN camera_json,
    DROP COLUMN graph_json,
    DROP COLUMN critique_json,
    DROP COLUMN image_prompt_json;

ALTER TABLE timepoints ADD COLUMN error_provider_kind text;

ALTER TABLE generation_logs ADD COLUMN error_provider_kind text;
