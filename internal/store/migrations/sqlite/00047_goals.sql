-- Satisfaction goals (SQLite): a target for NPS, CSAT, CES, follow-up
-- closure time, SLA attainment or pulse satisfaction, for the whole
-- business, a location, a team or a customer segment, over a fixed range
-- of days or every month or quarter; and the weeks whose goals digest has
-- been sent. Keep in step with ../postgres/00047_goals.sql and with
-- internal/store/goals.go.
--
-- starts_on/ends_on are civil days 'YYYY-MM-DD' in the business's
-- calendar (as in 00035_people), set only for a fixed period.

-- +goose Up
CREATE TABLE goals (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    metric      TEXT NOT NULL CHECK (metric IN ('nps','csat','ces','followup_closure_hours','sla_attainment','pulse_satisfaction')),
    scope       TEXT NOT NULL CHECK (scope IN ('all','location','team','segment')),
    location_id INTEGER REFERENCES locations(id) ON DELETE CASCADE,
    team_id     INTEGER REFERENCES teams(id) ON DELETE CASCADE,
    segment     TEXT NOT NULL DEFAULT '',
    direction   TEXT NOT NULL CHECK (direction IN ('at_least','at_most')),
    target      REAL NOT NULL,
    period      TEXT NOT NULL CHECK (period IN ('fixed','month','quarter')),
    starts_on   TEXT,
    ends_on     TEXT,
    owner_id    INTEGER REFERENCES employees(id),
    created_by  TEXT NOT NULL,
    version     INTEGER NOT NULL DEFAULT 1,
    created_at  TIMESTAMP NOT NULL,
    updated_at  TIMESTAMP NOT NULL
);
CREATE INDEX goals_location ON goals (location_id);
CREATE INDEX goals_team ON goals (team_id);

-- A follow-up-closure goal reads the follow-ups closed in its period: a
-- range of this index, not every closed follow-up there ever was.
CREATE INDEX follow_ups_closed ON follow_ups (closed_at);

-- One row per ISO week (2026-W49, in the business's zone) whose digest
-- was sent, written in the transaction that queues it: a second run of
-- the week finds the row and sends nothing.
CREATE TABLE goal_digests (
    week          TEXT PRIMARY KEY,
    notifications INTEGER NOT NULL,
    sent_at       TIMESTAMP NOT NULL
);

-- +goose Down
DROP INDEX follow_ups_closed;
DROP TABLE goal_digests;
DROP TABLE goals;
