-- Each customer's purchase summary (SQLite). Keep in step with
-- ../postgres/00016_customer_purchase_summary.sql and with
-- purchaseSummarySelect in internal/store/purchase_summary.go.
--
-- One row per customer with purchases: how many, the first and the last,
-- the location of the last (the latest purchased_at, then the highest id),
-- the first with a positive total, and the one or two middle values of the
-- gaps between consecutive purchases, in microseconds (the precision every
-- purchase time is stored at), from which the median interval follows
-- exactly. "Satisfied but leaving" read every purchase of every candidate
-- on each view to find those; now it reads one row per candidate.
--
-- A median cannot be kept by increments, so a purchase write recomputes its
-- customer's row (or rows, when a merge moves it) from that customer's
-- purchases through purchases_customer: the cost of one customer's history,
-- in the transaction of the write, whatever path writes. A customer with
-- no purchases left has no row.
--
-- The recomputation is written once, as an INSTEAD OF trigger on the view
-- purchase_summary_refresh: inserting a customer id there refreshes that
-- customer's row, and the triggers on purchases do that for the customers
-- a write touches.
--
-- Times are stored as UTC text, 'YYYY-MM-DD HH:MM:SS[.ffffff]+00:00'; the
-- microseconds are the whole seconds of the first 19 characters and the
-- fraction's digits, read as text because SQLite's date functions round
-- fractions to milliseconds.

-- +goose Up
CREATE TABLE customer_purchase_summary (
    customer_id       INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    purchases         INTEGER NOT NULL,
    first_at          TIMESTAMP NOT NULL,
    last_at           TIMESTAMP NOT NULL,
    last_location_id  INTEGER,
    first_positive_at TIMESTAMP,
    gap_low_us        INTEGER,
    gap_high_us       INTEGER
);
CREATE INDEX customer_purchase_summary_first_positive ON customer_purchase_summary (first_positive_at);

CREATE VIEW purchase_summary_refresh AS SELECT customer_id FROM customer_purchase_summary WHERE 0;

-- +goose StatementBegin
CREATE TRIGGER purchase_summary_refresh INSTEAD OF INSERT ON purchase_summary_refresh
BEGIN
    DELETE FROM customer_purchase_summary WHERE customer_id = NEW.customer_id;
    INSERT INTO customer_purchase_summary (customer_id, purchases, first_at, last_at, last_location_id, first_positive_at, gap_low_us, gap_high_us)
    SELECT s.customer_id, s.purchases, s.first_at, s.last_at,
        (SELECT x.location_id FROM purchases x WHERE x.customer_id = s.customer_id ORDER BY x.purchased_at DESC, x.id DESC LIMIT 1),
        s.first_positive_at, m.gap_low, m.gap_high
    FROM (SELECT customer_id, COUNT(*) AS purchases, MIN(purchased_at) AS first_at, MAX(purchased_at) AS last_at,
            MIN(CASE WHEN total > 0 THEN purchased_at END) AS first_positive_at
        FROM purchases WHERE customer_id = NEW.customer_id GROUP BY customer_id) s
    LEFT JOIN (SELECT customer_id, MIN(gap) AS gap_low, MAX(gap) AS gap_high
        FROM (SELECT customer_id, gap, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY gap) AS k,
                COUNT(*) OVER (PARTITION BY customer_id) AS m
            FROM (SELECT customer_id, us - LAG(us) OVER (PARTITION BY customer_id ORDER BY us) AS gap
                FROM (SELECT customer_id, unixepoch(substr(purchased_at, 1, 19)) * 1000000
                        + CASE WHEN substr(purchased_at, 20, 1) = '.'
                            THEN CAST(substr(substr(purchased_at, 21, length(purchased_at) - 26) || '000000', 1, 6) AS INTEGER) ELSE 0 END AS us
                    FROM purchases WHERE customer_id = NEW.customer_id) p) g
            WHERE gap IS NOT NULL) r
        WHERE k IN ((m + 1) / 2, m / 2 + 1) GROUP BY customer_id) m ON m.customer_id = s.customer_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER purchases_summary_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL
BEGIN
    INSERT INTO purchase_summary_refresh (customer_id) VALUES (NEW.customer_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER purchases_summary_delete AFTER DELETE ON purchases
WHEN OLD.customer_id IS NOT NULL
BEGIN
    INSERT INTO purchase_summary_refresh (customer_id) VALUES (OLD.customer_id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER purchases_summary_update AFTER UPDATE OF customer_id, purchased_at, total, location_id ON purchases
BEGIN
    INSERT INTO purchase_summary_refresh (customer_id) SELECT OLD.customer_id WHERE OLD.customer_id IS NOT NULL;
    INSERT INTO purchase_summary_refresh (customer_id) SELECT NEW.customer_id
    WHERE NEW.customer_id IS NOT NULL AND NEW.customer_id IS NOT OLD.customer_id;
END;
-- +goose StatementEnd

-- Fill it from the purchases already recorded.
INSERT INTO purchase_summary_refresh (customer_id) SELECT DISTINCT customer_id FROM purchases WHERE customer_id IS NOT NULL;

-- +goose Down
DROP TRIGGER purchases_summary_update;
DROP TRIGGER purchases_summary_delete;
DROP TRIGGER purchases_summary_insert;
DROP TRIGGER purchase_summary_refresh;
DROP VIEW purchase_summary_refresh;
DROP TABLE customer_purchase_summary;
