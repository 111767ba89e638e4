-- The cases resolved in a period (both engines alike; keep in step with
-- the other engine's 00055).
--
-- The scorecards count the cases an employee resolved in a period
-- (store.CaseOutcomes: owner, status resolved or closed, resolved_at in
-- the period) and the recognition feed the cases anyone resolved in the
-- last 90 days (store.RecoveredCustomers). recovery_cases_owner stopped at
-- the status, and the feed had only recovery_cases_status_due, so both
-- read every resolved case there ever was and looked at its resolved_at:
-- 50,000 cases a view at a million customers, where a period holds a few
-- thousand. recovery_cases_owner gains resolved_at (it serves what it
-- served: its first two columns are unchanged) and recovery_cases_resolved
-- serves the feed.
-- +goose Up
DROP INDEX recovery_cases_owner;
CREATE INDEX recovery_cases_owner ON recovery_cases (owner_id, status, resolved_at);
CREATE INDEX recovery_cases_resolved ON recovery_cases (status, resolved_at);

-- +goose Down
DROP INDEX recovery_cases_resolved;
DROP INDEX recovery_cases_owner;
CREATE INDEX recovery_cases_owner ON recovery_cases (owner_id, status);
