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
-- 2. The purchases half of purchase_lines' reference check (00042) is
-- skipped while fresco.lines_own_purchases is 'on'. The batch path sets
-- it (set_config(…, true), for its transaction or savepoint only) around
-- the COPY of lines whose purchases it wrote itself, a moment before in
-- the same transaction: inserted, or updated and so locked, they exist
-- and cannot go before it commits. Checking them again — a hashed
-- distinct over the lines, then a lookup and a KEY SHARE lock (a WAL
-- record) per purchase — was about a tenth of the server's work of an
-- import. The products half still runs: the batch resolved most products
-- before its transaction. Every other writer is checked as before.
--
-- 3. baseline_month_of is written with immutable functions only, so that
-- the planner inlines it. to_char is only stable (it reads the locale), and
-- an immutable SQL function calling it ran through the function executor
-- for every row, most of the cost of the grouped select of a batch's
-- baseline months (store.baselineCustomerMonthSelect). It returns the same
-- text for every time a purchase may have (years 1900 to 9999).

-- +goose Up
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

-- +goose StatementBegin
CREATE OR REPLACE FUNCTION purchase_lines_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    -- Lock first, then look: each statement here reads a fresh snapshot,
    -- so a purchase or product deleted by a transaction that committed
    -- while we waited for its lock is missing.
    IF current_setting('fresco.lines_own_purchases', true) IS DISTINCT FROM 'on' THEN
        PERFORM FROM purchases WHERE id IN (SELECT DISTINCT purchase_id FROM new_lines) FOR KEY SHARE;
        SELECT n.id INTO missing FROM (SELECT DISTINCT purchase_id AS id FROM new_lines) n
            WHERE NOT EXISTS (SELECT FROM purchases p WHERE p.id = n.id) LIMIT 1;
        IF FOUND THEN
            RAISE foreign_key_violation USING TABLE = 'purchase_lines', CONSTRAINT = 'purchase_lines_purchase_id_fkey',
                MESSAGE = 'insert or update on table "purchase_lines" violates foreign key constraint "purchase_lines_purchase_id_fkey"',
                DETAIL = format('Key (purchase_id)=(%s) is not present in table "purchases".', missing);
        END IF;
    END IF;
    PERFORM FROM products WHERE id IN (SELECT DISTINCT product_id FROM new_lines) FOR KEY SHARE;
    SELECT n.id INTO missing FROM (SELECT DISTINCT product_id AS id FROM new_lines) n
        WHERE NOT EXISTS (SELECT FROM products p WHERE p.id = n.id) LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING TABLE = 'purchase_lines', CONSTRAINT = 'purchase_lines_product_id_fkey',
            MESSAGE = 'insert or update on table "purchase_lines" violates foreign key constraint "purchase_lines_product_id_fkey"',
            DETAIL = format('Key (product_id)=(%s) is not present in table "products".', missing);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose Down
-- +goose StatementBegin
CREATE OR REPLACE FUNCTION purchase_lines_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    PERFORM FROM purchases WHERE id IN (SELECT DISTINCT purchase_id FROM new_lines) FOR KEY SHARE;
    SELECT n.id INTO missing FROM (SELECT DISTINCT purchase_id AS id FROM new_lines) n
        WHERE NOT EXISTS (SELECT FROM purchases p WHERE p.id = n.id) LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING TABLE = 'purchase_lines', CONSTRAINT = 'purchase_lines_purchase_id_fkey',
            MESSAGE = 'insert or update on table "purchase_lines" violates foreign key constraint "purchase_lines_purchase_id_fkey"',
            DETAIL = format('Key (purchase_id)=(%s) is not present in table "purchases".', missing);
    END IF;
    PERFORM FROM products WHERE id IN (SELECT DISTINCT product_id FROM new_lines) FOR KEY SHARE;
    SELECT n.id INTO missing FROM (SELECT DISTINCT product_id AS id FROM new_lines) n
        WHERE NOT EXISTS (SELECT FROM products p WHERE p.id = n.id) LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING TABLE = 'purchase_lines', CONSTRAINT = 'purchase_lines_product_id_fkey',
            MESSAGE = 'insert or update on table "purchase_lines" violates foreign key constraint "purchase_lines_product_id_fkey"',
            DETAIL = format('Key (product_id)=(%s) is not present in table "products".', missing);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
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
