-- The recovery report's baseline as month cohorts (PostgreSQL). Keep in
-- step with ../sqlite/00018_baseline_month_rollup.sql, which says what it
-- is for and how the triggers keep it. Months are UTC; 90 days are 2,160
-- hours whatever the session's time zone. A PostgreSQL AFTER trigger sees
-- every row of its statement at once, so the recovery_cases triggers are
-- per statement and compare each customer's cases before and after it.

-- +goose Up
CREATE TABLE baseline_customer_month (
    customer_id BIGINT NOT NULL,
    month       TEXT NOT NULL,
    first_at    TIMESTAMPTZ NOT NULL,
    next_at     TIMESTAMPTZ,
    PRIMARY KEY (customer_id, month)
);

CREATE TABLE baseline_month (
    month     TEXT NOT NULL,
    shard     INTEGER NOT NULL,
    customers BIGINT NOT NULL,
    retained  BIGINT NOT NULL,
    PRIMARY KEY (month, shard)
);

-- +goose StatementBegin
CREATE FUNCTION baseline_retained(first_at TIMESTAMPTZ, next_at TIMESTAMPTZ) RETURNS INTEGER
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN next_at <= first_at + interval '2160 hours' THEN 1 ELSE 0 END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION baseline_month_of(t TIMESTAMPTZ) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM') || '-01'
$$;
-- +goose StatementEnd

-- Fill both from the purchases and cases already recorded, before the
-- triggers exist.
INSERT INTO baseline_customer_month (customer_id, month, first_at, next_at)
SELECT f.customer_id, f.month, f.first_at,
       (SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = f.customer_id AND p.total > 0 AND p.purchased_at > f.first_at)
FROM (SELECT customer_id, baseline_month_of(purchased_at) AS month, MIN(purchased_at) AS first_at
      FROM purchases WHERE customer_id IS NOT NULL AND total > 0 GROUP BY 1, 2) f;

INSERT INTO baseline_month (month, shard, customers, retained)
SELECT month, customer_id % 16, COUNT(*), SUM(baseline_retained(first_at, next_at))
FROM baseline_customer_month b
WHERE NOT EXISTS (SELECT 1 FROM recovery_cases c WHERE c.customer_id = b.customer_id)
GROUP BY 1, 2;

-- +goose StatementBegin
CREATE FUNCTION purchases_baseline() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c BIGINT;
    t TIMESTAMPTZ;
    m TEXT;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.customer_id IS NOT DISTINCT FROM NEW.customer_id
       AND OLD.purchased_at = NEW.purchased_at AND (OLD.total > 0) = (NEW.total > 0) THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.customer_id IS NOT NULL AND OLD.total > 0 THEN
        c := OLD.customer_id;
        t := OLD.purchased_at;
        m := baseline_month_of(t);
        DELETE FROM baseline_customer_month
        WHERE customer_id = c AND month = m AND first_at = t
          AND NOT EXISTS (SELECT 1 FROM purchases WHERE customer_id = c AND total > 0
                          AND purchased_at >= t AND purchased_at < (m::date + interval '1 month') AT TIME ZONE 'UTC');
        UPDATE baseline_customer_month
        SET first_at = (SELECT MIN(purchased_at) FROM purchases WHERE customer_id = c AND total > 0 AND purchased_at >= t)
        WHERE customer_id = c AND month = m AND first_at = t;
        UPDATE baseline_customer_month b
        SET next_at = (SELECT MIN(p.purchased_at) FROM purchases p WHERE p.customer_id = c AND p.total > 0 AND p.purchased_at > b.first_at)
        WHERE b.customer_id = c AND (b.next_at = t OR b.month = m);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.customer_id IS NOT NULL AND NEW.total > 0 THEN
        c := NEW.customer_id;
        t := NEW.purchased_at;
        UPDATE baseline_customer_month SET next_at = t
        WHERE customer_id = c AND first_at < t AND (next_at IS NULL OR next_at > t);
        INSERT INTO baseline_customer_month AS b (customer_id, month, first_at, next_at)
        VALUES (c, baseline_month_of(t), t,
                (SELECT MIN(purchased_at) FROM purchases WHERE customer_id = c AND total > 0 AND purchased_at > t))
        ON CONFLICT (customer_id, month) DO UPDATE SET first_at = excluded.first_at, next_at = excluded.next_at
        WHERE excluded.first_at < b.first_at;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION baseline_customer_month_counts() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    c BIGINT := COALESCE(NEW.customer_id, OLD.customer_id);
BEGIN
    IF EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = c) THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO baseline_month AS b (month, shard, customers, retained)
        VALUES (NEW.month, c % 16, 1, baseline_retained(NEW.first_at, NEW.next_at))
        ON CONFLICT (month, shard) DO UPDATE SET customers = b.customers + 1, retained = b.retained + excluded.retained;
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE baseline_month SET customers = customers - 1, retained = retained - baseline_retained(OLD.first_at, OLD.next_at)
        WHERE month = OLD.month AND shard = c % 16;
        DELETE FROM baseline_month WHERE month = OLD.month AND shard = c % 16 AND customers = 0;
    ELSIF baseline_retained(NEW.first_at, NEW.next_at) <> baseline_retained(OLD.first_at, OLD.next_at) THEN
        UPDATE baseline_month
        SET retained = retained + baseline_retained(NEW.first_at, NEW.next_at) - baseline_retained(OLD.first_at, OLD.next_at)
        WHERE month = NEW.month AND shard = c % 16;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- baseline_cases_moved takes out of the counts the rows of customers who
