-- New customers by day and source (PostgreSQL). Keep in step with
-- ../sqlite/00071_acquisition_daily.sql, which says what it is for. The day
-- is the UTC date of first_seen, as SQLite's date(x) gives it.

-- +goose Up
CREATE TABLE acquisition_daily (
    day       TEXT NOT NULL,
    source    TEXT NOT NULL,
    customers BIGINT NOT NULL CHECK (customers >= 0),
    PRIMARY KEY (day, source)
);

CREATE TABLE acquisition_edits (
    shard INTEGER PRIMARY KEY,
    n     BIGINT NOT NULL
);

-- +goose StatementBegin
CREATE FUNCTION customers_acquisition_daily() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND OLD.acquisition_source = NEW.acquisition_source
       AND to_char(OLD.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD') = to_char(NEW.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD') THEN
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        UPDATE acquisition_daily SET customers = customers - 1
        WHERE day = to_char(OLD.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD') AND source = OLD.acquisition_source;
        INSERT INTO acquisition_edits AS e (shard, n) VALUES (OLD.id % 16, 1) ON CONFLICT (shard) DO UPDATE SET n = e.n + 1;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        INSERT INTO acquisition_daily AS a (day, source, customers)
        VALUES (to_char(NEW.first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD'), NEW.acquisition_source, 1)
        ON CONFLICT (day, source) DO UPDATE SET customers = a.customers + 1;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER customers_acquisition_daily_insert AFTER INSERT ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_acquisition_daily();
CREATE TRIGGER customers_acquisition_daily_delete AFTER DELETE ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_acquisition_daily();
CREATE TRIGGER customers_acquisition_daily_update AFTER UPDATE OF first_seen, acquisition_source ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_acquisition_daily();

-- Fill it from the customers already recorded.
INSERT INTO acquisition_daily (day, source, customers)
SELECT to_char(first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD'), acquisition_source, COUNT(*) FROM customers GROUP BY 1, 2;

-- +goose Down
DROP TRIGGER customers_acquisition_daily_update ON customers;
DROP TRIGGER customers_acquisition_daily_delete ON customers;
DROP TRIGGER customers_acquisition_daily_insert ON customers;
DROP FUNCTION customers_acquisition_daily();
DROP TABLE acquisition_edits;
DROP TABLE acquisition_daily;
