-- purchases' customer, checked once a statement (PostgreSQL), as 00042
-- did for purchase_lines. Keep in step with
-- ../sqlite/00065_purchase_customers.sql and with docs/decisions.md
-- ("Purchase ingest on PostgreSQL: COPY straight into the tables").
--
-- The foreign key checked each purchase with a customer on its own: a
-- lookup and a row lock per purchase, and in an import the server planned
-- that lookup again for nearly every row (about 15 µs a purchase, a tenth
-- of its CPU for the Online Retail file). These triggers keep the same
-- guarantees for every writer, once a statement: the purchases a statement
-- inserted or updated (its transition table) name their distinct
-- customers, which are locked FOR KEY SHARE as a foreign key locks them
-- and must all exist (a batch has locked them already, FOR NO KEY UPDATE,
-- to recompute their rollups, so taking the weaker lock again costs
-- little). The errors are the foreign key's: SQLSTATE 23503 with the old
-- constraint's name, detail and table. Deleting a customer that purchases
-- name is refused (the key was NO ACTION), and so is changing the id of
-- one (nothing in Fresco deletes customers or changes ids).
--
-- And the acquisition rollup's insert trigger on customers is deferred
-- like those of 00026: store.Tx.insertBareCustomers, which adds the
-- customers an import meets, counts them into acquisition_rollup in the
-- same statement, per source and shard, instead of upserting the same few
-- rows once per customer.

-- +goose Up
ALTER TABLE purchases DROP CONSTRAINT purchases_customer_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION purchases_customer_reference() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    -- Lock first, then look (see purchase_lines_references, 00042).
    PERFORM FROM customers WHERE id IN (SELECT DISTINCT customer_id FROM new_purchases) FOR KEY SHARE;
    SELECT n.id INTO missing FROM (SELECT DISTINCT customer_id AS id FROM new_purchases WHERE customer_id IS NOT NULL) n
        WHERE NOT EXISTS (SELECT FROM customers c WHERE c.id = n.id) LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING TABLE = 'purchases', CONSTRAINT = 'purchases_customer_id_fkey',
            MESSAGE = 'insert or update on table "purchases" violates foreign key constraint "purchases_customer_id_fkey"',
            DETAIL = format('Key (customer_id)=(%s) is not present in table "customers".', missing);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER purchases_customer_insert AFTER INSERT ON purchases
    REFERENCING NEW TABLE AS new_purchases FOR EACH STATEMENT EXECUTE FUNCTION purchases_customer_reference();
CREATE TRIGGER purchases_customer_update AFTER UPDATE ON purchases
    REFERENCING NEW TABLE AS new_purchases FOR EACH STATEMENT EXECUTE FUNCTION purchases_customer_reference();

-- +goose StatementBegin
CREATE FUNCTION customers_keep_purchases() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used BIGINT;
BEGIN
    SELECT o.id INTO used FROM old_customers o
        WHERE EXISTS (SELECT FROM purchases p WHERE p.customer_id = o.id) LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING TABLE = 'purchases', CONSTRAINT = 'purchases_customer_id_fkey',
            MESSAGE = 'update or delete on table "customers" violates foreign key constraint "purchases_customer_id_fkey" on table "purchases"',
            DETAIL = format('Key (id)=(%s) is still referenced from table "purchases".', used);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER customers_keep_purchases AFTER DELETE ON customers
    REFERENCING OLD TABLE AS old_customers FOR EACH STATEMENT EXECUTE FUNCTION customers_keep_purchases();

-- +goose StatementBegin
CREATE FUNCTION customers_keep_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT FROM purchases WHERE customer_id = OLD.id) THEN
        RAISE foreign_key_violation USING TABLE = 'purchases',
            MESSAGE = format('the id of customer %s is referenced from table "purchases" and cannot change', OLD.id);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER customers_keep_id AFTER UPDATE OF id ON customers
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION customers_keep_id();

DROP TRIGGER customers_acquisition_insert ON customers;
CREATE TRIGGER customers_acquisition_insert AFTER INSERT ON customers
    FOR EACH ROW WHEN (current_setting('fresco.defer_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION customers_acquisition();

-- +goose Down
DROP TRIGGER customers_acquisition_insert ON customers;
CREATE TRIGGER customers_acquisition_insert AFTER INSERT ON customers
    FOR EACH ROW EXECUTE FUNCTION customers_acquisition();
DROP TRIGGER customers_keep_id ON customers;
DROP FUNCTION customers_keep_id();
DROP TRIGGER customers_keep_purchases ON customers;
DROP FUNCTION customers_keep_purchases();
DROP TRIGGER purchases_customer_update ON purchases;
DROP TRIGGER purchases_customer_insert ON purchases;
DROP FUNCTION purchases_customer_reference();
ALTER TABLE purchases ADD CONSTRAINT purchases_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES customers(id);
