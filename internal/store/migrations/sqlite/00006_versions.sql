-- Record versions for optimistic locking (SQLite). Keep in step with
-- ../postgres/00006_versions.sql.
--
-- Every UPDATE of these tables sets version = version + 1 (grep for it in
-- internal/store). The API hands the version out as the record's ETag, and a
-- PATCH with If-Match updates only WHERE id = ? AND version = ?, so a change
-- made by someone else since the client's read is never silently lost.
-- Existing rows start at 1, as new ones do.

-- +goose Up
ALTER TABLE locations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE teams     ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE employees ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE customers ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
ALTER TABLE products  ADD COLUMN version INTEGER NOT NULL DEFAULT 1;

-- +goose Down
ALTER TABLE products  DROP COLUMN version;
ALTER TABLE customers DROP COLUMN version;
ALTER TABLE employees DROP COLUMN version;
ALTER TABLE teams     DROP COLUMN version;
ALTER TABLE locations DROP COLUMN version;
