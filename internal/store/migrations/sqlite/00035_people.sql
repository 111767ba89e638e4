-- Employee records for the service-profit chain (SQLite): job titles,
-- employment spells with their exits, the editable list of exit reasons,
-- and training records. Keep in step with ../postgres/00035_people.sql and
-- with internal/store/people.go.
--
-- An exit never deletes an employee: it ends their employment spell, and a
-- rehire opens a new one, so turnover and headcount can be counted per
-- month from the spells alone. Civil dates (hire, exit, training) are TEXT
-- 'YYYY-MM-DD' on both engines: they are days in the business's calendar,
-- not instants, and compare as strings. Money is integer minor units.

-- +goose Up
ALTER TABLE employees ADD COLUMN job_title TEXT NOT NULL DEFAULT '';

CREATE TABLE exit_reasons (
    slug       TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    position   INTEGER NOT NULL DEFAULT 0,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    created_at TIMESTAMP NOT NULL
);
INSERT INTO exit_reasons (slug, name, position, active, created_at) VALUES
    ('pay', 'Pay', 1, TRUE, CURRENT_TIMESTAMP),
    ('career', 'Career', 2, TRUE, CURRENT_TIMESTAMP),
    ('manager', 'Manager', 3, TRUE, CURRENT_TIMESTAMP),
    ('workload', 'Workload', 4, TRUE, CURRENT_TIMESTAMP),
    ('relocation', 'Relocation', 5, TRUE, CURRENT_TIMESTAMP),
    ('other', 'Other', 6, TRUE, CURRENT_TIMESTAMP);

-- team_id and location_id are the unit the spell counts in: the
-- employee's when the spell opened, kept in step while it is open and
-- frozen when it ends.
CREATE TABLE employment_spells (
    id          INTEGER PRIMARY KEY,
    employee_id INTEGER NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
    started_on  TEXT NOT NULL,
    left_on     TEXT,
    team_id     INTEGER,
    location_id INTEGER,
    reason      TEXT REFERENCES exit_reasons(slug),
    regretted   BOOLEAN NOT NULL DEFAULT FALSE,
    notes       TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX employment_spells_employee ON employment_spells (employee_id, started_on);
CREATE INDEX employment_spells_left ON employment_spells (left_on);

-- Every employee so far is in their first spell, from their hire date
-- (else the day they were added).
INSERT INTO employment_spells (employee_id, started_on, team_id, location_id, created_at, updated_at)
SELECT id, substr(COALESCE(hired_at, created_at), 1, 10), team_id, location_id, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP
FROM employees;

CREATE TABLE employee_trainings (
    id          INTEGER PRIMARY KEY,
    employee_id INTEGER NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
    course      TEXT NOT NULL,
    skill       TEXT NOT NULL DEFAULT '',
    taken_on    TEXT NOT NULL,
    hours       REAL NOT NULL,
    cost        BIGINT NOT NULL,
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX employee_trainings_employee ON employee_trainings (employee_id, taken_on);

-- +goose Down
DROP TABLE employee_trainings;
DROP TABLE employment_spells;
DROP TABLE exit_reasons;
ALTER TABLE employees DROP COLUMN job_title;
