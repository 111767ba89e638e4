-- Storing a batch of purchases touches less (PostgreSQL). Keep in step
-- with ../sqlite/00050_batch_ingest.sql, which says why: purchase_lines'
-- index on product_id, which nothing reads, is dropped, and a batch counts
-- its customers' baseline months set-based.
--
-- For the second, the refresh sets fresco.defer_baseline to 'on' for its own two
-- statements (set_config(…, true), so never past its transaction) and the
-- insert and delete triggers of baseline_customer_month skip their rows;
-- it moves baseline_month by the difference itself. baseline_deferred is
-- SQLite's flag; it exists here too, always empty, so that both schemas
-- hold the same tables.

-- +goose Up
DROP INDEX purchase_lines_product;

CREATE TABLE baseline_deferred (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);

DROP TRIGGER baseline_customer_month_insert ON baseline_customer_month;
CREATE TRIGGER baseline_customer_month_insert AFTER INSERT ON baseline_customer_month
    FOR EACH ROW WHEN (current_setting('fresco.defer_baseline', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION baseline_customer_month_counts();
DROP TRIGGER baseline_customer_month_delete ON baseline_customer_month;
CREATE TRIGGER baseline_customer_month_delete AFTER DELETE ON baseline_customer_month
    FOR EACH ROW WHEN (current_setting('fresco.defer_baseline', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION baseline_customer_month_counts();

-- +goose Down
DROP TRIGGER baseline_customer_month_delete ON baseline_customer_month;
CREATE TRIGGER baseline_customer_month_delete AFTER DELETE ON baseline_customer_month
    FOR EACH ROW EXECUTE FUNCTION baseline_customer_month_counts();
DROP TRIGGER baseline_customer_month_insert ON baseline_customer_month;
CREATE TRIGGER baseline_customer_month_insert AFTER INSERT ON baseline_customer_month
    FOR EACH ROW EXECUTE FUNCTION baseline_customer_month_counts();
DROP TABLE baseline_deferred;

CREATE INDEX purchase_lines_product ON purchase_lines (product_id);
