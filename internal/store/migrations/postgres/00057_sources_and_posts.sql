-- Issue 17 (postgres; keep in step with ../sqlite/00057_sources_and_posts.sql).
--
-- 1. channel_sources: which acquisition source a marketing spend channel
-- pays for, when the owner says so. A channel without a row pays for the
-- source of the same name, compared case-insensitively; channel is stored
-- lower-cased.
--
-- 2. Listening posts are managed: a purpose, an owner (an employee), the
-- questions asked there (a JSON array of strings), the improvement
-- checklist's ticks (a JSON object: step key -> note) and when the post was
-- retired (it then takes no feedback answered after that time; its history
-- stays).
--
-- 3. The recovery-sources report reads closed cases by their closing time.

-- +goose Up
CREATE TABLE channel_sources (
    channel    TEXT PRIMARY KEY,
    source     TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL
);
ALTER TABLE listening_posts ADD COLUMN purpose TEXT NOT NULL DEFAULT '';
ALTER TABLE listening_posts ADD COLUMN owner_employee_id BIGINT REFERENCES employees(id);
ALTER TABLE listening_posts ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
ALTER TABLE listening_posts ADD COLUMN checklist TEXT NOT NULL DEFAULT '{}';
ALTER TABLE listening_posts ADD COLUMN retired_at TIMESTAMPTZ;
CREATE INDEX recovery_cases_closed_at ON recovery_cases (closed_at);

-- +goose Down
DROP INDEX recovery_cases_closed_at;
ALTER TABLE listening_posts DROP COLUMN retired_at;
ALTER TABLE listening_posts DROP COLUMN checklist;
ALTER TABLE listening_posts DROP COLUMN questions;
ALTER TABLE listening_posts DROP COLUMN owner_employee_id;
ALTER TABLE listening_posts DROP COLUMN purpose;
DROP TABLE channel_sources;
