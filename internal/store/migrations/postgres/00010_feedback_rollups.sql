-- The feedback rollup (PostgreSQL). Keep in step with
-- ../sqlite/00010_feedback_rollups.sql, which says what it is for.
--
-- One trigger function keeps feedback_score_daily exact in the transaction
-- of every write to responses: it takes the old row's answers out and puts
-- the new row's in. The day is the UTC date of responded_at, as SQLite's
-- date() gives it.

-- +goose Up
CREATE TABLE feedback_score_daily (
    scale       TEXT NOT NULL CHECK (scale IN ('nps', 'csat', 'ces')),
    day         TEXT NOT NULL,
    post_id     BIGINT NOT NULL,
    location_id BIGINT NOT NULL,
    employee_id BIGINT NOT NULL,
    segment     TEXT NOT NULL,
    score       INTEGER NOT NULL,
    n           BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (scale, day, post_id, location_id, employee_id, segment, score)
);

-- +goose StatementBegin
CREATE FUNCTION responses_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d TEXT;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        d := to_char(OLD.responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD');
        UPDATE feedback_score_daily SET n = n - 1
        WHERE scale = 'nps' AND day = d AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
          AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND score = OLD.nps;
        UPDATE feedback_score_daily SET n = n - 1
        WHERE scale = 'csat' AND day = d AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
          AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND score = OLD.csat;
        UPDATE feedback_score_daily SET n = n - 1
        WHERE scale = 'ces' AND day = d AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
          AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND score = OLD.ces;
        DELETE FROM feedback_score_daily
        WHERE scale IN ('nps', 'csat', 'ces') AND day = d AND post_id = OLD.post_id AND location_id = COALESCE(OLD.location_id, 0)
          AND employee_id = COALESCE(OLD.employee_id, 0) AND segment = OLD.segment AND n = 0;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        d := to_char(NEW.responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD');
        INSERT INTO feedback_score_daily AS f (scale, day, post_id, location_id, employee_id, segment, score, n)
        SELECT s.scale, d, NEW.post_id, COALESCE(NEW.location_id, 0), COALESCE(NEW.employee_id, 0), NEW.segment, s.score, 1
        FROM (VALUES ('nps', NEW.nps), ('csat', NEW.csat), ('ces', NEW.ces)) AS s (scale, score)
        WHERE s.score IS NOT NULL
        ON CONFLICT (scale, day, post_id, location_id, employee_id, segment, score) DO UPDATE SET n = f.n + 1;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER responses_rollup_insert AFTER INSERT ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_rollup();
CREATE TRIGGER responses_rollup_delete AFTER DELETE ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_rollup();
CREATE TRIGGER responses_rollup_update
    AFTER UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps, csat, ces ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_rollup();

-- Fill it from the responses already recorded.
INSERT INTO feedback_score_daily (scale, day, post_id, location_id, employee_id, segment, score, n)
SELECT s.scale, s.day, s.post_id, s.location_id, s.employee_id, s.segment, s.score, COUNT(*)
FROM (SELECT 'nps' AS scale, to_char(responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, post_id,
             COALESCE(location_id, 0) AS location_id, COALESCE(employee_id, 0) AS employee_id, segment, nps AS score
        FROM responses WHERE nps IS NOT NULL
      UNION ALL
      SELECT 'csat', to_char(responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), post_id, COALESCE(location_id, 0), COALESCE(employee_id, 0), segment, csat
        FROM responses WHERE csat IS NOT NULL
      UNION ALL
      SELECT 'ces', to_char(responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), post_id, COALESCE(location_id, 0), COALESCE(employee_id, 0), segment, ces
        FROM responses WHERE ces IS NOT NULL) s
GROUP BY s.scale, s.day, s.post_id, s.location_id, s.employee_id, s.segment, s.score;

-- +goose Down
DROP TRIGGER responses_rollup_update ON responses;
DROP TRIGGER responses_rollup_delete ON responses;
DROP TRIGGER responses_rollup_insert ON responses;
DROP FUNCTION responses_rollup();
DROP TABLE feedback_score_daily;
