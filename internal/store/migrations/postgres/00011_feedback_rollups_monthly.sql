-- The coarse feedback rollup (PostgreSQL). Keep in step with
-- ../sqlite/00011_feedback_rollups_monthly.sql, which says what it is for.
-- The month is the UTC month of responded_at, as SQLite's
-- date(x, 'start of month') gives it.

-- +goose Up
CREATE TABLE feedback_score_monthly (
    scale   TEXT NOT NULL CHECK (scale IN ('nps', 'csat', 'ces')),
    dim     TEXT NOT NULL CHECK (dim IN ('all', 'post', 'location', 'employee', 'segment')),
    month   TEXT NOT NULL,
    ref     BIGINT NOT NULL,
    segment TEXT NOT NULL,
    score   INTEGER NOT NULL,
    n       BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (scale, dim, month, ref, segment, score)
);

-- +goose StatementBegin
CREATE FUNCTION responses_rollup_monthly() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    m TEXT;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        m := to_char(OLD.responded_at AT TIME ZONE 'UTC', 'YYYY-MM') || '-01';
        UPDATE feedback_score_monthly SET n = n - 1
    WHERE (scale, dim, month, ref, segment, score) IN (SELECT s.scale, d.dim, m, d.ref, d.segment, s.score
    FROM (SELECT 'nps' AS scale, OLD.nps AS score UNION ALL SELECT 'csat', OLD.csat UNION ALL SELECT 'ces', OLD.ces) s,
         (SELECT 'all' AS dim, 0 AS ref, '' AS segment UNION ALL SELECT 'post', OLD.post_id, ''
          UNION ALL SELECT 'location', COALESCE(OLD.location_id, 0), '' UNION ALL SELECT 'employee', COALESCE(OLD.employee_id, 0), ''
          UNION ALL SELECT 'segment', 0, OLD.segment) d
    WHERE s.score IS NOT NULL);
    DELETE FROM feedback_score_monthly
    WHERE n = 0 AND (scale, dim, month, ref, segment, score) IN (SELECT s.scale, d.dim, m, d.ref, d.segment, s.score
    FROM (SELECT 'nps' AS scale, OLD.nps AS score UNION ALL SELECT 'csat', OLD.csat UNION ALL SELECT 'ces', OLD.ces) s,
         (SELECT 'all' AS dim, 0 AS ref, '' AS segment UNION ALL SELECT 'post', OLD.post_id, ''
          UNION ALL SELECT 'location', COALESCE(OLD.location_id, 0), '' UNION ALL SELECT 'employee', COALESCE(OLD.employee_id, 0), ''
          UNION ALL SELECT 'segment', 0, OLD.segment) d
    WHERE s.score IS NOT NULL);
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        m := to_char(NEW.responded_at AT TIME ZONE 'UTC', 'YYYY-MM') || '-01';
        INSERT INTO feedback_score_monthly AS f (scale, dim, month, ref, segment, score, n)
    SELECT s.scale, d.dim, m, d.ref, d.segment, s.score, 1
    FROM (SELECT 'nps' AS scale, NEW.nps AS score UNION ALL SELECT 'csat', NEW.csat UNION ALL SELECT 'ces', NEW.ces) s,
         (SELECT 'all' AS dim, 0 AS ref, '' AS segment UNION ALL SELECT 'post', NEW.post_id, ''
          UNION ALL SELECT 'location', COALESCE(NEW.location_id, 0), '' UNION ALL SELECT 'employee', COALESCE(NEW.employee_id, 0), ''
          UNION ALL SELECT 'segment', 0, NEW.segment) d
    WHERE s.score IS NOT NULL
    ON CONFLICT (scale, dim, month, ref, segment, score) DO UPDATE SET n = f.n + 1;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER responses_rollup_monthly_insert AFTER INSERT ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_rollup_monthly();
CREATE TRIGGER responses_rollup_monthly_delete AFTER DELETE ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_rollup_monthly();
CREATE TRIGGER responses_rollup_monthly_update
    AFTER UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps, csat, ces ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_rollup_monthly();

-- Fill it from the responses already recorded.
INSERT INTO feedback_score_monthly (scale, dim, month, ref, segment, score, n)
SELECT c.scale, c.dim, c.month, c.ref, c.segment, c.score, COUNT(*)
FROM (SELECT s.scale, d.dim, to_char(responded_at AT TIME ZONE 'UTC', 'YYYY-MM') || '-01' AS month,
             CASE d.dim WHEN 'post' THEN r.post_id WHEN 'location' THEN COALESCE(r.location_id, 0)
                        WHEN 'employee' THEN COALESCE(r.employee_id, 0) ELSE 0 END AS ref,
             CASE WHEN d.dim = 'segment' THEN r.segment ELSE '' END AS segment,
             CASE s.scale WHEN 'nps' THEN r.nps WHEN 'csat' THEN r.csat ELSE r.ces END AS score
      FROM responses r,
           (SELECT 'nps' AS scale UNION ALL SELECT 'csat' UNION ALL SELECT 'ces') s,
           (SELECT 'all' AS dim UNION ALL SELECT 'post' UNION ALL SELECT 'location' UNION ALL SELECT 'employee' UNION ALL SELECT 'segment') d) c
WHERE c.score IS NOT NULL
GROUP BY c.scale, c.dim, c.month, c.ref, c.segment, c.score;

-- +goose Down
DROP TRIGGER responses_rollup_monthly_update ON responses;
DROP TRIGGER responses_rollup_monthly_delete ON responses;
DROP TRIGGER responses_rollup_monthly_insert ON responses;
DROP FUNCTION responses_rollup_monthly();
DROP TABLE feedback_score_monthly;
