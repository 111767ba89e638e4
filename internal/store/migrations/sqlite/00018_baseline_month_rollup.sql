-- The recovery report's baseline as month cohorts (SQLite). Keep in step
-- with ../postgres/00018_baseline_month_rollup.sql.
--
-- The recovery rate of customers with a case is compared with customers
-- who never had one: for each whole UTC month, the customers without a case
-- who bought that month (a purchase of positive total) and how many of them
-- bought again within 90 days of their first purchase that month. The
-- report sums the months of its period, so it reads O(months) rows instead
-- of every purchase (store.BaselineRetention says why cohorts).
--
-- baseline_customer_month keeps, per customer and month ('YYYY-MM-01') with
-- a positive purchase, the first of them and the customer's next positive
-- purchase after it, whenever that is (NULL: none yet). It is a function of
-- the purchases alone, kept by triggers on every insert, correction (of the
-- customer, the time, or a total that becomes or stops being positive) and
-- delete: a new purchase at t becomes the next purchase of each earlier row
-- whose next was later than t or missing; a removed one makes the rows that
-- named it first or next look again. A purchase at the same instant as a
-- row's first is not its next.
--
-- baseline_month counts those rows for customers without any case, per
-- month and shard (customer id % 16, so that concurrent writers on
-- PostgreSQL do not all queue on one row): customers, and retained — next
-- at most 90 days (2,160 hours) after first. Triggers on
-- baseline_customer_month keep it, and triggers on recovery_cases take a
-- customer's rows out with their first case and put them back when their
-- last case is deleted or moved to another customer. Times are the
-- driver's UTC text, so first + 90 days is datetime(first, '+90 days')
-- with first's fraction and offset kept, compared as text like every
-- other timestamp here.
--
-- `fresco rollups rebuild` recomputes both (store.RebuildFeedbackRollups).

-- +goose Up
CREATE TABLE baseline_customer_month (
    customer_id INTEGER NOT NULL,
    month       TEXT NOT NULL,
    first_at    TIMESTAMP NOT NULL,
    next_at     TIMESTAMP,
    PRIMARY KEY (customer_id, month)
) WITHOUT ROWID;

CREATE TABLE baseline_month (
    month     TEXT NOT NULL,
    shard     INTEGER NOT NULL,
    customers INTEGER NOT NULL,
    retained  INTEGER NOT NULL,
    PRIMARY KEY (month, shard)
) WITHOUT ROWID;

-- Fill both from the purchases and cases already recorded, before the
-- triggers exist.
INSERT INTO baseline_customer_month (customer_id, month, first_at, next_at)
SELECT f.customer_id, f.month, f.first_at,
       (SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = f.customer_id AND p.total > 0 AND p.purchased_at > f.first_at)
FROM (SELECT customer_id, date(purchased_at, 'start of month') AS month, MIN(purchased_at) AS first_at
      FROM purchases WHERE customer_id IS NOT NULL AND total > 0 GROUP BY 1, 2) f;

INSERT INTO baseline_month (month, shard, customers, retained)
SELECT month, customer_id % 16, COUNT(*),
       SUM(next_at IS NOT NULL AND next_at <= datetime(first_at, '+90 days') || substr(first_at, 20))
FROM baseline_customer_month b
WHERE NOT EXISTS (SELECT 1 FROM recovery_cases c WHERE c.customer_id = b.customer_id)
GROUP BY 1, 2;

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

-- +goose StatementBegin
CREATE TRIGGER purchases_baseline_delete AFTER DELETE ON purchases
WHEN OLD.customer_id IS NOT NULL AND OLD.total > 0
BEGIN
    DELETE FROM baseline_customer_month
    WHERE customer_id = OLD.customer_id AND month = date(OLD.purchased_at, 'start of month') AND first_at = OLD.purchased_at
      AND NOT EXISTS (SELECT 1 FROM purchases WHERE customer_id = OLD.customer_id AND total > 0
                      AND purchased_at >= OLD.purchased_at AND purchased_at < date(OLD.purchased_at, 'start of month', '+1 month'));
    UPDATE baseline_customer_month
    SET first_at = (SELECT MIN(purchased_at) FROM purchases WHERE customer_id = OLD.customer_id AND total > 0 AND purchased_at >= OLD.purchased_at)
    WHERE customer_id = OLD.customer_id AND month = date(OLD.purchased_at, 'start of month') AND first_at = OLD.purchased_at;
    UPDATE baseline_customer_month
    SET next_at = (SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = OLD.customer_id AND p.total > 0
                   AND p.purchased_at > baseline_customer_month.first_at)
    WHERE customer_id = OLD.customer_id AND (next_at = OLD.purchased_at OR month = date(OLD.purchased_at, 'start of month'));
