-- The coarse feedback rollup (SQLite). Keep in step with
-- ../postgres/00011_feedback_rollups_monthly.sql.
--
-- feedback_score_daily (00010) keeps every dimension per day, so at a few
-- dozen answers a day it is nearly as long as responses. The reports ask
-- for one dimension at a time: the headline over everything, a ranking by
-- employee, a breakdown by post or segment, a monthly trend, each filtered
-- by at most one dimension. feedback_score_monthly keeps exactly those row
-- sets: per scale, per dimension (dim: 'all', 'post', 'location',
-- 'employee', 'segment'), per UTC month ('YYYY-MM-01') and score, the count
-- of answers for each value of that one dimension (ref: the post, location
-- or employee id, 0 for unknown or for the other dims; segment: the
-- segment for dim 'segment', else ''). A report over whole months reads
-- months × values × scores rows; store.rollupLayer says when it can.
--
-- Triggers keep it exact in the transaction of every write to responses,
-- like the daily one; `fresco rollups rebuild` recomputes both.

-- +goose Up
CREATE TABLE feedback_score_monthly (
    scale   TEXT NOT NULL CHECK (scale IN ('nps', 'csat', 'ces')),
    dim     TEXT NOT NULL CHECK (dim IN ('all', 'post', 'location', 'employee', 'segment')),
    month   TEXT NOT NULL,
    ref     INTEGER NOT NULL,
    segment TEXT NOT NULL,
    score   INTEGER NOT NULL,
    n       INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (scale, dim, month, ref, segment, score)
) WITHOUT ROWID;

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

-- +goose StatementBegin
CREATE TRIGGER responses_rollup_monthly_delete AFTER DELETE ON responses
BEGIN
    UPDATE feedback_score_monthly SET n = n - 1
    WHERE (scale, dim, month, ref, segment, score) IN (SELECT s.scale, d.dim, date(OLD.responded_at, 'start of month'), d.ref, d.segment, s.score
    FROM (SELECT 'nps' AS scale, OLD.nps AS score UNION ALL SELECT 'csat', OLD.csat UNION ALL SELECT 'ces', OLD.ces) s,
         (SELECT 'all' AS dim, 0 AS ref, '' AS segment UNION ALL SELECT 'post', OLD.post_id, ''
          UNION ALL SELECT 'location', COALESCE(OLD.location_id, 0), '' UNION ALL SELECT 'employee', COALESCE(OLD.employee_id, 0), ''
          UNION ALL SELECT 'segment', 0, OLD.segment) d
    WHERE s.score IS NOT NULL);
    DELETE FROM feedback_score_monthly
    WHERE n = 0 AND (scale, dim, month, ref, segment, score) IN (SELECT s.scale, d.dim, date(OLD.responded_at, 'start of month'), d.ref, d.segment, s.score
    FROM (SELECT 'nps' AS scale, OLD.nps AS score UNION ALL SELECT 'csat', OLD.csat UNION ALL SELECT 'ces', OLD.ces) s,
         (SELECT 'all' AS dim, 0 AS ref, '' AS segment UNION ALL SELECT 'post', OLD.post_id, ''
          UNION ALL SELECT 'location', COALESCE(OLD.location_id, 0), '' UNION ALL SELECT 'employee', COALESCE(OLD.employee_id, 0), ''
          UNION ALL SELECT 'segment', 0, OLD.segment) d
    WHERE s.score IS NOT NULL);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER responses_rollup_monthly_update
AFTER UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps, csat, ces ON responses
BEGIN
    UPDATE feedback_score_monthly SET n = n - 1
    WHERE (scale, dim, month, ref, segment, score) IN (SELECT s.scale, d.dim, date(OLD.responded_at, 'start of month'), d.ref, d.segment, s.score
    FROM (SELECT 'nps' AS scale, OLD.nps AS score UNION ALL SELECT 'csat', OLD.csat UNION ALL SELECT 'ces', OLD.ces) s,
         (SELECT 'all' AS dim, 0 AS ref, '' AS segment UNION ALL SELECT 'post', OLD.post_id, ''
          UNION ALL SELECT 'location', COALESCE(OLD.location_id, 0), '' UNION ALL SELECT 'employee', COALESCE(OLD.employee_id, 0), ''
          UNION ALL SELECT 'segment', 0, OLD.segment) d
    WHERE s.score IS NOT NULL);
    DELETE FROM feedback_score_monthly
    WHERE n = 0 AND (scale, dim, month, ref, segment, score) IN (SELECT s.scale, d.dim, date(OLD.responded_at, 'start of month'), d.ref, d.segment, s.score
    FROM (SELECT 'nps' AS scale, OLD.nps AS score UNION ALL SELECT 'csat', OLD.csat UNION ALL SELECT 'ces', OLD.ces) s,
         (SELECT 'all' AS dim, 0 AS ref, '' AS segment UNION ALL SELECT 'post', OLD.post_id, ''
          UNION ALL SELECT 'location', COALESCE(OLD.location_id, 0), '' UNION ALL SELECT 'employee', COALESCE(OLD.employee_id, 0), ''
          UNION ALL SELECT 'segment', 0, OLD.segment) d
    WHERE s.score IS NOT NULL);
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

-- Fill it from the responses already recorded.
INSERT INTO feedback_score_monthly (scale, dim, month, ref, segment, score, n)
SELECT c.scale, c.dim, c.month, c.ref, c.segment, c.score, COUNT(*)
FROM (SELECT s.scale, d.dim, date(responded_at, 'start of month') AS month,
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
DROP TRIGGER responses_rollup_monthly_update;
DROP TRIGGER responses_rollup_monthly_delete;
DROP TRIGGER responses_rollup_monthly_insert;
DROP TABLE feedback_score_monthly;
