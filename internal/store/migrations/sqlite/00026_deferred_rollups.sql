-- Bulk writes may defer the rollup triggers of what they insert (SQLite).
-- Keep in step with ../postgres/00026_deferred_rollups.sql.
--
-- The insert triggers on purchases (acquisition rollup 00014, purchase
-- summary 00016, recovery baseline 00018), on responses (feedback rollups
-- 00010, 00011, delays 00017) and on response_answers (drivers 00012) cost
-- a few lookups and updates a row, and made most of the demo's load at a
-- million customers. A bulk write (store.Tx.InsertPurchases,
-- InsertResponses) puts a row in rollups_deferred inside its transaction,
-- so the triggers skip its rows, brings the rollups up to date in a few
-- set-based statements, and deletes the row again before it returns. The
-- row is never committed, so other connections never see it, and every
-- other write fires the triggers as before; checking the empty table costs
-- a row one lookup.

-- +goose Up
CREATE TABLE rollups_deferred (
    id INTEGER PRIMARY KEY CHECK (id = 1)
);

DROP TRIGGER purchases_acquisition_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_acquisition_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL AND NEW.total > 0 AND NOT EXISTS (SELECT 1 FROM rollups_deferred)
BEGIN
    INSERT INTO acquisition_customer (customer_id, positive, revenue) VALUES (NEW.customer_id, 1, NEW.total)
    ON CONFLICT (customer_id) DO UPDATE SET positive = positive + 1, revenue = revenue + excluded.revenue;
    UPDATE acquisition_rollup SET revenue = revenue + NEW.total,
        repeat = repeat + ((SELECT positive FROM acquisition_customer WHERE customer_id = NEW.customer_id) = 2)
    WHERE source = (SELECT acquisition_source FROM customers WHERE id = NEW.customer_id) AND shard = NEW.customer_id % 16;
END;
-- +goose StatementEnd

DROP TRIGGER purchases_summary_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_summary_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM rollups_deferred)
BEGIN
    INSERT INTO purchase_summary_refresh (customer_id) VALUES (NEW.customer_id);
END;
-- +goose StatementEnd

DROP TRIGGER purchases_baseline_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_baseline_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL AND NEW.total > 0 AND NOT EXISTS (SELECT 1 FROM rollups_deferred)
BEGIN
    UPDATE baseline_customer_month SET next_at = NEW.purchased_at
    WHERE customer_id = NEW.customer_id AND first_at < NEW.purchased_at AND (next_at IS NULL OR next_at > NEW.purchased_at);
    INSERT INTO baseline_customer_month (customer_id, month, first_at, next_at)
    SELECT NEW.customer_id, date(NEW.purchased_at, 'start of month'), NEW.purchased_at,
           (SELECT MIN(purchased_at) FROM purchases WHERE customer_id = NEW.customer_id AND total > 0 AND purchased_at > NEW.purchased_at)
    WHERE true
    ON CONFLICT (customer_id, month) DO UPDATE SET first_at = excluded.first_at, next_at = excluded.next_at
    WHERE excluded.first_at < baseline_customer_month.first_at;
END;
-- +goose StatementEnd

DROP TRIGGER responses_rollup_insert;
-- +goose StatementBegin
CREATE TRIGGER responses_rollup_insert AFTER INSERT ON responses
WHEN NOT EXISTS (SELECT 1 FROM rollups_deferred)
BEGIN
    INSERT INTO feedback_score_daily (scale, day, post_id, location_id, employee_id, segment, score, n)
    SELECT s.scale, date(NEW.responded_at), NEW.post_id, COALESCE(NEW.location_id, 0), COALESCE(NEW.employee_id, 0), NEW.segment, s.score, 1
    FROM (SELECT 'nps' AS scale, NEW.nps AS score UNION ALL SELECT 'csat', NEW.csat UNION ALL SELECT 'ces', NEW.ces) s
    WHERE s.score IS NOT NULL
    ON CONFLICT (scale, day, post_id, location_id, employee_id, segment, score) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

