-- Next best actions (issue 15, item 2). The actions themselves are
-- computed from what the customer did (internal/anticipate); what is
-- stored is what staff made of one: dismissed or done, which keeps that
-- kind of action off the customer's list until until_at. One row per
-- customer and kind, the latest mark. Keep in step with
-- ../postgres/00054_next_actions.sql and internal/store/next_actions.go.
--
-- The indexes let the staff list across customers read a few candidates
-- of each kind in order, with a limit, instead of every customer: regulars
-- slipping away (P(alive) below a half, highest first), visit milestones
-- (a purchase count reached recently), and recent buyers for replenishment.
-- The queries repeat each partial index's condition word for word (SQLite
-- uses a partial index only then).

-- +goose Up
CREATE TABLE next_action_marks (
    customer_id INTEGER NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('rhythm_broken','replenishment','milestone','promoter','case_returning')),
    outcome     TEXT NOT NULL CHECK (outcome IN ('dismissed','done')),
    until_at    TIMESTAMP NOT NULL,
    marked_by   TEXT NOT NULL,
    marked_at   TIMESTAMP NOT NULL,
    PRIMARY KEY (customer_id, kind)
);
CREATE INDEX customer_value_slipping ON customer_value (p_alive, customer_id) WHERE purchases >= 3;
CREATE INDEX customer_purchase_summary_visits ON customer_purchase_summary (purchases, last_at);
CREATE INDEX customer_purchase_summary_regulars ON customer_purchase_summary (last_at) WHERE purchases >= 3;

-- +goose Down
DROP INDEX customer_purchase_summary_regulars;
DROP INDEX customer_purchase_summary_visits;
DROP INDEX customer_value_slipping;
DROP TABLE next_action_marks;
