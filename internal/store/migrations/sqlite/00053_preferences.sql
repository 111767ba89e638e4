-- Remembered preferences (issue 15, item 1): what staff know of how a
-- customer likes to be served — "prefers the window table", "don't call
-- before 10", "allergic to nuts" — typed, with where it came from, whether
-- it is sensitive (shown only to the roles the owner allows) and until
-- when it holds. Keep in step with ../postgres/00053_preferences.sql and
-- with internal/store/preferences.go.
--
-- expires_on is a civil day 'YYYY-MM-DD' in the business's calendar (as
-- in 00047_goals), the last day the note holds; NULL: until removed. The
-- notes go with the customer's data export and are deleted by erasure.

-- +goose Up
CREATE TABLE customer_preferences (
    id                 INTEGER PRIMARY KEY,
    customer_id        INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind               TEXT NOT NULL CHECK (kind IN ('likes','dislikes','timing','dietary','accessibility','other')),
    text               TEXT NOT NULL,
    source             TEXT NOT NULL CHECK (source IN ('told_us','observed')),
    sensitive          BOOLEAN NOT NULL DEFAULT FALSE,
    sensitive_category TEXT NOT NULL DEFAULT '' CHECK (sensitive_category IN ('','health','family','other')),
    expires_on         TEXT,
    created_by         TEXT NOT NULL,
    version            INTEGER NOT NULL DEFAULT 1,
    created_at         TIMESTAMP NOT NULL,
    updated_at         TIMESTAMP NOT NULL
);
CREATE INDEX customer_preferences_customer ON customer_preferences (customer_id, id);

-- +goose Down
DROP TABLE customer_preferences;