END;
-- +goose StatementEnd

-- A correction is the old purchase removed, then the new one added: the
-- statements of the two triggers above, each guarded by its condition.
-- +goose StatementBegin
CREATE TRIGGER purchases_baseline_update AFTER UPDATE OF customer_id, purchased_at, total ON purchases
WHEN OLD.customer_id IS NOT NEW.customer_id OR OLD.purchased_at IS NOT NEW.purchased_at OR (OLD.total > 0) <> (NEW.total > 0)
BEGIN
    DELETE FROM baseline_customer_month
    WHERE OLD.total > 0 AND customer_id = OLD.customer_id AND month = date(OLD.purchased_at, 'start of month') AND first_at = OLD.purchased_at
      AND NOT EXISTS (SELECT 1 FROM purchases WHERE customer_id = OLD.customer_id AND total > 0
                      AND purchased_at >= OLD.purchased_at AND purchased_at < date(OLD.purchased_at, 'start of month', '+1 month'));
    UPDATE baseline_customer_month
    SET first_at = (SELECT MIN(purchased_at) FROM purchases WHERE customer_id = OLD.customer_id AND total > 0 AND purchased_at >= OLD.purchased_at)
    WHERE OLD.total > 0 AND customer_id = OLD.customer_id AND month = date(OLD.purchased_at, 'start of month') AND first_at = OLD.purchased_at;
    UPDATE baseline_customer_month
    SET next_at = (SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = OLD.customer_id AND p.total > 0
                   AND p.purchased_at > baseline_customer_month.first_at)
    WHERE OLD.total > 0 AND customer_id = OLD.customer_id AND (next_at = OLD.purchased_at OR month = date(OLD.purchased_at, 'start of month'));
    UPDATE baseline_customer_month SET next_at = NEW.purchased_at
    WHERE NEW.total > 0 AND customer_id = NEW.customer_id AND first_at < NEW.purchased_at AND (next_at IS NULL OR next_at > NEW.purchased_at);
    INSERT INTO baseline_customer_month (customer_id, month, first_at, next_at)
    SELECT NEW.customer_id, date(NEW.purchased_at, 'start of month'), NEW.purchased_at,
           (SELECT MIN(purchased_at) FROM purchases WHERE customer_id = NEW.customer_id AND total > 0 AND purchased_at > NEW.purchased_at)
    WHERE NEW.customer_id IS NOT NULL AND NEW.total > 0
    ON CONFLICT (customer_id, month) DO UPDATE SET first_at = excluded.first_at, next_at = excluded.next_at
    WHERE excluded.first_at < baseline_customer_month.first_at;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER baseline_customer_month_insert AFTER INSERT ON baseline_customer_month
WHEN NOT EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = NEW.customer_id)
BEGIN
    INSERT INTO baseline_month (month, shard, customers, retained)
    VALUES (NEW.month, NEW.customer_id % 16, 1,
            NEW.next_at IS NOT NULL AND NEW.next_at <= datetime(NEW.first_at, '+90 days') || substr(NEW.first_at, 20))
    ON CONFLICT (month, shard) DO UPDATE SET customers = customers + 1, retained = retained + excluded.retained;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER baseline_customer_month_delete AFTER DELETE ON baseline_customer_month
WHEN NOT EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = OLD.customer_id)
BEGIN
    UPDATE baseline_month SET customers = customers - 1,
        retained = retained - (OLD.next_at IS NOT NULL AND OLD.next_at <= datetime(OLD.first_at, '+90 days') || substr(OLD.first_at, 20))
    WHERE month = OLD.month AND shard = OLD.customer_id % 16;
    DELETE FROM baseline_month WHERE month = OLD.month AND shard = OLD.customer_id % 16 AND customers = 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER baseline_customer_month_update AFTER UPDATE OF first_at, next_at ON baseline_customer_month
