-- Storing a batch of purchases touches less again (PostgreSQL). Keep in
-- step with ../sqlite/00064_purchase_ingest.sql and with docs/decisions.md
-- ("Purchase ingest on PostgreSQL: COPY straight into the tables").
--
-- 1. purchases_location_date and purchases_served_by hold only purchases
-- with a location, or a serving employee. Every query that reads them
-- names one (location_id = ?, served_by = ?, which implies IS NOT NULL),
-- yet a purchase without one (a web order, most imported files) added an
-- entry at the NULL end of both: two of the eight index insertions of
-- every such purchase.
--
-- 2. purchase_lines' reference check (00042) is skipped while
-- fresco.lines_checked is 'on'. The batch path sets it (set_config(…,
-- true), for its transaction or savepoint only) around its COPY of lines,
-- having made sure of their references itself: their purchases it wrote a
-- moment before in the same transaction (inserted, or updated and so
-- locked, they exist and cannot go before it commits), and their products
-- it locks FOR KEY SHARE in one statement from the ids it holds, checking
-- that all are there (store.Tx.lockLineProducts). The trigger ran two
-- hashed distincts over the lines for each table, then a lookup and a lock
-- per purchase and product: about a tenth of the server's work of an
-- import. Every other writer is checked as before.
--
-- 3. baseline_month_of and baseline_retained are written with immutable
-- functions only, so that the planner inlines them. to_char is only stable
-- (it reads the locale), and so is adding an interval to a timestamptz
-- (it reads the time zone); an immutable SQL function calling one ran
-- through the function executor for every row, most of the cost of the
-- grouped selects of a batch's baseline months (store.baselineCustomer-
-- MonthSelect, baselineMonthSelect). Both return what they did for every
-- time a purchase may have (years 1900 to 9999): the month's text is built
-- from its numbers, and a difference of two times is compared with the 90
-- days (2160 hours, a timestamp difference never holds months).

-- +goose Up
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION baseline_retained(first_at TIMESTAMPTZ, next_at TIMESTAMPTZ) RETURNS INTEGER
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN next_at - first_at <= interval '2160 hours' THEN 1 ELSE 0 END
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION baseline_month_of(t TIMESTAMPTZ) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT date_part('year', t AT TIME ZONE 'UTC')::int::text || '-'
        || lpad(date_part('month', t AT TIME ZONE 'UTC')::int::text, 2, '0') || '-01'
$$;
-- +goose StatementEnd

DROP INDEX purchases_location_date;
CREATE INDEX purchases_location_date ON purchases (location_id, purchased_at, id) WHERE location_id IS NOT NULL;
DROP INDEX purchases_served_by;
CREATE INDEX purchases_served_by ON purchases (served_by, purchased_at, id) WHERE served_by IS NOT NULL;

DROP TRIGGER purchase_lines_references_insert ON purchase_lines;
CREATE TRIGGER purchase_lines_references_insert AFTER INSERT ON purchase_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT
    WHEN (current_setting('fresco.lines_checked', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION purchase_lines_references();

-- +goose Down
DROP TRIGGER purchase_lines_references_insert ON purchase_lines;
CREATE TRIGGER purchase_lines_references_insert AFTER INSERT ON purchase_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION purchase_lines_references();
DROP INDEX purchases_served_by;
CREATE INDEX purchases_served_by ON purchases (served_by, purchased_at, id);
DROP INDEX purchases_location_date;
CREATE INDEX purchases_location_date ON purchases (location_id, purchased_at, id);

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION baseline_month_of(t TIMESTAMPTZ) RETURNS TEXT
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM') || '-01'
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION baseline_retained(first_at TIMESTAMPTZ, next_at TIMESTAMPTZ) RETURNS INTEGER
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN next_at <= first_at + interval '2160 hours' THEN 1 ELSE 0 END
$$;
-- +goose StatementEnd
