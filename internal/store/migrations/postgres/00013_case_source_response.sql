-- At most one case per response (PostgreSQL). Keep in step with
-- ../sqlite/00013_case_source_response.sql.
--
-- The job that opens a case from a complaint may run twice at once (a
-- worker that overran its lease and the one that took the job over). It
-- records the complaint's response here in the transaction that opens the
-- case, so the second transaction hits the unique index and rolls back
-- instead of opening a second case. NULL for cases opened any other way,
-- and for complaint cases opened before this migration. No foreign key: the
-- case outlives whatever happens to the response.

-- +goose Up
ALTER TABLE recovery_cases ADD COLUMN source_response_id BIGINT;
CREATE UNIQUE INDEX recovery_cases_source_response ON recovery_cases (source_response_id);

-- +goose Down
DROP INDEX recovery_cases_source_response;
ALTER TABLE recovery_cases DROP COLUMN source_response_id;
