-- 0005: generation control and provenance. control_json is what the request asked for (preset, models, policy,
-- llm_params), kept so a background job or a navigation from the scene runs with the same settings; the other
-- columns say which preset and models produced the scene and how long it took.

ALTER TABLE timepoints ADD COLUMN IF NOT EXISTS control_json jsonb;
ALTER TABLE timepoints ADD COLUMN IF NOT EXISTS preset_used text;
ALTER TABLE timepoints ADD COLUMN IF NOT EXISTS text_model_used text;
ALTER TABLE timepoints ADD COLUMN IF NOT EXISTS image_model_used text;
ALTER TABLE timepoints ADD COLUMN IF NOT EXISTS model_provider text;
ALTER TABLE timepoints ADD COLUMN IF NOT EXISTS generation_time_ms bigint;
