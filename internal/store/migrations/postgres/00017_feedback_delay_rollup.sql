-- The purchase→feedback delay rollup (PostgreSQL). Keep in step with
-- ../sqlite/00017_feedback_delay_rollup.sql, which says what it is for.
-- Whole seconds are floor(extract(epoch …)), as SQLite's strftime('%s', …)
-- gives them; day and month are UTC, as SQLite's date() gives them.

-- +goose Up
CREATE TABLE feedback_delay_daily (
    day     TEXT NOT NULL,
    post_id BIGINT NOT NULL,
    hours   INTEGER NOT NULL CHECK (hours >= -1),
    n       BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (day, post_id, hours)
);

CREATE TABLE feedback_delay_monthly (
    month   TEXT NOT NULL,
    post_id BIGINT NOT NULL,
    hours   INTEGER NOT NULL CHECK (hours >= -1),
    n       BIGINT NOT NULL CHECK (n >= 0),
    PRIMARY KEY (month, post_id, hours)
);

-- +goose StatementBegin
CREATE FUNCTION feedback_delay_hours(responded TIMESTAMPTZ, purchased TIMESTAMPTZ) RETURNS INTEGER
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN s.secs IS NULL OR s.secs < 0 THEN -1 ELSE ((s.secs + 1800) / 3600)::INTEGER END
    FROM (SELECT floor(extract(epoch FROM responded))::BIGINT - floor(extract(epoch FROM purchased))::BIGINT AS secs) s
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION responses_delay_rollup() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    d TEXT;
    h INTEGER;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        d := to_char(OLD.responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD');
        h := feedback_delay_hours(OLD.responded_at, OLD.purchased_at);
        UPDATE feedback_delay_daily SET n = n - 1 WHERE day = d AND post_id = OLD.post_id AND hours = h;
        DELETE FROM feedback_delay_daily WHERE day = d AND post_id = OLD.post_id AND hours = h AND n = 0;
        UPDATE feedback_delay_monthly SET n = n - 1 WHERE month = substr(d, 1, 7) || '-01' AND post_id = OLD.post_id AND hours = h;
        DELETE FROM feedback_delay_monthly WHERE month = substr(d, 1, 7) || '-01' AND post_id = OLD.post_id AND hours = h AND n = 0;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') THEN
        d := to_char(NEW.responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD');
        h := feedback_delay_hours(NEW.responded_at, NEW.purchased_at);
        INSERT INTO feedback_delay_daily AS f (day, post_id, hours, n) VALUES (d, NEW.post_id, h, 1)
        ON CONFLICT (day, post_id, hours) DO UPDATE SET n = f.n + 1;
        INSERT INTO feedback_delay_monthly AS f (month, post_id, hours, n) VALUES (substr(d, 1, 7) || '-01', NEW.post_id, h, 1)
        ON CONFLICT (month, post_id, hours) DO UPDATE SET n = f.n + 1;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER responses_delay_insert AFTER INSERT ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_delay_rollup();
CREATE TRIGGER responses_delay_delete AFTER DELETE ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_delay_rollup();
CREATE TRIGGER responses_delay_update AFTER UPDATE OF responded_at, purchased_at, post_id ON responses
    FOR EACH ROW EXECUTE FUNCTION responses_delay_rollup();

INSERT INTO feedback_delay_daily (day, post_id, hours, n)
SELECT to_char(responded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), post_id, feedback_delay_hours(responded_at, purchased_at), COUNT(*)
FROM responses GROUP BY 1, 2, 3;

INSERT INTO feedback_delay_monthly (month, post_id, hours, n)
SELECT substr(day, 1, 7) || '-01', post_id, hours, SUM(n) FROM feedback_delay_daily GROUP BY 1, 2, 3;

-- +goose Down
DROP TRIGGER responses_delay_update ON responses;
DROP TRIGGER responses_delay_delete ON responses;
DROP TRIGGER responses_delay_insert ON responses;
DROP FUNCTION responses_delay_rollup();
DROP FUNCTION feedback_delay_hours(TIMESTAMPTZ, TIMESTAMPTZ);
DROP TABLE feedback_delay_monthly;
DROP TABLE feedback_delay_daily;
