-- The value answers by time (PostgreSQL). Keep in step with
-- ../sqlite/00070_value_answers.sql, which says what it is for.

-- +goose Up
CREATE TABLE value_answers (
    response_id  BIGINT NOT NULL,
    position     INTEGER NOT NULL,
    responded_at TIMESTAMPTZ NOT NULL,
    item         TEXT NOT NULL,
    score        INTEGER NOT NULL,
    PRIMARY KEY (response_id, position),
    FOREIGN KEY (response_id, position) REFERENCES response_answers (response_id, position) ON DELETE CASCADE
);

CREATE INDEX value_answers_at ON value_answers (responded_at, response_id);

-- +goose StatementBegin
CREATE FUNCTION response_answers_value() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        DELETE FROM value_answers WHERE response_id = OLD.response_id AND position = OLD.position;
    END IF;
    IF NEW.type = 'value' AND NEW.score IS NOT NULL THEN
        INSERT INTO value_answers (response_id, position, responded_at, item, score)
        SELECT NEW.response_id, NEW.position, r.responded_at, NEW.item, NEW.score FROM responses r WHERE r.id = NEW.response_id;
    END IF;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION responses_value() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE value_answers SET responded_at = NEW.responded_at WHERE response_id = NEW.id;
    RETURN NULL;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER response_answers_value_insert AFTER INSERT ON response_answers
    FOR EACH ROW EXECUTE FUNCTION response_answers_value();
CREATE TRIGGER response_answers_value_update AFTER UPDATE OF response_id, position, type, item, score ON response_answers
    FOR EACH ROW EXECUTE FUNCTION response_answers_value();
CREATE TRIGGER responses_value_update AFTER UPDATE OF responded_at ON responses
    FOR EACH ROW WHEN (OLD.responded_at IS DISTINCT FROM NEW.responded_at) EXECUTE FUNCTION responses_value();

-- Fill it from the answers already recorded.
INSERT INTO value_answers (response_id, position, responded_at, item, score)
SELECT a.response_id, a.position, r.responded_at, a.item, a.score
FROM response_answers a JOIN responses r ON r.id = a.response_id
WHERE a.type = 'value' AND a.score IS NOT NULL;

-- +goose Down
DROP TRIGGER responses_value_update ON responses;
DROP TRIGGER response_answers_value_update ON response_answers;
DROP TRIGGER response_answers_value_insert ON response_answers;
DROP FUNCTION responses_value();
DROP FUNCTION response_answers_value();
DROP TABLE value_answers;
