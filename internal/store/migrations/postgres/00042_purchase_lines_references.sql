-- purchase_lines' references, checked once a statement (PostgreSQL). Keep
-- in step with ../sqlite/00042_purchase_lines_references.sql and with
-- docs/decisions.md ("Purchase lines' references on PostgreSQL").
--
-- A foreign key checks each inserted row on its own: one lookup and one
-- row lock per line and per reference, about 8 of the 11 µs of server
-- CPU a purchase line cost, the limit of the batch purchase path. These
-- triggers keep the same guarantees for every writer, once a statement:
-- the lines a statement inserted or updated (its transition table) name
-- their distinct purchases and products, which are locked FOR KEY SHARE as
-- a foreign key locks them (so they cannot be deleted, nor their id
-- changed, until the transaction ends) and must all exist. The errors are
-- a foreign key's: SQLSTATE 23503 with the old constraint's name, detail
-- and table. ON DELETE CASCADE from purchases and the refusal to delete a
-- product that lines name are triggers too, once a statement; changing the
-- id of a referenced purchase or product is refused as before (nothing in
-- Fresco changes ids).

-- +goose Up
ALTER TABLE purchase_lines DROP CONSTRAINT purchase_lines_purchase_id_fkey,
    DROP CONSTRAINT purchase_lines_product_id_fkey;

-- +goose StatementBegin
CREATE FUNCTION purchase_lines_references() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    missing BIGINT;
BEGIN
    -- Lock first, then look: each statement here reads a fresh snapshot,
    -- so a purchase or product deleted by a transaction that committed
    -- while we waited for its lock is missing.
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
CREATE TRIGGER purchase_lines_references_insert AFTER INSERT ON purchase_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION purchase_lines_references();
CREATE TRIGGER purchase_lines_references_update AFTER UPDATE ON purchase_lines
    REFERENCING NEW TABLE AS new_lines FOR EACH STATEMENT EXECUTE FUNCTION purchase_lines_references();

-- +goose StatementBegin
CREATE FUNCTION purchases_delete_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM purchase_lines WHERE purchase_id IN (SELECT id FROM old_purchases);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER purchases_delete_lines AFTER DELETE ON purchases
    REFERENCING OLD TABLE AS old_purchases FOR EACH STATEMENT EXECUTE FUNCTION purchases_delete_lines();

-- +goose StatementBegin
CREATE FUNCTION products_keep_referenced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    used BIGINT;
BEGIN
    SELECT o.id INTO used FROM old_products o
        WHERE EXISTS (SELECT FROM purchase_lines l WHERE l.product_id = o.id) LIMIT 1;
    IF FOUND THEN
        RAISE foreign_key_violation USING TABLE = 'purchase_lines', CONSTRAINT = 'purchase_lines_product_id_fkey',
            MESSAGE = 'update or delete on table "products" violates foreign key constraint "purchase_lines_product_id_fkey" on table "purchase_lines"',
            DETAIL = format('Key (id)=(%s) is still referenced from table "purchase_lines".', used);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER products_keep_referenced AFTER DELETE ON products
    REFERENCING OLD TABLE AS old_products FOR EACH STATEMENT EXECUTE FUNCTION products_keep_referenced();

-- +goose StatementBegin
CREATE FUNCTION purchase_lines_keep_id() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_TABLE_NAME = 'purchases' AND EXISTS (SELECT FROM purchase_lines WHERE purchase_id = OLD.id)
        OR TG_TABLE_NAME = 'products' AND EXISTS (SELECT FROM purchase_lines WHERE product_id = OLD.id) THEN
        RAISE foreign_key_violation USING TABLE = 'purchase_lines',
            MESSAGE = format('the id of %s %s is referenced from table "purchase_lines" and cannot change', TG_TABLE_NAME, OLD.id);
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd
CREATE TRIGGER purchases_keep_id AFTER UPDATE OF id ON purchases
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION purchase_lines_keep_id();
CREATE TRIGGER products_keep_id AFTER UPDATE OF id ON products
    FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id) EXECUTE FUNCTION purchase_lines_keep_id();

-- +goose Down
DROP TRIGGER products_keep_id ON products;
DROP TRIGGER purchases_keep_id ON purchases;
DROP FUNCTION purchase_lines_keep_id();
DROP TRIGGER products_keep_referenced ON products;
DROP FUNCTION products_keep_referenced();
DROP TRIGGER purchases_delete_lines ON purchases;
DROP FUNCTION purchases_delete_lines();
DROP TRIGGER purchase_lines_references_update ON purchase_lines;
DROP TRIGGER purchase_lines_references_insert ON purchase_lines;
DROP FUNCTION purchase_lines_references();
ALTER TABLE purchase_lines ADD CONSTRAINT purchase_lines_purchase_id_fkey
        FOREIGN KEY (purchase_id) REFERENCES purchases(id) ON DELETE CASCADE,
    ADD CONSTRAINT purchase_lines_product_id_fkey FOREIGN KEY (product_id) REFERENCES products(id);
