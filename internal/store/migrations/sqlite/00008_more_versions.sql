-- Record versions for the other records the API changes in place: purchases
-- (PATCH), listening posts (PATCH) and surveys (PUT). As in 00006_versions,
-- every UPDATE sets version = version + 1 and a write that carries If-Match
-- happens only WHERE version is still the one the caller read.

-- +goose Up
ALTER TABLE purchases       ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE listening_posts ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE surveys         ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE surveys         DROP COLUMN version;
ALTER TABLE listening_posts DROP COLUMN version;
ALTER TABLE purchases       DROP COLUMN version;
