-- Indexes for the recurrence check (both engines alike; keep in step with
-- the other engine's 00033). Each open and close of a case counts the
-- cases of its category, product and location opened in the last 30 days
-- (store.Tx.CountCasesSince); through recovery_cases_opened that read
-- every case of the window, a cost that grew with the business — at
-- 50,000 cases (the demo at a million customers) about 2,000 rows per
-- count, six counts per case (issue 10). These hold the counted rows in
-- order, with the status the count filters on, so a count reads only the
-- matching entries of the window.
-- +goose Up
CREATE INDEX recovery_cases_category_opened ON recovery_cases (category, opened_at, status);
CREATE INDEX recovery_cases_product_opened ON recovery_cases (product_id, opened_at, status);
CREATE INDEX recovery_cases_location_opened ON recovery_cases (location_id, opened_at, status);

-- +goose Down
DROP INDEX recovery_cases_location_opened;
DROP INDEX recovery_cases_product_opened;
DROP INDEX recovery_cases_category_opened;