-- had no case before a statement on recovery_cases and have one now, and
-- puts back those of customers who had one and have none: gained holds a
-- customer id for each case the statement gave them, lost one for each it
-- took away.
-- +goose StatementBegin
CREATE FUNCTION baseline_cases_moved(gained BIGINT[], lost BIGINT[]) RETURNS void LANGUAGE sql AS $$
    WITH d AS (SELECT customer_id, SUM(k) AS k
               FROM (SELECT unnest(gained) AS customer_id, 1 AS k UNION ALL SELECT unnest(lost), -1) x
               GROUP BY customer_id),
         s AS (SELECT d.customer_id, n.now, n.now - d.k AS before
               FROM d CROSS JOIN LATERAL (SELECT COUNT(*) AS now FROM recovery_cases r WHERE r.customer_id = d.customer_id) n),
         flip AS (SELECT customer_id, CASE WHEN now > 0 THEN -1 ELSE 1 END AS sign FROM s WHERE (before = 0) <> (now = 0))
    INSERT INTO baseline_month AS m (month, shard, customers, retained)
    SELECT b.month, b.customer_id % 16, SUM(f.sign), SUM(f.sign * baseline_retained(b.first_at, b.next_at))
    FROM flip f JOIN baseline_customer_month b ON b.customer_id = f.customer_id
    GROUP BY 1, 2
    ON CONFLICT (month, shard) DO UPDATE SET customers = m.customers + excluded.customers, retained = m.retained + excluded.retained;
    DELETE FROM baseline_month WHERE customers = 0;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION recovery_cases_baseline() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        PERFORM baseline_cases_moved(ARRAY(SELECT customer_id FROM new_cases), '{}');
    ELSIF TG_OP = 'DELETE' THEN
        PERFORM baseline_cases_moved('{}', ARRAY(SELECT customer_id FROM old_cases));
    ELSE
        PERFORM baseline_cases_moved(
            ARRAY(SELECT n.customer_id FROM new_cases n JOIN old_cases o ON o.id = n.id WHERE o.customer_id <> n.customer_id),
            ARRAY(SELECT o.customer_id FROM new_cases n JOIN old_cases o ON o.id = n.id WHERE o.customer_id <> n.customer_id));
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER purchases_baseline_insert AFTER INSERT ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_baseline();
CREATE TRIGGER purchases_baseline_delete AFTER DELETE ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_baseline();
CREATE TRIGGER purchases_baseline_update AFTER UPDATE OF customer_id, purchased_at, total ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_baseline();
CREATE TRIGGER baseline_customer_month_insert AFTER INSERT ON baseline_customer_month
    FOR EACH ROW EXECUTE FUNCTION baseline_customer_month_counts();
CREATE TRIGGER baseline_customer_month_delete AFTER DELETE ON baseline_customer_month
    FOR EACH ROW EXECUTE FUNCTION baseline_customer_month_counts();
CREATE TRIGGER baseline_customer_month_update AFTER UPDATE OF first_at, next_at ON baseline_customer_month
    FOR EACH ROW EXECUTE FUNCTION baseline_customer_month_counts();
-- Transition tables rule out a column list: the update trigger runs on
-- every case update and does nothing unless a case changed customer.
CREATE TRIGGER recovery_cases_baseline_insert AFTER INSERT ON recovery_cases
    REFERENCING NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION recovery_cases_baseline();
CREATE TRIGGER recovery_cases_baseline_delete AFTER DELETE ON recovery_cases
    REFERENCING OLD TABLE AS old_cases FOR EACH STATEMENT EXECUTE FUNCTION recovery_cases_baseline();
CREATE TRIGGER recovery_cases_baseline_update AFTER UPDATE ON recovery_cases
    REFERENCING OLD TABLE AS old_cases NEW TABLE AS new_cases FOR EACH STATEMENT EXECUTE FUNCTION recovery_cases_baseline();

-- +goose Down
DROP TRIGGER recovery_cases_baseline_update ON recovery_cases;
DROP TRIGGER recovery_cases_baseline_delete ON recovery_cases;
DROP TRIGGER recovery_cases_baseline_insert ON recovery_cases;
DROP TRIGGER baseline_customer_month_update ON baseline_customer_month;
DROP TRIGGER baseline_customer_month_delete ON baseline_customer_month;
DROP TRIGGER baseline_customer_month_insert ON baseline_customer_month;
DROP TRIGGER purchases_baseline_update ON purchases;
DROP TRIGGER purchases_baseline_delete ON purchases;
DROP TRIGGER purchases_baseline_insert ON purchases;
DROP FUNCTION recovery_cases_baseline();
DROP FUNCTION baseline_cases_moved(BIGINT[], BIGINT[]);
DROP FUNCTION baseline_customer_month_counts();
DROP FUNCTION purchases_baseline();
DROP FUNCTION baseline_month_of(TIMESTAMPTZ);
DROP FUNCTION baseline_retained(TIMESTAMPTZ, TIMESTAMPTZ);
DROP TABLE baseline_month;
DROP TABLE baseline_customer_month;
