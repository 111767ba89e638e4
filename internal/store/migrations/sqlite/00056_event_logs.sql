-- Imported process event logs (internal/processlog), SQLite. Keep in step
-- with ../postgres/00056_event_logs.sql and internal/store/event_logs.go.
--
-- A log is stored whole or not at all: its row, its cases (in file order,
-- case_no 0, 1, …), their attributes and its events (seq is the event's
-- position in the log as stored: the cases in order, each case's events in
-- the order the file gave them, which is how ties in time are kept). at is
-- NULL for an event the file gave no time.

-- +goose Up
CREATE TABLE event_logs (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    source      TEXT NOT NULL DEFAULT '',  -- the file name, as the importer gave it
    format      TEXT NOT NULL CHECK (format IN ('xes','csv')),
    cases       INTEGER NOT NULL,
    events      INTEGER NOT NULL,
    activities  INTEGER NOT NULL,
    starts_at   TIMESTAMP,
    ends_at     TIMESTAMP,
    imported_by TEXT NOT NULL,
    imported_at TIMESTAMP NOT NULL
);

CREATE TABLE event_log_cases (
    log_id  INTEGER NOT NULL REFERENCES event_logs(id),
    case_no INTEGER NOT NULL,
    name    TEXT NOT NULL,
    PRIMARY KEY (log_id, case_no)
) WITHOUT ROWID;

CREATE TABLE event_log_attributes (
    log_id  INTEGER NOT NULL REFERENCES event_logs(id),
    case_no INTEGER NOT NULL,
    name    TEXT NOT NULL,
    value   TEXT NOT NULL,
    PRIMARY KEY (log_id, case_no, name)
) WITHOUT ROWID;

CREATE TABLE event_log_events (
    log_id    INTEGER NOT NULL REFERENCES event_logs(id),
    seq       INTEGER NOT NULL,
    case_no   INTEGER NOT NULL,
    activity  TEXT NOT NULL,
    at        TIMESTAMP,
    resource  TEXT NOT NULL DEFAULT '',
    role      TEXT NOT NULL DEFAULT '',
    lifecycle TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (log_id, seq)
) WITHOUT ROWID;

-- +goose Down
DROP TABLE event_log_events;
DROP TABLE event_log_attributes;
DROP TABLE event_log_cases;
DROP TABLE event_logs;
