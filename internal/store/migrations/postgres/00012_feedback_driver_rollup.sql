-- The driver rollup (PostgreSQL). Keep in step with
-- ../sqlite/00012_feedback_driver_rollup.sql, which says what it is for and
-- how the triggers keep it exact. The month is the UTC month of
-- responded_at, as SQLite's date(x, 'start of month') gives it.

-- +goose Up
CREATE TABLE feedback_driver_monthly (
    dim     TEXT NOT NULL CHECK (dim IN ('all', 'post', 'location', 'employee', 'segment')),
    month   TEXT NOT NULL,
    ref     BIGINT NOT NULL,
    segment TEXT NOT NULL,
    item    TEXT NOT NULL,
    score   INTEGER NOT NULL,
    nps     INTEGER NOT NULL,
    n       BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (dim, month, ref, segment, item, score, nps)
);

CREATE VIEW feedback_driver_keys AS
SELECT a.response_id AS response_id, a.position AS position, d.dim AS dim,
       to_char(r.responded_at AT TIME ZONE 'UTC', 'YYYY-MM') || '-01' AS month,
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
CREATE FUNCTION driver_rollup_add(rid BIGINT, pos INTEGER) RETURNS void LANGUAGE sql AS $$
    INSERT INTO feedback_driver_monthly AS f (dim, month, ref, segment, item, score, nps, n)
    SELECT dim, month, ref, segment, item, score, nps, COUNT(*) FROM feedback_driver_keys
    WHERE response_id = rid AND (pos IS NULL OR position = pos)
    GROUP BY dim, month, ref, segment, item, score, nps
    ON CONFLICT (dim, month, ref, segment, item, score, nps) DO UPDATE SET n = f.n + excluded.n;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION driver_rollup_take(rid BIGINT, pos INTEGER) RETURNS void LANGUAGE sql AS $$
    UPDATE feedback_driver_monthly f SET n = f.n - k.c
    FROM (SELECT dim, month, ref, segment, item, score, nps, COUNT(*) AS c FROM feedback_driver_keys
          WHERE response_id = rid AND (pos IS NULL OR position = pos)
          GROUP BY dim, month, ref, segment, item, score, nps) k
    WHERE (f.dim, f.month, f.ref, f.segment, f.item, f.score, f.nps) = (k.dim, k.month, k.ref, k.segment, k.item, k.score, k.nps);
    DELETE FROM feedback_driver_monthly
    WHERE n = 0 AND (dim, month, ref, segment, item, score, nps) IN (SELECT dim, month, ref, segment, item, score, nps
        FROM feedback_driver_keys WHERE response_id = rid AND (pos IS NULL OR position = pos));
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION response_answers_driver_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM driver_rollup_take(OLD.response_id, OLD.position);
        IF TG_OP = 'DELETE' THEN
            RETURN OLD;
        END IF;
        RETURN NEW;
    END IF;
    PERFORM driver_rollup_add(NEW.response_id, NEW.position);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION responses_driver_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM response_answers WHERE response_id = OLD.id;
        RETURN OLD;
    END IF;
    IF TG_WHEN = 'BEFORE' THEN
        PERFORM driver_rollup_take(OLD.id, NULL);
        RETURN NEW;
    END IF;
    PERFORM driver_rollup_add(NEW.id, NULL);
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER response_answers_driver_insert AFTER INSERT ON response_answers
    FOR EACH ROW EXECUTE FUNCTION response_answers_driver_rollup();
CREATE TRIGGER response_answers_driver_delete BEFORE DELETE ON response_answers
    FOR EACH ROW EXECUTE FUNCTION response_answers_driver_rollup();
CREATE TRIGGER response_answers_driver_update_old BEFORE UPDATE ON response_answers
    FOR EACH ROW EXECUTE FUNCTION response_answers_driver_rollup();
CREATE TRIGGER response_answers_driver_update_new AFTER UPDATE ON response_answers
    FOR EACH ROW EXECUTE FUNCTION response_answers_driver_rollup();
CREATE TRIGGER responses_driver_update_old
    BEFORE UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_driver_rollup();
CREATE TRIGGER responses_driver_update_new
    AFTER UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_driver_rollup();
CREATE TRIGGER responses_driver_delete BEFORE DELETE ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_driver_rollup();

-- Fill it from the answers already recorded.
INSERT INTO feedback_driver_monthly (dim, month, ref, segment, item, score, nps, n)
SELECT dim, month, ref, segment, item, score, nps, COUNT(*) FROM feedback_driver_keys
GROUP BY dim, month, ref, segment, item, score, nps;

-- +goose Down
DROP TRIGGER responses_driver_delete ON responses;
DROP TRIGGER responses_driver_update_new ON responses;
DROP TRIGGER responses_driver_update_old ON responses;
DROP TRIGGER response_answers_driver_update_new ON response_answers;
DROP TRIGGER response_answers_driver_update_old ON response_answers;
DROP TRIGGER response_answers_driver_delete ON response_answers;
DROP TRIGGER response_answers_driver_insert ON response_answers;
DROP FUNCTION responses_driver_rollup();
DROP FUNCTION response_answers_driver_rollup();
DROP FUNCTION driver_rollup_take(BIGINT, INTEGER);
DROP FUNCTION driver_rollup_add(BIGINT, INTEGER);
DROP VIEW feedback_driver_keys;
DROP TABLE feedback_driver_monthly;
