-- The survey admin page counts each survey's answers and asks whether a
-- survey has any before an edit (both engines alike; keep in step with the
-- other engine's 00024). responses had no index on survey_id, so both read
-- the whole table; this one lets the count be an index-only scan and the
-- "has answers" question one index probe.
-- +goose Up
CREATE INDEX responses_survey ON responses (survey_id, post_id);

-- +goose Down
DROP INDEX responses_survey;