DROP TRIGGER responses_rollup_monthly_insert;
-- +goose StatementBegin
CREATE TRIGGER responses_rollup_monthly_insert AFTER INSERT ON responses
WHEN NOT EXISTS (SELECT 1 FROM rollups_deferred)
BEGIN
    INSERT INTO feedback_score_monthly (scale, dim, month, ref, segment, score, n)
    SELECT s.scale, d.dim, date(NEW.responded_at, 'start of month'), d.ref, d.segment, s.score, 1
    FROM (SELECT 'nps' AS scale, NEW.nps AS score UNION ALL SELECT 'csat', NEW.csat UNION ALL SELECT 'ces', NEW.ces) s,
         (SELECT 'all' AS dim, 0 AS ref, '' AS segment UNION ALL SELECT 'post', NEW.post_id, ''
          UNION ALL SELECT 'location', COALESCE(NEW.location_id, 0), '' UNION ALL SELECT 'employee', COALESCE(NEW.employee_id, 0), ''
          UNION ALL SELECT 'segment', 0, NEW.segment) d
    WHERE s.score IS NOT NULL
    ON CONFLICT (scale, dim, month, ref, segment, score) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

DROP TRIGGER response_answers_driver_insert;
-- +goose StatementBegin
CREATE TRIGGER response_answers_driver_insert AFTER INSERT ON response_answers
WHEN NOT EXISTS (SELECT 1 FROM rollups_deferred)
BEGIN
    INSERT INTO feedback_driver_monthly (dim, month, ref, segment, item, score, nps, n)
    SELECT dim, month, ref, segment, item, score, nps, 1 FROM feedback_driver_keys
    WHERE response_id = NEW.response_id AND position = NEW.position
    ON CONFLICT (dim, month, ref, segment, item, score, nps) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

DROP TRIGGER responses_delay_insert;
-- +goose StatementBegin
CREATE TRIGGER responses_delay_insert AFTER INSERT ON responses
WHEN NOT EXISTS (SELECT 1 FROM rollups_deferred)
BEGIN
    INSERT INTO feedback_delay_daily (day, post_id, hours, n)
    SELECT date(NEW.responded_at), NEW.post_id, h.hours, 1
    FROM (SELECT CASE WHEN s.secs IS NULL OR s.secs < 0 THEN -1 ELSE (s.secs + 1800) / 3600 END AS hours
          FROM (SELECT CAST(strftime('%s', NEW.responded_at) AS INTEGER) - CAST(strftime('%s', NEW.purchased_at) AS INTEGER) AS secs) s) h
    WHERE true
    ON CONFLICT (day, post_id, hours) DO UPDATE SET n = n + 1;
    INSERT INTO feedback_delay_monthly (month, post_id, hours, n)
    SELECT date(NEW.responded_at, 'start of month'), NEW.post_id, h.hours, 1
    FROM (SELECT CASE WHEN s.secs IS NULL OR s.secs < 0 THEN -1 ELSE (s.secs + 1800) / 3600 END AS hours
          FROM (SELECT CAST(strftime('%s', NEW.responded_at) AS INTEGER) - CAST(strftime('%s', NEW.purchased_at) AS INTEGER) AS secs) s) h
    WHERE true
    ON CONFLICT (month, post_id, hours) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER responses_delay_insert;
-- +goose StatementBegin
CREATE TRIGGER responses_delay_insert AFTER INSERT ON responses
BEGIN
    INSERT INTO feedback_delay_daily (day, post_id, hours, n)
    SELECT date(NEW.responded_at), NEW.post_id, h.hours, 1
    FROM (SELECT CASE WHEN s.secs IS NULL OR s.secs < 0 THEN -1 ELSE (s.secs + 1800) / 3600 END AS hours
          FROM (SELECT CAST(strftime('%s', NEW.responded_at) AS INTEGER) - CAST(strftime('%s', NEW.purchased_at) AS INTEGER) AS secs) s) h
    WHERE true
    ON CONFLICT (day, post_id, hours) DO UPDATE SET n = n + 1;
    INSERT INTO feedback_delay_monthly (month, post_id, hours, n)
    SELECT date(NEW.responded_at, 'start of month'), NEW.post_id, h.hours, 1
    FROM (SELECT CASE WHEN s.secs IS NULL OR s.secs < 0 THEN -1 ELSE (s.secs + 1800) / 3600 END AS hours
          FROM (SELECT CAST(strftime('%s', NEW.responded_at) AS INTEGER) - CAST(strftime('%s', NEW.purchased_at) AS INTEGER) AS secs) s) h
    WHERE true
    ON CONFLICT (month, post_id, hours) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

