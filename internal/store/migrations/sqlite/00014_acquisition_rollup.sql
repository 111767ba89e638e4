-- The acquisition rollup (SQLite). Keep in step with
-- ../postgres/00014_acquisition_rollup.sql.
--
-- "How did you hear about us?" by what those customers went on to do: per
-- acquisition source, the customers, those with more than one positive
-- purchase (repeat) and the sum of their positive purchases (revenue). The
-- report used to join every customer with every purchase on each view.
--
-- Why triggers, not a cache keyed by a data version: the figures change on
-- any purchase insert, correction, reassignment (a merge) or delete and on
-- any change of a customer's source, and no cheap key sees all of those
-- (max(id) and a count miss corrections; a version row bumped on every
-- write is the same hot row as this). Triggers keep it exact on every path
-- (API, batch ingest, import, demo, merge, restore). Their cost on ingest
-- is one customer lookup and two small row updates per purchase of
-- positive total (`fresco bench ingest`, see the CHANGELOG). Each source's row is
-- split into 16 shards by customer id so that concurrent writers on
-- PostgreSQL do not all queue on one row lock; the report sums them.
--
-- A customer counts as repeat with two or more purchases of positive total.
-- acquisition_customer keeps each customer's count and sum of those, so a
-- purchase write is two increments — the customer's, then their source's,
-- which changes repeat exactly when the count passes between 1 and 2 — and
-- never depends on the order in which one statement's rows are seen (a
-- PostgreSQL AFTER trigger sees every row of its statement at once).

-- +goose Up
CREATE TABLE acquisition_rollup (
    source    TEXT NOT NULL,
    shard     INTEGER NOT NULL,
    customers INTEGER NOT NULL,
    repeat    INTEGER NOT NULL,
    revenue   INTEGER NOT NULL,
    PRIMARY KEY (source, shard)
) WITHOUT ROWID;

CREATE TABLE acquisition_customer (
    customer_id INTEGER PRIMARY KEY,
    positive    INTEGER NOT NULL CHECK (positive >= 0),
    revenue     INTEGER NOT NULL
);

-- +goose StatementBegin
CREATE TRIGGER customers_acquisition_insert AFTER INSERT ON customers
BEGIN
    INSERT INTO acquisition_rollup (source, shard, customers, repeat, revenue)
    SELECT NEW.acquisition_source, NEW.id % 16, 1, COALESCE(MAX(positive > 1), 0), COALESCE(MAX(revenue), 0)
    FROM acquisition_customer WHERE customer_id = NEW.id
    ON CONFLICT (source, shard) DO UPDATE SET customers = customers + 1,
        repeat = repeat + excluded.repeat, revenue = revenue + excluded.revenue;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER customers_acquisition_delete AFTER DELETE ON customers
BEGIN
    UPDATE acquisition_rollup SET customers = customers - 1,
        repeat = repeat - COALESCE((SELECT positive > 1 FROM acquisition_customer WHERE customer_id = OLD.id), 0),
        revenue = revenue - COALESCE((SELECT revenue FROM acquisition_customer WHERE customer_id = OLD.id), 0)
    WHERE source = OLD.acquisition_source AND shard = OLD.id % 16;
    DELETE FROM acquisition_customer WHERE customer_id = OLD.id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER customers_acquisition_update AFTER UPDATE OF acquisition_source ON customers
WHEN OLD.acquisition_source <> NEW.acquisition_source
BEGIN
    UPDATE acquisition_rollup SET customers = customers - 1,
        repeat = repeat - COALESCE((SELECT positive > 1 FROM acquisition_customer WHERE customer_id = OLD.id), 0),
        revenue = revenue - COALESCE((SELECT revenue FROM acquisition_customer WHERE customer_id = OLD.id), 0)
    WHERE source = OLD.acquisition_source AND shard = OLD.id % 16;
    INSERT INTO acquisition_rollup (source, shard, customers, repeat, revenue)
    SELECT NEW.acquisition_source, NEW.id % 16, 1, COALESCE(MAX(positive > 1), 0), COALESCE(MAX(revenue), 0)
    FROM acquisition_customer WHERE customer_id = NEW.id
    ON CONFLICT (source, shard) DO UPDATE SET customers = customers + 1,
        repeat = repeat + excluded.repeat, revenue = revenue + excluded.revenue;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER purchases_acquisition_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL AND NEW.total > 0
