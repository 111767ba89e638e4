-- Indexes of the staff lists' sorts (postgres). Keep in step with
-- ../sqlite/00021_list_sorts.sql.
--
-- The UI lists (store/list_pages.go) page by keyset on (sort column, id):
-- each sort, alone or after the filter it is most used with, has an index
-- ending in the id, so that a page reads about a page of index entries at
-- any size. Indexes that were a prefix of a new one are replaced by it.
-- The case list's due time puts cases without a deadline last; its
-- expression must stay the text of store.caseDue.

-- +goose Up
CREATE INDEX customers_name ON customers (name, id);
CREATE INDEX customers_first_seen ON customers (first_seen, id);
CREATE INDEX purchases_date ON purchases (purchased_at, id);
CREATE INDEX purchases_total ON purchases (total, id);
CREATE INDEX purchases_location_date ON purchases (location_id, purchased_at, id);
DROP INDEX purchases_served_by;
CREATE INDEX purchases_served_by ON purchases (served_by, purchased_at, id);
DROP INDEX responses_at;
CREATE INDEX responses_at ON responses (responded_at, id);
DROP INDEX responses_employee;
CREATE INDEX responses_employee ON responses (employee_id, responded_at, id);
DROP INDEX responses_location;
CREATE INDEX responses_location ON responses (location_id, responded_at, id);
CREATE INDEX follow_ups_due_at ON follow_ups (due_at, id);
CREATE INDEX recovery_cases_due ON recovery_cases ((COALESCE(sla_deadline, TIMESTAMPTZ '9999-12-31 00:00:00+00')), id);
CREATE INDEX recovery_cases_status_due ON recovery_cases (status, (COALESCE(sla_deadline, TIMESTAMPTZ '9999-12-31 00:00:00+00')), id);

-- +goose Down
DROP INDEX recovery_cases_status_due;
DROP INDEX recovery_cases_due;
DROP INDEX follow_ups_due_at;
DROP INDEX responses_location;
CREATE INDEX responses_location ON responses (location_id, responded_at);
DROP INDEX responses_employee;
CREATE INDEX responses_employee ON responses (employee_id, responded_at);
DROP INDEX responses_at;
CREATE INDEX responses_at ON responses (responded_at);
DROP INDEX purchases_served_by;
CREATE INDEX purchases_served_by ON purchases (served_by);
DROP INDEX purchases_location_date;
DROP INDEX purchases_total;
DROP INDEX purchases_date;
DROP INDEX customers_first_seen;
DROP INDEX customers_name;
