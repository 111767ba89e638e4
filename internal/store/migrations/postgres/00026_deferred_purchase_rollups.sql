-- Bulk purchase writes may defer the purchase rollups (PostgreSQL). Keep in
-- step with ../sqlite/00026_deferred_purchase_rollups.sql.
--
-- The insert triggers on purchases (acquisition rollup 00014, purchase
-- summary 00016, recovery baseline 00018) cost a few lookups and updates a
-- row, and made most of the demo's load at a million customers. A bulk
-- write (store.Tx.InsertPurchases) sets fresco.defer_purchase_rollups to
-- 'on' for its transaction only (set_config(…, true), i.e. SET LOCAL),
-- skips the triggers, recomputes the rollups of the customers it touched
-- in set-based SQL, and sets it back before it returns. A session setting
-- needs no table owner and takes no lock, unlike ALTER TABLE … DISABLE
-- TRIGGER; every other write fires the triggers as before.
--
-- SQLite has no session settings: it checks an uncommitted row of
-- rollups_deferred instead. The table exists here too, empty, so that both
-- schemas hold the same tables.

-- +goose Up
CREATE TABLE rollups_deferred (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);

DROP TRIGGER purchases_acquisition_insert ON purchases;
CREATE TRIGGER purchases_acquisition_insert AFTER INSERT ON purchases
    FOR EACH ROW WHEN (current_setting('fresco.defer_purchase_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION purchases_acquisition();
DROP TRIGGER purchases_summary_insert ON purchases;
CREATE TRIGGER purchases_summary_insert AFTER INSERT ON purchases
    FOR EACH ROW WHEN (current_setting('fresco.defer_purchase_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION purchases_summary();
DROP TRIGGER purchases_baseline_insert ON purchases;
CREATE TRIGGER purchases_baseline_insert AFTER INSERT ON purchases
    FOR EACH ROW WHEN (current_setting('fresco.defer_purchase_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION purchases_baseline();

-- +goose Down
DROP TRIGGER purchases_baseline_insert ON purchases;
CREATE TRIGGER purchases_baseline_insert AFTER INSERT ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_baseline();
DROP TRIGGER purchases_summary_insert ON purchases;
CREATE TRIGGER purchases_summary_insert AFTER INSERT ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_summary();
DROP TRIGGER purchases_acquisition_insert ON purchases;
CREATE TRIGGER purchases_acquisition_insert AFTER INSERT ON purchases
    FOR EACH ROW EXECUTE FUNCTION purchases_acquisition();
DROP TABLE rollups_deferred;
