-- Cycle-of-mediocrity alerts already raised (issue 13, item 5; package
-- chain). Keep in step with ../sqlite/00045_mediocrity_alerts.sql.
--
-- The check runs daily and looks back over the last quarters; the primary
-- key makes each unit-period alert once: the row is claimed in the
-- transaction that records the notifications. figures is the JSON of what
-- the alert said (turnover, NPS and customer retention with their tests).

-- +goose Up
CREATE TABLE mediocrity_alerts (
    unit_kind  TEXT NOT NULL CHECK (unit_kind IN ('team', 'location')),
    unit_id    BIGINT NOT NULL,
    period     TEXT NOT NULL,
    figures    TEXT NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (unit_kind, unit_id, period)
);

-- +goose Down
DROP TABLE mediocrity_alerts;
