-- The value answers by time (SQLite). Keep in step with
-- ../postgres/00070_value_answers.sql.
--
-- The Customer Value Equation (store/value_equation.go) reads a period's
-- value answers. Answers carry no time, so its queries walked every
-- response of the period and all their answers to find the few of type
-- 'value' — at a million customers a year of responses, tens of seconds
-- per view, and all of it wasted where no survey asks the value items.
-- value_answers holds each scored value answer with its response's time:
-- a report reads the period's value answers through value_answers_at and
-- nothing else of response_answers. Triggers keep it exact on every path
-- (an answer added, corrected or removed — also through the cascade of a
-- response's delete — and a response's time changed); `fresco rollups
-- rebuild` rewrites it from response_answers.

-- +goose Up
CREATE TABLE value_answers (
    response_id  INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    responded_at TIMESTAMP NOT NULL,
    item         TEXT NOT NULL,
    score        INTEGER NOT NULL,
    PRIMARY KEY (response_id, position),
    FOREIGN KEY (response_id, position) REFERENCES response_answers (response_id, position) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX value_answers_at ON value_answers (responded_at, response_id);

-- +goose StatementBegin
CREATE TRIGGER response_answers_value_insert AFTER INSERT ON response_answers
WHEN NEW.type = 'value' AND NEW.score IS NOT NULL
BEGIN
    INSERT INTO value_answers (response_id, position, responded_at, item, score)
    SELECT NEW.response_id, NEW.position, r.responded_at, NEW.item, NEW.score FROM responses r WHERE r.id = NEW.response_id;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER response_answers_value_update AFTER UPDATE OF response_id, position, type, item, score ON response_answers
BEGIN
    DELETE FROM value_answers WHERE response_id = OLD.response_id AND position = OLD.position;
    INSERT INTO value_answers (response_id, position, responded_at, item, score)
    SELECT NEW.response_id, NEW.position, r.responded_at, NEW.item, NEW.score FROM responses r
    WHERE r.id = NEW.response_id AND NEW.type = 'value' AND NEW.score IS NOT NULL;
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER responses_value_update AFTER UPDATE OF responded_at ON responses
BEGIN
    UPDATE value_answers SET responded_at = NEW.responded_at WHERE response_id = NEW.id;
END;
-- +goose StatementEnd

-- Fill it from the answers already recorded.
INSERT INTO value_answers (response_id, position, responded_at, item, score)
SELECT a.response_id, a.position, r.responded_at, a.item, a.score
FROM response_answers a JOIN responses r ON r.id = a.response_id
WHERE a.type = 'value' AND a.score IS NOT NULL;

-- +goose Down
DROP TRIGGER responses_value_update;
DROP TRIGGER response_answers_value_update;
DROP TRIGGER response_answers_value_insert;
DROP TABLE value_answers;
