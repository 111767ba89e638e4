-- Storing a batch of purchases touches less again (SQLite; keep in step
-- with ../postgres/00064_purchase_ingest.sql, which also skips a check
-- SQLite's foreign keys make row by row).
--
-- purchases_location_date and purchases_served_by hold only purchases with
-- a location, or a serving employee. Every query that reads them names one
-- (location_id = ?, served_by = ?, which implies IS NOT NULL), yet a
-- purchase without one (a web order, most imported files) added an entry
-- at the NULL end of both: two of the eight index insertions of every such
-- purchase.

-- +goose Up
DROP INDEX purchases_location_date;
CREATE INDEX purchases_location_date ON purchases (location_id, purchased_at, id) WHERE location_id IS NOT NULL;
DROP INDEX purchases_served_by;
CREATE INDEX purchases_served_by ON purchases (served_by, purchased_at, id) WHERE served_by IS NOT NULL;

-- +goose Down
DROP INDEX purchases_served_by;
CREATE INDEX purchases_served_by ON purchases (served_by, purchased_at, id);
DROP INDEX purchases_location_date;
CREATE INDEX purchases_location_date ON purchases (location_id, purchased_at, id);