BEGIN
    INSERT INTO acquisition_customer (customer_id, positive, revenue) VALUES (NEW.customer_id, 1, NEW.total)
    ON CONFLICT (customer_id) DO UPDATE SET positive = positive + 1, revenue = revenue + excluded.revenue;
    UPDATE acquisition_rollup SET revenue = revenue + NEW.total,
        repeat = repeat + ((SELECT positive FROM acquisition_customer WHERE customer_id = NEW.customer_id) = 2)
    WHERE source = (SELECT acquisition_source FROM customers WHERE id = NEW.customer_id) AND shard = NEW.customer_id % 16;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER purchases_acquisition_delete AFTER DELETE ON purchases
WHEN OLD.customer_id IS NOT NULL AND OLD.total > 0
BEGIN
    UPDATE acquisition_customer SET positive = positive - 1, revenue = revenue - OLD.total WHERE customer_id = OLD.customer_id;
    UPDATE acquisition_rollup SET revenue = revenue - OLD.total,
        repeat = repeat - ((SELECT positive FROM acquisition_customer WHERE customer_id = OLD.customer_id) = 1)
    WHERE source = (SELECT acquisition_source FROM customers WHERE id = OLD.customer_id) AND shard = OLD.customer_id % 16;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER purchases_acquisition_update AFTER UPDATE OF customer_id, total ON purchases
BEGIN
    UPDATE acquisition_customer SET positive = positive - 1, revenue = revenue - OLD.total
    WHERE OLD.total > 0 AND customer_id = OLD.customer_id;
    UPDATE acquisition_rollup SET revenue = revenue - OLD.total,
        repeat = repeat - ((SELECT positive FROM acquisition_customer WHERE customer_id = OLD.customer_id) = 1)
    WHERE OLD.customer_id IS NOT NULL AND OLD.total > 0
      AND source = (SELECT acquisition_source FROM customers WHERE id = OLD.customer_id) AND shard = OLD.customer_id % 16;
    INSERT INTO acquisition_customer (customer_id, positive, revenue) SELECT NEW.customer_id, 1, NEW.total
    WHERE NEW.customer_id IS NOT NULL AND NEW.total > 0
    ON CONFLICT (customer_id) DO UPDATE SET positive = positive + 1, revenue = revenue + excluded.revenue;
    UPDATE acquisition_rollup SET revenue = revenue + NEW.total,
        repeat = repeat + ((SELECT positive FROM acquisition_customer WHERE customer_id = NEW.customer_id) = 2)
    WHERE NEW.customer_id IS NOT NULL AND NEW.total > 0
      AND source = (SELECT acquisition_source FROM customers WHERE id = NEW.customer_id) AND shard = NEW.customer_id % 16;
END;
-- +goose StatementEnd

-- Fill both from the customers and purchases already recorded.
INSERT INTO acquisition_customer (customer_id, positive, revenue)
SELECT customer_id, COUNT(*), SUM(total) FROM purchases WHERE customer_id IS NOT NULL AND total > 0 GROUP BY customer_id;
INSERT INTO acquisition_rollup (source, shard, customers, repeat, revenue)
SELECT c.acquisition_source, c.id % 16, COUNT(*), COALESCE(SUM(CASE WHEN t.positive > 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(t.revenue), 0)
FROM customers c LEFT JOIN acquisition_customer t ON t.customer_id = c.id
GROUP BY c.acquisition_source, c.id % 16;

-- +goose Down
DROP TRIGGER purchases_acquisition_update;
DROP TRIGGER purchases_acquisition_delete;
DROP TRIGGER purchases_acquisition_insert;
DROP TRIGGER customers_acquisition_update;
DROP TRIGGER customers_acquisition_delete;
DROP TRIGGER customers_acquisition_insert;
DROP TABLE acquisition_customer;
DROP TABLE acquisition_rollup;
