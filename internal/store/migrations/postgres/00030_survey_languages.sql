-- Multi-language surveys (issue 12 item 3). A survey's own texts (name,
-- intro, thanks, question texts and choices) are in the business's default
-- language; its translations into other languages are one JSON document on
-- the survey row, {"de": {"name": …, "questions": {"nps": {"text": …,
-- "choices": {"Yes": "Ja"}}}}, …}, rather than a table keyed by survey,
-- question, field and locale, because the questions themselves are JSON on
-- the row: a question's key only means something inside that document, so
-- the translations live and move with it — one read for the form, one
-- version (ETag) for an edit, copied with the survey, and no rows left
-- behind by a removed question. Which texts lack which language is worked
-- out in Go from the two documents, never queried across surveys.
-- A response records the language it was answered in ('' = not known:
-- imported, recorded by staff or before this migration). Keep in step with
-- the other engine's 00030.
-- +goose Up
ALTER TABLE surveys ADD COLUMN translations TEXT NOT NULL DEFAULT '{}';
ALTER TABLE surveys ADD COLUMN thanks TEXT NOT NULL DEFAULT '';
ALTER TABLE responses ADD COLUMN language TEXT NOT NULL DEFAULT '';

-- +goose Down
ALTER TABLE responses DROP COLUMN language;
ALTER TABLE surveys DROP COLUMN thanks;
ALTER TABLE surveys DROP COLUMN translations;
