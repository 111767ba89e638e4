-- Two indexes for pages that read history (both engines alike; keep in
-- step with the other engine's 00049).
--
-- The cases merged into a case. A case's timeline reads its own events and
-- those of the cases merged into it (merged_into = ?); without an index that
-- read every case, on each view of a case (GET /cases/{id} and
-- /api/v1/cases/{id}: 50,000 cases scanned a view at a million customers).
-- Few cases are ever merged, so the index keeps only those.
--
-- A team's unassigned call tasks. An agent's calls are theirs or their
-- team's unassigned ones (store.ListCallTasks); the team's side had no
-- index, so the list read every open task (55,000 at a million customers).
-- +goose Up
CREATE INDEX recovery_cases_merged_into ON recovery_cases (merged_into) WHERE merged_into IS NOT NULL;
CREATE INDEX call_tasks_team_unassigned ON call_tasks (team_id, status) WHERE employee_id IS NULL;

-- +goose Down
DROP INDEX call_tasks_team_unassigned;
DROP INDEX recovery_cases_merged_into;
