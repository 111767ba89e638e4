-- The purchase→feedback delay rollup (SQLite). Keep in step with
-- ../postgres/00017_feedback_delay_rollup.sql.
--
-- What each listening post heard and how long after the purchase: responses
-- per UTC day (feedback_delay_daily) and per UTC month
-- (feedback_delay_monthly, 'YYYY-MM-01') of responded_at, listening post
-- and delay, so that the post report reads O(periods × posts × hours) rows
-- instead of every response. The delay is counted in whole hours, to the
-- nearest (half up), of whole seconds from purchased_at to responded_at;
-- hours is -1 for a response tied to no purchase or given before it. The
-- median delay is then exact for delays to the hour, which is finer than
-- the dashboard shows them.
--
-- Triggers keep both exact in the transaction of every insert, correction
-- (of responded_at, purchased_at or the post) and delete. `fresco rollups
-- rebuild` recomputes them (store.RebuildFeedbackRollups).

-- +goose Up
CREATE TABLE feedback_delay_daily (
    day     TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    hours   INTEGER NOT NULL CHECK (hours >= -1),
    n       INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (day, post_id, hours)
) WITHOUT ROWID;

CREATE TABLE feedback_delay_monthly (
    month   TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    hours   INTEGER NOT NULL CHECK (hours >= -1),
    n       INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (month, post_id, hours)
) WITHOUT ROWID;

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

-- +goose StatementBegin
CREATE TRIGGER responses_delay_delete AFTER DELETE ON responses
BEGIN
    UPDATE feedback_delay_daily SET n = n - 1
    WHERE day = date(OLD.responded_at) AND post_id = OLD.post_id
      AND hours = (SELECT CASE WHEN s.secs IS NULL OR s.secs < 0 THEN -1 ELSE (s.secs + 1800) / 3600 END
                   FROM (SELECT CAST(strftime('%s', OLD.responded_at) AS INTEGER) - CAST(strftime('%s', OLD.purchased_at) AS INTEGER) AS secs) s);
    DELETE FROM feedback_delay_daily WHERE day = date(OLD.responded_at) AND post_id = OLD.post_id AND n = 0;
    UPDATE feedback_delay_monthly SET n = n - 1
    WHERE month = date(OLD.responded_at, 'start of month') AND post_id = OLD.post_id
      AND hours = (SELECT CASE WHEN s.secs IS NULL OR s.secs < 0 THEN -1 ELSE (s.secs + 1800) / 3600 END
                   FROM (SELECT CAST(strftime('%s', OLD.responded_at) AS INTEGER) - CAST(strftime('%s', OLD.purchased_at) AS INTEGER) AS secs) s);
    DELETE FROM feedback_delay_monthly WHERE month = date(OLD.responded_at, 'start of month') AND post_id = OLD.post_id AND n = 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER responses_delay_update AFTER UPDATE OF responded_at, purchased_at, post_id ON responses
BEGIN
    UPDATE feedback_delay_daily SET n = n - 1
    WHERE day = date(OLD.responded_at) AND post_id = OLD.post_id
      AND hours = (SELECT CASE WHEN s.secs IS NULL OR s.secs < 0 THEN -1 ELSE (s.secs + 1800) / 3600 END
                   FROM (SELECT CAST(strftime('%s', OLD.responded_at) AS INTEGER) - CAST(strftime('%s', OLD.purchased_at) AS INTEGER) AS secs) s);
    DELETE FROM feedback_delay_daily WHERE day = date(OLD.responded_at) AND post_id = OLD.post_id AND n = 0;
    UPDATE feedback_delay_monthly SET n = n - 1
    WHERE month = date(OLD.responded_at, 'start of month') AND post_id = OLD.post_id
      AND hours = (SELECT CASE WHEN s.secs IS NULL OR s.secs < 0 THEN -1 ELSE (s.secs + 1800) / 3600 END
                   FROM (SELECT CAST(strftime('%s', OLD.responded_at) AS INTEGER) - CAST(strftime('%s', OLD.purchased_at) AS INTEGER) AS secs) s);
    DELETE FROM feedback_delay_monthly WHERE month = date(OLD.responded_at, 'start of month') AND post_id = OLD.post_id AND n = 0;
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

-- Fill them from the responses already recorded.
INSERT INTO feedback_delay_daily (day, post_id, hours, n)
SELECT day, post_id, hours, COUNT(*)
FROM (SELECT date(responded_at) AS day, post_id,
             CASE WHEN secs IS NULL OR secs < 0 THEN -1 ELSE (secs + 1800) / 3600 END AS hours
      FROM (SELECT responded_at, post_id,
                   CAST(strftime('%s', responded_at) AS INTEGER) - CAST(strftime('%s', purchased_at) AS INTEGER) AS secs
            FROM responses) r) d
GROUP BY day, post_id, hours;

INSERT INTO feedback_delay_monthly (month, post_id, hours, n)
SELECT substr(day, 1, 7) || '-01', post_id, hours, SUM(n) FROM feedback_delay_daily GROUP BY 1, 2, 3;

-- +goose Down
DROP TRIGGER responses_delay_update;
DROP TRIGGER responses_delay_delete;
DROP TRIGGER responses_delay_insert;
DROP TABLE feedback_delay_monthly;
DROP TABLE feedback_delay_daily;
