-- New customers by day and source (SQLite). Keep in step with
-- ../postgres/00071_acquisition_daily.sql.
--
-- The acquisition reports (value.Sources, value.AcquisitionRetention)
-- count a period's new customers by source. Counted live through the
-- first_seen index, a year at a million customers was a quarter of a
-- million rows per view, and the per-refit sums of the valued customers
-- were by month, so the part-months at a period's ends were read customer
-- by customer. acquisition_daily keeps the count per UTC day of first_seen
-- and source — a year is about 365 × sources rows, whatever the number of
-- customers — and a period is a sum of days. It is not split in shards as
-- acquisition_rollup (00014) is: a read sums every shard, and a batch of
-- new customers already takes every shard of its sources there; what it
-- adds on PostgreSQL is single-customer writes of one source on one day
-- queueing for each other's short transactions. Triggers keep it exact on every path (a customer
-- added, deleted or merged away, their source or first_seen corrected — a
-- purchase dated before it moves it back); `fresco rollups rebuild`
-- rewrites it from customers.
--
-- acquisition_edits counts the corrections (a source or first-seen day
-- changed, a customer deleted), in 16 shards by customer id so that
-- corrections on PostgreSQL do not queue on one row: the per-refit sums of the valued
-- customers by day are kept per refit and per this count, so that a
-- correction between refits shows at once, as in the query over the
-- customers. Adding a customer does not count: a new customer is not valued
-- until the next refit.

-- +goose Up
CREATE TABLE acquisition_daily (
    day       TEXT NOT NULL,
    source    TEXT NOT NULL,
    customers INTEGER NOT NULL CHECK (customers >= 0),
    PRIMARY KEY (day, source)
) WITHOUT ROWID;

CREATE TABLE acquisition_edits (
    shard INTEGER PRIMARY KEY,
    n     INTEGER NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER customers_acquisition_daily_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO acquisition_daily (day, source, customers) VALUES (date(NEW.first_seen), NEW.acquisition_source, 1)
    ON CONFLICT (day, source) DO UPDATE SET customers = customers + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER customers_acquisition_daily_delete AFTER DELETE ON customers
BEGIN
    UPDATE acquisition_daily SET customers = customers - 1
    WHERE day = date(OLD.first_seen) AND source = OLD.acquisition_source;
    INSERT INTO acquisition_edits (shard, n) VALUES (OLD.id % 16, 1) ON CONFLICT (shard) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER customers_acquisition_daily_update AFTER UPDATE OF first_seen, acquisition_source ON customers
WHEN date(OLD.first_seen) IS NOT date(NEW.first_seen) OR OLD.acquisition_source <> NEW.acquisition_source
BEGIN
    UPDATE acquisition_daily SET customers = customers - 1
    WHERE day = date(OLD.first_seen) AND source = OLD.acquisition_source;
    INSERT INTO acquisition_daily (day, source, customers) VALUES (date(NEW.first_seen), NEW.acquisition_source, 1)
    ON CONFLICT (day, source) DO UPDATE SET customers = customers + 1;
    INSERT INTO acquisition_edits (shard, n) VALUES (NEW.id % 16, 1) ON CONFLICT (shard) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- Fill it from the customers already recorded.
INSERT INTO acquisition_daily (day, source, customers)
SELECT date(first_seen), acquisition_source, COUNT(*) FROM customers GROUP BY 1, 2;

-- +goose Down
DROP TRIGGER customers_acquisition_daily_update;
DROP TRIGGER customers_acquisition_daily_delete;
DROP TRIGGER customers_acquisition_daily_insert;
DROP TABLE acquisition_edits;
DROP TABLE acquisition_daily;
