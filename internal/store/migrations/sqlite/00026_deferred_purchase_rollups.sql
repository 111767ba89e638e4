-- Bulk purchase writes may defer the purchase rollups (SQLite). Keep in
-- step with ../postgres/00026_deferred_purchase_rollups.sql.
--
-- The insert triggers on purchases (acquisition rollup 00014, purchase
-- summary 00016, recovery baseline 00018) cost a few lookups and updates a
-- row, and made most of the demo's load at a million customers. A bulk
-- write (store.Tx.InsertPurchases) now puts a row in rollups_deferred
-- inside its transaction, skips the triggers, recomputes the rollups of the
-- customers it touched in set-based SQL, and deletes the row again before
-- it returns. The row is never committed, so other connections never see
-- it, and every other write fires the triggers as before; checking the
-- empty table costs a row a single lookup.

-- +goose Up
CREATE TABLE rollups_deferred (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);

DROP TRIGGER purchases_acquisition_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_acquisition_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL AND NEW.total > 0 AND NOT EXISTS (SELECT 1 FROM rollups_deferred)
BEGIN
    INSERT INTO acquisition_customer (customer_id, positive, revenue) VALUES (NEW.customer_id, 1, NEW.total)
    ON CONFLICT (customer_id) DO UPDATE SET positive = positive + 1, revenue = revenue + excluded.revenue;
    UPDATE acquisition_rollup SET revenue = revenue + NEW.total,
        repeat = repeat + ((SELECT positive FROM acquisition_customer WHERE customer_id = NEW.customer_id) = 2)
    WHERE source = (SELECT acquisition_source FROM customers WHERE id = NEW.customer_id) AND shard = NEW.customer_id % 16;
END;
-- +goose StatementEnd

DROP TRIGGER purchases_summary_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_summary_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rollups_deferred)
BEGIN
    INSERT INTO purchase_summary_refresh (customer_id) VALUES (NEW.customer_id);
END;
-- +goose StatementEnd

DROP TRIGGER purchases_baseline_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_baseline_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL AND NEW.total > 0 AND NOT EXISTS (SELECT 1 FROM rollups_deferred)
BEGIN
    UPDATE baseline_customer_month SET next_at = NEW.purchased_at
    WHERE customer_id = NEW.customer_id AND first_at < NEW.purchased_at AND (next_at IS NULL OR next_at > NEW.purchased_at);
    INSERT INTO baseline_customer_month (customer_id, month, first_at, next_at)
    SELECT NEW.customer_id, date(NEW.purchased_at, 'start of month'), NEW.purchased_at,
           (SELECT MIN(purchased_at) FROM purchases WHERE customer_id = NEW.customer_id AND total > 0 AND purchased_at > NEW.purchased_at)
    WHERE true
    ON CONFLICT (customer_id, month) DO UPDATE SET first_at = excluded.first_at, next_at = excluded.next_at
    WHERE excluded.first_at < baseline_customer_month.first_at;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER purchases_baseline_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_baseline_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL AND NEW.total > 0
BEGIN
    UPDATE baseline_customer_month SET next_at = NEW.purchased_at
    WHERE customer_id = NEW.customer_id AND first_at < NEW.purchased_at AND (next_at IS NULL OR next_at > NEW.purchased_at);
    INSERT INTO baseline_customer_month (customer_id, month, first_at, next_at)
    SELECT NEW.customer_id, date(NEW.purchased_at, 'start of month'), NEW.purchased_at,
           (SELECT MIN(purchased_at) FROM purchases WHERE customer_id = NEW.customer_id AND total > 0 AND purchased_at > NEW.purchased_at)
    WHERE true
    ON CONFLICT (customer_id, month) DO UPDATE SET first_at = excluded.first_at, next_at = excluded.next_at
    WHERE excluded.first_at < baseline_customer_month.first_at;
END;
-- +goose StatementEnd

DROP TRIGGER purchases_summary_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_summary_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL
BEGIN
    INSERT INTO purchase_summary_refresh (customer_id) VALUES (NEW.customer_id);
END;
-- +goose StatementEnd

DROP TRIGGER purchases_acquisition_insert;
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

DROP TABLE rollups_deferred;
