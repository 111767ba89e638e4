-- The feedback rollup (SQLite). Keep in step with
-- ../postgres/00010_feedback_rollups.sql.
--
-- feedback_score_daily counts the answers to each headline scale by score,
-- per UTC day of responded_at, listening post, location, serving employee
-- and segment, so that NPS, CSAT and CES reports read O(days × dimensions)
-- rows instead of every response. Unknown location and employee are 0 (a
-- primary key takes no NULL); the day is 'YYYY-MM-DD'.
--
-- Triggers keep it exact in the transaction of every write to responses —
-- insert, correction of a score, date or attribution, delete — whatever the
-- path (service, import, restore, a hand-written UPDATE). `fresco rollups
-- rebuild` recomputes it from responses (store.RebuildFeedbackRollups).

-- +goose Up
CREATE TABLE feedback_score_daily (
    scale       TEXT NOT NULL CHECK (scale IN ('nps', 'csat', 'ces')),
    day         TEXT NOT NULL,
    post_id     INTEGER NOT NULL,
    location_id INTEGER NOT NULL,
    employee_id INTEGER NOT NULL,
    segment     TEXT NOT NULL,
    score       INTEGER NOT NULL,
    n           INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (scale, day, post_id, location_id, employee_id, segment, score)
) WITHOUT ROWID;

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

-- +goose StatementBegin
CREATE TRIGGER responses_rollup_delete AFTER DELETE ON responses
BEGIN
    UPDATE feedback_score_daily SET n = n - 1
    WHERE scale = 'nps' AND day = date(OLD.responded_at) AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
      AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND score = OLD.nps;
    UPDATE feedback_score_daily SET n = n - 1
    WHERE scale = 'csat' AND day = date(OLD.responded_at) AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
      AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND score = OLD.csat;
    UPDATE feedback_score_daily SET n = n - 1
    WHERE scale = 'ces' AND day = date(OLD.responded_at) AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
      AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND score = OLD.ces;
    DELETE FROM feedback_score_daily
    WHERE scale IN ('nps', 'csat', 'ces') AND day = date(OLD.responded_at) AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
      AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND n = 0;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER responses_rollup_update
AFTER UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps, csat, ces ON responses
BEGIN
    UPDATE feedback_score_daily SET n = n - 1
    WHERE scale = 'nps' AND day = date(OLD.responded_at) AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
      AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND score = OLD.nps;
    UPDATE feedback_score_daily SET n = n - 1
    WHERE scale = 'csat' AND day = date(OLD.responded_at) AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
      AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND score = OLD.csat;
    UPDATE feedback_score_daily SET n = n - 1
    WHERE scale = 'ces' AND day = date(OLD.responded_at) AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
      AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND score = OLD.ces;
    DELETE FROM feedback_score_daily
    WHERE scale IN ('nps', 'csat', 'ces') AND day = date(OLD.responded_at) AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
      AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND n = 0;
    INSERT INTO feedback_score_daily (scale, day, post_id, location_id, employee_id, segment, score, n)
    SELECT s.scale, date(NEW.responded_at), NEW.post_id, COALESCE(NEW.location_id, 0), COALESCE(NEW.employee_id, 0), NEW.segment, s.score, 1
    FROM (SELECT 'nps' AS scale, NEW.nps AS score UNION ALL SELECT 'csat', NEW.csat UNION ALL SELECT 'ces', NEW.ces) s
    WHERE s.score IS NOT NULL
    ON CONFLICT (scale, day, post_id, location_id, employee_id, segment, score) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- Fill it from the responses already recorded.
INSERT INTO feedback_score_daily (scale, day, post_id, location_id, employee_id, segment, score, n)
SELECT s.scale, s.day, s.post_id, s.location_id, s.employee_id, s.segment, s.score, COUNT(*)
FROM (SELECT 'nps' AS scale, date(responded_at) AS day, post_id, COALESCE(location_id, 0) AS location_id,
             COALESCE(employee_id, 0) AS employee_id, segment, nps AS score FROM responses WHERE nps IS NOT NULL
      UNION ALL
      SELECT 'csat', date(responded_at), post_id, COALESCE(location_id, 0), COALESCE(employee_id, 0), segment, csat FROM responses WHERE csat IS NOT NULL
      UNION ALL
      SELECT 'ces', date(responded_at), post_id, COALESCE(location_id, 0), COALESCE(employee_id, 0), segment, ces FROM responses WHERE ces IS NOT NULL) s
GROUP BY s.scale, s.day, s.post_id, s.location_id, s.employee_id, s.segment, s.score;

-- +goose Down
DROP TRIGGER responses_rollup_update;
DROP TRIGGER responses_rollup_delete;
DROP TRIGGER responses_rollup_insert;
DROP TABLE feedback_score_daily;
