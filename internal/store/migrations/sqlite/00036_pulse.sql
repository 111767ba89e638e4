-- The employee pulse (issue 13, item 2): a monthly anonymous staff survey.
-- Anonymity is in the schema: an answer (pulse_responses, pulse_answers)
-- holds the unit the answerer was in but no employee, no time and no
-- sequential id (ids are random); who has answered (pulse_respondents) holds
-- no link to the answer and, WITHOUT ROWID, no insertion order either. See
-- docs/architecture.md, "Employee pulse". Keep in step with the other
-- engine's 00036.
-- +goose Up
CREATE TABLE pulse_question_sets (
    version    INTEGER PRIMARY KEY,
    questions  TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE pulses (
    id               INTEGER PRIMARY KEY,
    period           TEXT NOT NULL,
    question_version INTEGER NOT NULL REFERENCES pulse_question_sets (version),
    opened_at        TIMESTAMP NOT NULL,
    closes_at        TIMESTAMP NOT NULL,
    invited          INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX pulses_period ON pulses (period);

CREATE TABLE pulse_responses (
    id          INTEGER PRIMARY KEY,
    pulse_id    INTEGER NOT NULL REFERENCES pulses (id),
    team_id     INTEGER REFERENCES teams (id),
    location_id INTEGER REFERENCES locations (id),
    imported    BOOLEAN NOT NULL DEFAULT FALSE
);
CREATE INDEX pulse_responses_pulse ON pulse_responses (pulse_id);

CREATE TABLE pulse_answers (
    response_id INTEGER NOT NULL REFERENCES pulse_responses (id) ON DELETE CASCADE,
    item        TEXT NOT NULL,
    score       INTEGER,
    text        TEXT,
    PRIMARY KEY (response_id, item)
) WITHOUT ROWID;

CREATE TABLE pulse_respondents (
    pulse_id    INTEGER NOT NULL REFERENCES pulses (id),
    employee_id INTEGER NOT NULL REFERENCES employees (id),
    PRIMARY KEY (pulse_id, employee_id)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE pulse_respondents;
DROP TABLE pulse_answers;
DROP TABLE pulse_responses;
DROP TABLE pulses;
DROP TABLE pulse_question_sets;
