-- The cases merged into a case (both engines alike; keep in step with the
-- other engine's 00049). A case's timeline reads its own events and those
-- of the cases merged into it (merged_into = ?); without an index that
-- read every case, on each view of a case (GET /cases/{id} and
-- /api/v1/cases/{id}: 50,000 cases scanned a view at a million customers).
-- Few cases are ever merged, so the index keeps only those.
-- +goose Up
CREATE INDEX recovery_cases_merged_into ON recovery_cases (merged_into) WHERE merged_into IS NOT NULL;

-- +goose Down
DROP INDEX recovery_cases_merged_into;