WHEN NOT EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = NEW.customer_id)
BEGIN
    UPDATE baseline_month SET
        retained = retained + (NEW.next_at IS NOT NULL AND NEW.next_at <= datetime(NEW.first_at, '+90 days') || substr(NEW.first_at, 20))
                            - (OLD.next_at IS NOT NULL AND OLD.next_at <= datetime(OLD.first_at, '+90 days') || substr(OLD.first_at, 20))
    WHERE month = NEW.month AND shard = NEW.customer_id % 16;
END;
-- +goose StatementEnd

-- A customer's first case takes their rows out of the counts; deleting or
-- moving away their last case puts them back.
-- +goose StatementBegin
CREATE TRIGGER recovery_cases_baseline_insert AFTER INSERT ON recovery_cases
WHEN NOT EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = NEW.customer_id AND id <> NEW.id)
BEGIN
    UPDATE baseline_month SET customers = customers - 1,
        retained = retained - (SELECT b.next_at IS NOT NULL AND b.next_at <= datetime(b.first_at, '+90 days') || substr(b.first_at, 20)
                               FROM baseline_customer_month b WHERE b.customer_id = NEW.customer_id AND b.month = baseline_month.month)
    WHERE shard = NEW.customer_id % 16 AND month IN (SELECT month FROM baseline_customer_month WHERE customer_id = NEW.customer_id);
    DELETE FROM baseline_month WHERE shard = NEW.customer_id % 16 AND customers = 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER recovery_cases_baseline_delete AFTER DELETE ON recovery_cases
WHEN NOT EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = OLD.customer_id)
BEGIN
    INSERT INTO baseline_month (month, shard, customers, retained)
    SELECT month, customer_id % 16, 1, next_at IS NOT NULL AND next_at <= datetime(first_at, '+90 days') || substr(first_at, 20)
    FROM baseline_customer_month WHERE customer_id = OLD.customer_id
    ON CONFLICT (month, shard) DO UPDATE SET customers = customers + 1, retained = retained + excluded.retained;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER recovery_cases_baseline_update AFTER UPDATE OF customer_id ON recovery_cases
WHEN OLD.customer_id <> NEW.customer_id
BEGIN
    INSERT INTO baseline_month (month, shard, customers, retained)
    SELECT month, customer_id % 16, 1, next_at IS NOT NULL AND next_at <= datetime(first_at, '+90 days') || substr(first_at, 20)
    FROM baseline_customer_month WHERE customer_id = OLD.customer_id
      AND NOT EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = OLD.customer_id)
    ON CONFLICT (month, shard) DO UPDATE SET customers = customers + 1, retained = retained + excluded.retained;
    UPDATE baseline_month SET customers = customers - 1,
        retained = retained - (SELECT b.next_at IS NOT NULL AND b.next_at <= datetime(b.first_at, '+90 days') || substr(b.first_at, 20)
                               FROM baseline_customer_month b WHERE b.customer_id = NEW.customer_id AND b.month = baseline_month.month)
    WHERE shard = NEW.customer_id % 16 AND month IN (SELECT month FROM baseline_customer_month WHERE customer_id = NEW.customer_id)
      AND NOT EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = NEW.customer_id AND id <> NEW.id);
    DELETE FROM baseline_month WHERE shard = NEW.customer_id % 16 AND customers = 0;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER recovery_cases_baseline_update;
DROP TRIGGER recovery_cases_baseline_delete;
DROP TRIGGER recovery_cases_baseline_insert;
DROP TRIGGER baseline_customer_month_update;
DROP TRIGGER baseline_customer_month_delete;
DROP TRIGGER baseline_customer_month_insert;
DROP TRIGGER purchases_baseline_update;
DROP TRIGGER purchases_baseline_delete;
DROP TRIGGER purchases_baseline_insert;
DROP TABLE baseline_month;
DROP TABLE baseline_customer_month;
