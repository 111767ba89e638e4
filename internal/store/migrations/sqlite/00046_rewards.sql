-- Rewards for results (issue 13, item 6), SQLite. Keep in step with
-- ../postgres/00046_rewards.sql and internal/store/rewards.go.
--
-- Scorecards are computed from the records that already say what happened
-- (cases, purchases, responses, follow-ups, call tasks); only what the
-- owner and people decide is stored here: the rewards tied to team goals,
-- and nominations by colleagues and customers.
--
-- A reward's period is civil days 'YYYY-MM-DD' (inclusive), like the
-- people records'; target is a percentage (0–100) of the measure.

-- +goose Up
CREATE TABLE rewards (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    team_id     INTEGER NOT NULL REFERENCES teams(id),
    measure     TEXT NOT NULL CHECK (measure IN ('recovered','promoters_after_case','followups_in_time','retention','kind_words')),
    target      DOUBLE PRECISION NOT NULL CHECK (target >= 0 AND target <= 100),
    period_from TEXT NOT NULL,
    period_to   TEXT NOT NULL,
    created_by  TEXT NOT NULL DEFAULT '',
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX rewards_team ON rewards (team_id, period_to);

-- A nomination comes from a colleague (nominator_id) or a customer
-- (customer_id), never both; nobody nominates themselves.
CREATE TABLE nominations (
    id           INTEGER PRIMARY KEY,
    nominee_id   INTEGER NOT NULL REFERENCES employees(id),
    source       TEXT NOT NULL CHECK (source IN ('peer','customer')),
    nominator_id INTEGER REFERENCES employees(id),
    customer_id  INTEGER REFERENCES customers(id),
    reason       TEXT NOT NULL,
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL,
    CHECK ((source = 'peer' AND nominator_id IS NOT NULL AND customer_id IS NULL AND nominator_id <> nominee_id)
        OR (source = 'customer' AND nominator_id IS NULL))
);
CREATE INDEX nominations_at ON nominations (created_at);
CREATE INDEX nominations_nominee ON nominations (nominee_id, created_at);
-- A customer nominates once per survey link (created_by 'invitation:N').
CREATE UNIQUE INDEX nominations_invitation ON nominations (created_by) WHERE created_by LIKE 'invitation:%';

-- +goose Down
DROP TABLE nominations;
DROP TABLE rewards;
