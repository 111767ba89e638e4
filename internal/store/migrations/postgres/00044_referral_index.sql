-- A customer's referrals, in id order (both engines alike; keep in step
-- with the other engine's 00044). The profile and the API list them with
-- referred_by = ? ORDER BY id LIMIT ?. SQLite's index on (referred_by)
-- already held each value's rows in rowid order; PostgreSQL's holds them in
-- the table's order, so the planner had to choose between sorting a
-- referrer's rows and walking the primary key filtering on referred_by — and
-- at a million customers, before statistics said how rare each referrer
-- is, it walked all of them (2.5 s for a profile). With the id in the
-- index both engines read the page straight from it.
-- +goose Up
DROP INDEX customers_referred_by;
CREATE INDEX customers_referred_by ON customers (referred_by, id);

-- +goose Down
DROP INDEX customers_referred_by;
CREATE INDEX customers_referred_by ON customers (referred_by);
