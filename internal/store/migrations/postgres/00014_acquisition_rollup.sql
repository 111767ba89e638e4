-- The acquisition rollup (PostgreSQL). Keep in step with
-- ../sqlite/00014_acquisition_rollup.sql, which says what it is for, why
-- triggers and how they count.

-- +goose Up
CREATE TABLE acquisition_rollup (
    source    TEXT NOT NULL,
    shard     INTEGER NOT NULL,
    customers BIGINT NOT NULL,
    repeat    BIGINT NOT NULL,
    revenue   BIGINT NOT NULL,
    PRIMARY KEY (source, shard)
);

CREATE TABLE acquisition_customer (
    customer_id BIGINT PRIMARY KEY,
    positive    BIGINT NOT NULL CHECK (positive >= 0),
    revenue     BIGINT NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION customers_acquisition() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k BIGINT;
    rev BIGINT;
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.acquisition_source = NEW.acquisition_source THEN
        RETURN NULL;
    END IF;
    SELECT COALESCE(MAX(positive), 0), COALESCE(MAX(revenue), 0) INTO k, rev
    FROM acquisition_customer WHERE customer_id = COALESCE(NEW.id, OLD.id);
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE acquisition_rollup SET customers = customers - 1,
            repeat = repeat - CASE WHEN k > 1 THEN 1 ELSE 0 END, revenue = revenue - rev
        WHERE source = OLD.acquisition_source AND shard = OLD.id % 16;
    END IF;
    IF TG_OP = 'DELETE' THEN
        DELETE FROM acquisition_customer WHERE customer_id = OLD.id;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO acquisition_rollup AS a (source, shard, customers, repeat, revenue)
        VALUES (NEW.acquisition_source, NEW.id % 16, 1, CASE WHEN k > 1 THEN 1 ELSE 0 END, rev)
        ON CONFLICT (source, shard) DO UPDATE SET customers = a.customers + 1,
            repeat = a.repeat + excluded.repeat, revenue = a.revenue + excluded.revenue;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION purchases_acquisition() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    k BIGINT;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.customer_id IS NOT NULL AND OLD.total > 0 THEN
        UPDATE acquisition_customer SET positive = positive - 1, revenue = revenue - OLD.total
        WHERE customer_id = OLD.customer_id RETURNING positive INTO k;
        UPDATE acquisition_rollup SET revenue = revenue - OLD.total,
            repeat = repeat - CASE WHEN k = 1 THEN 1 ELSE 0 END
        WHERE source = (SELECT acquisition_source FROM customers WHERE id = OLD.customer_id) AND shard = OLD.customer_id % 16;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.customer_id IS NOT NULL AND NEW.total > 0 THEN
        INSERT INTO acquisition_customer AS c (customer_id, positive, revenue) VALUES (NEW.customer_id, 1, NEW.total)
        ON CONFLICT (customer_id) DO UPDATE SET positive = c.positive + 1, revenue = c.revenue + excluded.revenue
        RETURNING positive INTO k;
        UPDATE acquisition_rollup SET revenue = revenue + NEW.total,
            repeat = repeat + CASE WHEN k = 2 THEN 1 ELSE 0 END
        WHERE source = (SELECT acquisition_source FROM customers WHERE id = NEW.customer_id) AND shard = NEW.customer_id % 16;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER customers_acquisition_insert AFTER INSERT ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_acquisition();
CREATE TRIGGER customers_acquisition_delete AFTER DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_acquisition();
CREATE TRIGGER customers_acquisition_update AFTER UPDATE OF acquisition_source ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_acquisition();
CREATE TRIGGER purchases_acquisition_insert AFTER INSERT ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_acquisition();
CREATE TRIGGER purchases_acquisition_delete AFTER DELETE ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_acquisition();
CREATE TRIGGER purchases_acquisition_update AFTER UPDATE OF customer_id, total ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_acquisition();

-- Fill both from the customers and purchases already recorded.
INSERT INTO acquisition_customer (customer_id, positive, revenue)
SELECT customer_id, COUNT(*), SUM(total) FROM purchases WHERE customer_id IS NOT NULL AND total > 0 GROUP BY customer_id;
INSERT INTO acquisition_rollup (source, shard, customers, repeat, revenue)
SELECT c.acquisition_source, c.id % 16, COUNT(*), COALESCE(SUM(CASE WHEN t.positive > 1 THEN 1 ELSE 0 END), 0), COALESCE(SUM(t.revenue), 0)
FROM customers c LEFT JOIN acquisition_customer t ON t.customer_id = c.id
GROUP BY c.acquisition_source, c.id % 16;

-- +goose Down
DROP TRIGGER purchases_acquisition_update ON purchases;
DROP TRIGGER purchases_acquisition_delete ON purchases;
DROP TRIGGER purchases_acquisition_insert ON purchases;
DROP TRIGGER customers_acquisition_update ON customers;
DROP TRIGGER customers_acquisition_delete ON customers;
DROP TRIGGER customers_acquisition_insert ON customers;
DROP FUNCTION purchases_acquisition();
DROP FUNCTION customers_acquisition();
DROP TABLE acquisition_customer;
DROP TABLE acquisition_rollup;
