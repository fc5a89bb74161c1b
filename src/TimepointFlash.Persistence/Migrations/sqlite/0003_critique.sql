-- 0003: the critique step's review of a scene (metadata.critique), stored once like every agent output.

ALTER TABLE timepoints ADD COLUMN critique_json text;
