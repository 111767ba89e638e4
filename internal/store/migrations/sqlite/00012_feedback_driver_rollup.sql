-- The driver rollup (SQLite). Keep in step with
-- ../postgres/00012_feedback_driver_rollup.sql.
--
-- "Which items move NPS" correlates every scored non-NPS answer with its
-- response's NPS. Pearson and Spearman on integer scores are functions of
-- the count of each (item score, NPS) pair, so feedback_driver_monthly
-- keeps exactly those counts: per dimension row set (dim, ref, segment as
-- in feedback_score_monthly, 00011), UTC month, item (its item key, else a
-- rating's question, else the answer type — as the report names it), item
-- score and NPS score. A driver report over whole months reads
-- months × values × items × pairs rows instead of every answer.
--
-- feedback_driver_keys is the one definition of the rows an answer adds:
-- the triggers and `fresco rollups rebuild` both read it. Triggers keep the
-- rollup exact in the transaction of every write:
--   * an answer added, corrected or removed (BEFORE: take its rows away
--     while the response is still there; AFTER: add its new rows);
--   * a response whose NPS, date or attribution changes (BEFORE UPDATE
--     takes away all its answers' rows, AFTER UPDATE adds them back);
--   * a response deleted: a BEFORE DELETE trigger deletes its answers
--     itself, so each answer's trigger still sees the response — the
--     ON DELETE CASCADE would run when it is gone — and the cascade then
--     finds nothing left.

-- +goose Up
CREATE TABLE feedback_driver_monthly (
    dim     TEXT NOT NULL CHECK (dim IN ('all', 'post', 'location', 'employee', 'segment')),
    month   TEXT NOT NULL,
    ref     INTEGER NOT NULL,
    segment TEXT NOT NULL,
    item    TEXT NOT NULL,
    score   INTEGER NOT NULL,
    nps     INTEGER NOT NULL,
    n       INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (dim, month, ref, segment, item, score, nps)
) WITHOUT ROWID;

CREATE VIEW feedback_driver_keys AS
SELECT a.response_id AS response_id, a.position AS position, d.dim AS dim,
       date(r.responded_at, 'start of month') AS month,
       CASE d.dim WHEN 'post' THEN r.post_id WHEN 'location' THEN COALESCE(r.location_id, 0)
                  WHEN 'employee' THEN COALESCE(r.employee_id, 0) ELSE 0 END AS ref,
       CASE WHEN d.dim = 'segment' THEN r.segment ELSE '' END AS segment,
       CASE WHEN a.item <> '' THEN a.item WHEN a.type = 'rating' AND a.question <> '' THEN a.question ELSE a.type END AS item,
       a.score AS score, r.nps AS nps
FROM response_answers a
JOIN responses r ON r.id = a.response_id
CROSS JOIN (SELECT 'all' AS dim UNION ALL SELECT 'post' UNION ALL SELECT 'location'
            UNION ALL SELECT 'employee' UNION ALL SELECT 'segment') d
WHERE a.score IS NOT NULL AND a.type <> 'nps' AND r.nps IS NOT NULL;

-- +goose StatementBegin
CREATE TRIGGER response_answers_driver_insert AFTER INSERT ON response_answers
BEGIN
    INSERT INTO feedback_driver_monthly (dim, month, ref, segment, item, score, nps, n)
    SELECT dim, month, ref, segment, item, score, nps, 1 FROM feedback_driver_keys
    WHERE response_id = NEW.response_id AND position = NEW.position
    ON CONFLICT (dim, month, ref, segment, item, score, nps) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER response_answers_driver_delete BEFORE DELETE ON response_answers
BEGIN
    UPDATE feedback_driver_monthly SET n = n - 1
    WHERE (dim, month, ref, segment, item, score, nps) IN (SELECT dim, month, ref, segment, item, score, nps
        FROM feedback_driver_keys WHERE response_id = OLD.response_id AND position = OLD.position);
    DELETE FROM feedback_driver_monthly
    WHERE n = 0 AND (dim, month, ref, segment, item, score, nps) IN (SELECT dim, month, ref, segment, item, score, nps
        FROM feedback_driver_keys WHERE response_id = OLD.response_id AND position = OLD.position);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER response_answers_driver_update_old BEFORE UPDATE ON response_answers
BEGIN
    UPDATE feedback_driver_monthly SET n = n - 1
    WHERE (dim, month, ref, segment, item, score, nps) IN (SELECT dim, month, ref, segment, item, score, nps
        FROM feedback_driver_keys WHERE response_id = OLD.response_id AND position = OLD.position);
    DELETE FROM feedback_driver_monthly
    WHERE n = 0 AND (dim, month, ref, segment, item, score, nps) IN (SELECT dim, month, ref, segment, item, score, nps
        FROM feedback_driver_keys WHERE response_id = OLD.response_id AND position = OLD.position);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER response_answers_driver_update_new AFTER UPDATE ON response_answers
BEGIN
    INSERT INTO feedback_driver_monthly (dim, month, ref, segment, item, score, nps, n)
    SELECT dim, month, ref, segment, item, score, nps, 1 FROM feedback_driver_keys
    WHERE response_id = NEW.response_id AND position = NEW.position
    ON CONFLICT (dim, month, ref, segment, item, score, nps) DO UPDATE SET n = n + 1;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER responses_driver_update_old
BEFORE UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps ON responses
BEGIN
    UPDATE feedback_driver_monthly SET n = n - (SELECT COUNT(*) FROM feedback_driver_keys k
        WHERE k.response_id = OLD.id AND k.dim = feedback_driver_monthly.dim AND k.month = feedback_driver_monthly.month
          AND k.ref = feedback_driver_monthly.ref AND k.segment = feedback_driver_monthly.segment
          AND k.item = feedback_driver_monthly.item AND k.score = feedback_driver_monthly.score AND k.nps = feedback_driver_monthly.nps)
    WHERE (dim, month, ref, segment, item, score, nps) IN (SELECT dim, month, ref, segment, item, score, nps
        FROM feedback_driver_keys WHERE response_id = OLD.id);
    DELETE FROM feedback_driver_monthly
    WHERE n = 0 AND (dim, month, ref, segment, item, score, nps) IN (SELECT dim, month, ref, segment, item, score, nps
        FROM feedback_driver_keys WHERE response_id = OLD.id);
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER responses_driver_update_new
AFTER UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps ON responses
BEGIN
    INSERT INTO feedback_driver_monthly (dim, month, ref, segment, item, score, nps, n)
    SELECT dim, month, ref, segment, item, score, nps, COUNT(*) FROM feedback_driver_keys
    WHERE response_id = NEW.id
    GROUP BY dim, month, ref, segment, item, score, nps
    ON CONFLICT (dim, month, ref, segment, item, score, nps) DO UPDATE SET n = n + excluded.n;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER responses_driver_delete BEFORE DELETE ON responses
BEGIN
    DELETE FROM response_answers WHERE response_id = OLD.id;
END;
-- +goose StatementEnd

-- Fill it from the answers already recorded.
INSERT INTO feedback_driver_monthly (dim, month, ref, segment, item, score, nps, n)
SELECT dim, month, ref, segment, item, score, nps, COUNT(*) FROM feedback_driver_keys
GROUP BY dim, month, ref, segment, item, score, nps;

-- +goose Down
DROP TRIGGER responses_driver_delete;
DROP TRIGGER responses_driver_update_new;
DROP TRIGGER responses_driver_update_old;
DROP TRIGGER response_answers_driver_update_new;
DROP TRIGGER response_answers_driver_update_old;
DROP TRIGGER response_answers_driver_delete;
DROP TRIGGER response_answers_driver_insert;
DROP VIEW feedback_driver_keys;
DROP TABLE feedback_driver_monthly;
