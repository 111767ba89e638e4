-- Service recovery (internal/recovery), SQLite. Keep in step with
-- ../postgres/00003_recovery.sql: same tables, same columns; only types differ.
-- A case's story is the append-only case_events log; recovery_cases caches
-- status, owner and SLA deadlines for inbox queries and is recomputed from
-- the log on every event. Money columns hold cents. Times are UTC.

-- +goose Up
CREATE TABLE sla_policies (
    location_id BIGINT PRIMARY KEY, -- 0 is the default policy for locations without one
    policy      TEXT NOT NULL,      -- sla.Policy as JSON
    updated_by  TEXT NOT NULL DEFAULT '',
    updated_at  TIMESTAMP NOT NULL
);

CREATE TABLE recovery_cases (
    id                     INTEGER PRIMARY KEY,
    customer_id            INTEGER NOT NULL REFERENCES customers(id),
    purchase_id            INTEGER REFERENCES purchases(id),
    location_id            INTEGER REFERENCES locations(id),
    product_id             INTEGER REFERENCES products(id),
    source                 TEXT NOT NULL,
    summary                TEXT NOT NULL,
    expectation            TEXT NOT NULL DEFAULT '',
    details                TEXT NOT NULL DEFAULT '{}',
    category               TEXT NOT NULL DEFAULT '',
    status                 TEXT NOT NULL CHECK (status IN ('open','resolved','closed','merged')),
    state                  TEXT NOT NULL,
    state_reason           TEXT NOT NULL DEFAULT '',
    owner_id               INTEGER NOT NULL REFERENCES employees(id),
    merged_into            INTEGER REFERENCES recovery_cases(id),
    opened_at              TIMESTAMP NOT NULL,
    first_response_at      TIMESTAMP,
    resolved_at            TIMESTAMP,
    closed_at              TIMESTAMP,
    reopen_count           INTEGER NOT NULL DEFAULT 0,
    root_cause_category    TEXT NOT NULL DEFAULT '',
    root_cause_source      TEXT NOT NULL DEFAULT '',
    follow_through_outcome TEXT NOT NULL DEFAULT '',
    sla_status             TEXT NOT NULL DEFAULT 'none',
    sla_deadline           TIMESTAMP,
    sla_breached           BOOLEAN NOT NULL DEFAULT FALSE,
    created_by             TEXT NOT NULL DEFAULT '',
    created_at             TIMESTAMP NOT NULL,
    updated_at             TIMESTAMP NOT NULL
);
CREATE INDEX recovery_cases_customer ON recovery_cases (customer_id, status);
CREATE INDEX recovery_cases_owner ON recovery_cases (owner_id, status);
CREATE INDEX recovery_cases_deadline ON recovery_cases (status, sla_deadline);
CREATE INDEX recovery_cases_opened ON recovery_cases (opened_at);

CREATE TABLE case_events (
    id      INTEGER PRIMARY KEY,
    case_id INTEGER NOT NULL REFERENCES recovery_cases(id),
    at      TIMESTAMP NOT NULL,
    actor   TEXT NOT NULL,
    kind    TEXT NOT NULL,
    body    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX case_events_case ON case_events (case_id, id);

CREATE TABLE case_people (
    case_id     INTEGER NOT NULL REFERENCES recovery_cases(id),
    employee_id INTEGER NOT NULL REFERENCES employees(id),
    role        TEXT NOT NULL CHECK (role IN ('involved','watcher')),
    PRIMARY KEY (case_id, employee_id, role)
);
CREATE INDEX case_people_employee ON case_people (employee_id);

CREATE TABLE case_tasks (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES recovery_cases(id),
    kind        TEXT NOT NULL CHECK (kind IN ('callback','follow_through','resurvey')),
    status      TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','cancelled')),
    due_at      TIMESTAMP NOT NULL,
    assignee_id INTEGER REFERENCES employees(id),
    note        TEXT NOT NULL DEFAULT '',
    outcome     TEXT NOT NULL DEFAULT '',
    result      TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMP NOT NULL,
    done_at     TIMESTAMP,
    done_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_tasks_case ON case_tasks (case_id);
CREATE INDEX case_tasks_open ON case_tasks (status, due_at);

CREATE TABLE gestures (
    id                    INTEGER PRIMARY KEY,
    case_id               INTEGER NOT NULL REFERENCES recovery_cases(id),
    customer_id           INTEGER NOT NULL REFERENCES customers(id),
    purchase_id           INTEGER REFERENCES purchases(id),
    kind                  TEXT NOT NULL,
    amount                BIGINT NOT NULL,
    status                TEXT NOT NULL CHECK (status IN ('granted','pending_approval','rejected')),
    note                  TEXT NOT NULL DEFAULT '',
    letter                TEXT NOT NULL DEFAULT '',
    requested_by          TEXT NOT NULL,
    requested_by_employee INTEGER REFERENCES employees(id),
    requested_role        TEXT NOT NULL,
    limit_reason          TEXT NOT NULL DEFAULT '',
    decided_by            TEXT NOT NULL DEFAULT '',
    decided_at            TIMESTAMP,
    decision_note         TEXT NOT NULL DEFAULT '',
    created_at            TIMESTAMP NOT NULL
);
CREATE INDEX gestures_case ON gestures (case_id);
CREATE INDEX gestures_customer ON gestures (customer_id);
CREATE INDEX gestures_status ON gestures (status);

CREATE TABLE authority_limits (
    scope      TEXT NOT NULL, -- 'role:agent' or 'employee:12'
    kind       TEXT NOT NULL, -- a gesture kind, or '*' for the total per case
    amount     BIGINT,        -- NULL: unlimited
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, kind)
);
INSERT INTO authority_limits (scope, kind, amount, updated_at) VALUES
    ('role:agent', '*', 5000, CURRENT_TIMESTAMP),
    ('role:manager', '*', 50000, CURRENT_TIMESTAMP),
    ('role:owner', '*', NULL, CURRENT_TIMESTAMP),
    ('role:analyst', '*', 0, CURRENT_TIMESTAMP);

CREATE TABLE case_notifications (
    id           INTEGER PRIMARY KEY,
    case_id      INTEGER NOT NULL REFERENCES recovery_cases(id),
    employee_id  INTEGER REFERENCES employees(id),
    kind         TEXT NOT NULL,
    message      TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL,
    delivered_at TIMESTAMP
);
CREATE INDEX case_notifications_employee ON case_notifications (employee_id, created_at);

CREATE TABLE recurrence_alerts (
    id         INTEGER PRIMARY KEY,
    dimension  TEXT NOT NULL CHECK (dimension IN ('category','product','location')),
    value      TEXT NOT NULL,
    cases      INTEGER NOT NULL,
    window_days INTEGER NOT NULL,
    case_id    INTEGER REFERENCES recovery_cases(id),
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX recurrence_alerts_key ON recurrence_alerts (dimension, value, created_at);

-- +goose Down
DROP TABLE recurrence_alerts;
DROP TABLE case_notifications;
DROP TABLE authority_limits;
DROP TABLE gestures;
DROP TABLE case_tasks;
DROP TABLE case_people;
DROP TABLE case_events;
DROP TABLE recovery_cases;
DROP TABLE sla_policies;
