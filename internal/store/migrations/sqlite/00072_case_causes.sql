-- Issue 10 (sqlite; keep in step with ../postgres/00072_case_causes.sql).
--
-- The sources report counts the cases closed in a period by root cause and
-- month (store.ClosedCaseCauseCounts): this index holds every column it
-- reads, so a year's closed cases are counted from the index alone, never
-- the table's rows.

-- +goose Up
CREATE INDEX recovery_cases_closed_causes ON recovery_cases (status, closed_at, root_cause_source, root_cause_category);

-- +goose Down
DROP INDEX recovery_cases_closed_causes;
