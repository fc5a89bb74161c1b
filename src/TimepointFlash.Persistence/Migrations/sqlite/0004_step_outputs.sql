-- 0004: every step's output in one JSON object keyed by its output name (the name under metadata), instead of a
-- column per step, so a new step needs no column. Existing rows are backfilled; the per-step columns go.
-- A provider failure also keeps what the provider reported (error_provider_kind: blocked, truncated,
-- quota_exhausted, moderated, upstream_error, ...) beside error_kind = 'provider', on the timepoint and its step log.

ALTER TABLE timepoints ADD COLUMN outputs_json text NOT NULL DEFAULT '{}';

UPDATE timepoints SET outputs_json = (
    SELECT json_group_object(o.name, json(o.output))
    FROM (
        SELECT 'judge' AS name, timepoints.judge_json AS output
        UNION ALL SELECT 'timeline', timepoints.timeline_json
        UNION ALL SELECT 'scene', timepoints.scene_json
        UNION ALL SELECT 'characters', timepoints.characters_json
        UNION ALL SELECT 'moment', timepoints.moment_json
        UNION ALL SELECT 'dialog', timepoints.dialog_json
        UNION ALL SELECT 'camera', timepoints.camera_json
        UNION ALL SELECT 'graph', timepoints.graph_json
        UNION ALL SELECT 'critique', timepoints.critique_json
        UNION ALL SELECT 'image_prompt', timepoints.image_prompt_json
    ) AS o
    WHERE o.output IS NOT NULL);

ALTER TABLE timepoints DROP COLUMN judge_json;
ALTER TABLE timepoints DROP COLUMN timeline_json;
ALTER TABLE timepoints DROP COLUMN scene_json;
ALTER TABLE timepoints DROP COLUMN characters_json;
ALTER TABLE timepoints DROP COLUMN moment_json;
ALTER TABLE timepoints DROP COLUMN dialog_json;
ALTER TABLE timepoints DROP COLUMN camera_json;
ALTER TABLE timepoints DROP COLUMN graph_json;
ALTER TABLE timepoints DROP COLUMN critique_json;
ALTER TABLE timepoints DROP COLUMN image_prompt_json;

ALTER TABLE timepoints ADD COLUMN error_provider_kind text;

ALTER TABLE generation_logs ADD COLUMN error_provider_kind text;
