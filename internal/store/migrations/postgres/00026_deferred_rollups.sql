-- Bulk writes may defer the rollup triggers of what they insert
-- (PostgreSQL). Keep in step with ../sqlite/00026_deferred_rollups.sql,
-- which says which triggers and why.
--
-- A bulk write (store.Tx.InsertPurchases, InsertResponses) sets
-- fresco.defer_rollups to 'on' for its transaction only (set_config(…,
-- true), i.e. SET LOCAL), so the triggers skip its rows, brings the
-- rollups up to date in a few set-based statements, and sets it back
-- before it returns. A setting needs no table owner and takes no lock,
-- unlike ALTER TABLE … DISABLE TRIGGER; every other write fires the
-- triggers as before.
--
-- SQLite has no session settings and checks an uncommitted row of
-- rollups_deferred instead; the table exists here too, always empty, so
-- that both schemas hold the same tables.

-- +goose Up
CREATE TABLE rollups_deferred (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);

DROP TRIGGER purchases_acquisition_insert ON purchases;
CREATE TRIGGER purchases_acquisition_insert AFTER INSERT ON purchases
    FOR EACH ROW WHEN (current_setting('fresco.defer_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION purchases_acquisition();
DROP TRIGGER purchases_summary_insert ON purchases;
CREATE TRIGGER purchases_summary_insert AFTER INSERT ON purchases
    FOR EACH ROW WHEN (current_setting('fresco.defer_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION purchases_summary();
DROP TRIGGER purchases_baseline_insert ON purchases;
CREATE TRIGGER purchases_baseline_insert AFTER INSERT ON purchases
    FOR EACH ROW WHEN (current_setting('fresco.defer_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION purchases_baseline();
DROP TRIGGER responses_rollup_insert ON responses;
CREATE TRIGGER responses_rollup_insert AFTER INSERT ON responses
    FOR EACH ROW WHEN (current_setting('fresco.defer_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION responses_rollup();
DROP TRIGGER responses_rollup_monthly_insert ON responses;
CREATE TRIGGER responses_rollup_monthly_insert AFTER INSERT ON responses
    FOR EACH ROW WHEN (current_setting('fresco.defer_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION responses_rollup_monthly();
DROP TRIGGER response_answers_driver_insert ON response_answers;
CREATE TRIGGER response_answers_driver_insert AFTER INSERT ON response_answers
    FOR EACH ROW WHEN (current_setting('fresco.defer_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION response_answers_driver_rollup();
DROP TRIGGER responses_delay_insert ON responses;
CREATE TRIGGER responses_delay_insert AFTER INSERT ON responses
    FOR EACH ROW WHEN (current_setting('fresco.defer_rollups', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION responses_delay_rollup();

-- +goose Down
DROP TRIGGER responses_delay_insert ON responses;
CREATE TRIGGER responses_delay_insert AFTER INSERT ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_delay_rollup();
DROP TRIGGER response_answers_driver_insert ON response_answers;
CREATE TRIGGER response_answers_driver_insert AFTER INSERT ON response_answers
    FOR EACH ROW EXECUTE FUNCTION response_answers_driver_rollup();
DROP TRIGGER responses_rollup_monthly_insert ON responses;
CREATE TRIGGER responses_rollup_monthly_insert AFTER INSERT ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_rollup_monthly();
DROP TRIGGER responses_rollup_insert ON responses;
CREATE TRIGGER responses_rollup_insert AFTER INSERT ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_rollup();
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