DROP TRIGGER response_answers_driver_insert;
-- +goose StatementBegin
CREATE TRIGGER response_answers_driver_insert AFTER INSERT ON response_answers
BEGIN
    INSERT INTO feedback_driver_monthly (dim, month, ref, segment, item, score, nps, n)
    SELECT dim, month, ref, segment, item, score, nps, 1 FROM feedback_driver_keys
    WHERE response_id = NEW.response_id AND position = NEW.position
    ON CONFLICT (dim, month, ref, segment, item, score, nps) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

DROP TRIGGER responses_rollup_monthly_insert;
-- +goose StatementBegin
CREATE TRIGGER responses_rollup_monthly_insert AFTER INSERT ON responses
BEGIN
    INSERT INTO feedback_score_monthly (scale, dim, month, ref, segment, score, n)
    SELECT s.scale, d.dim, date(NEW.responded_at, 'start of month'), d.ref, d.segment, s.score, 1
    FROM (SELECT 'nps' AS scale, NEW.nps AS score UNION ALL SELECT 'csat', NEW.csat UNION ALL SELECT 'ces', NEW.ces) s,
         (SELECT 'all' AS dim, 0 AS ref, '' AS segment UNION ALL SELECT 'post', NEW.post_id, ''
          UNION ALL SELECT 'location', COALESCE(NEW.location_id, 0), '' UNION ALL SELECT 'employee', COALESCE(NEW.employee_id, 0), ''
          UNION ALL SELECT 'segment', 0, NEW.segment) d
    WHERE s.score IS NOT NULL
    ON CONFLICT (scale, dim, month, ref, segment, score) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

DROP TRIGGER responses_rollup_insert;
-- +goose StatementBegin
CREATE TRIGGER responses_rollup_insert AFTER INSERT ON responses
BEGIN
    INSERT INTO feedback_score_daily (scale, day, post_id, location_id, employee_id, segment, score, n)
    SELECT s.scale, date(NEW.responded_at), NEW.post_id, COALESCE(NEW.location_id, 0), COALESCE(NEW.employee_id, 0), NEW.segment, s.score, 1
    FROM (SELECT 'nps' AS scale, NEW.nps AS score UNION ALL SELECT 'csat', NEW.csat UNION ALL SELECT 'ces', NEW.ces) s
    WHERE s.score IS NOT NULL
    ON CONFLICT (scale, day, post_id, location_id, employee_id, segment, score) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

DROP TRIGGER purchases_baseline_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_baseline_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL AND NEW.total > 0
BEGIN
    UPDATE baseline_customer_month SET next_at = NEW.purchased_at
    WHERE customer_id = NEW.customer_id AND first_at < NEW.purchased_at AND (next_at IS NULL OR next_at > NEW.purchased_at);
    INSERT INTO baseline_customer_month (customer_id, month, first_at, next_at)
    SELECT NEW.customer_id, date(NEW.purchased_at, 'start of month'), NEW.purchased_at,
           (SELECT MIN(purchased_at) FROM purchases WHERE customer_id = NEW.customer_id AND total > 0 AND purchased_at > NEW.purchased_at)
    WHERE true
    ON CONFLICT (customer_id, month) DO UPDATE SET first_at = excluded.first_at, next_at = excluded.next_at
    WHERE excluded.first_at < baseline_customer_month.first_at;
END;
-- +goose StatementEnd

DROP TRIGGER purchases_summary_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_summary_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL
BEGIN
    INSERT INTO purchase_summary_refresh (customer_id) VALUES (NEW.customer_id);
END;
-- +goose StatementEnd

DROP TRIGGER purchases_acquisition_insert;
-- +goose StatementBegin
CREATE TRIGGER purchases_acquisition_insert AFTER INSERT ON purchases
WHEN NEW.customer_id IS NOT NULL AND NEW.total > 0
BEGIN
    INSERT INTO acquisition_customer (customer_id, positive, revenue) VALUES (NEW.customer_id, 1, NEW.total)
    ON CONFLICT (customer_id) DO UPDATE SET positive = positive + 1, revenue = revenue + excluded.revenue;
    UPDATE acquisition_rollup SET revenue = revenue + NEW.total,
        repeat = repeat + ((SELECT positive FROM acquisition_customer WHERE customer_id = NEW.customer_id) = 2)
    WHERE source = (SELECT acquisition_source FROM customers WHERE id = NEW.customer_id) AND shard = NEW.customer_id % 16;
END;
-- +goose StatementEnd

DROP TABLE rollups_deferred;
