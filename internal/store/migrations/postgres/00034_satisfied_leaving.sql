-- The "satisfied but leaving" list, as last computed (PostgreSQL). Keep in
-- step with ../sqlite/00034_satisfied_leaving.sql and with
-- internal/store/satisfied_leaving.go.
--
-- Computing the list reads one row per candidate (every customer whose
-- latest answer was positive) and P(alive) of every scored customer: about
-- 125 ms of CPU at 50k customers, 2.5 s at a million, on every view. A
-- periodic job (internal/loop, claimed once across replicas) and the
-- "Refresh now" button compute it into this table instead, in rank order,
-- and the page and the API read the rank range they show. Each row is the
-- evidence as of the computation, whose time satisfied_leaving_state keeps:
-- days_since_last is counted to then.

-- +goose Up
CREATE TABLE satisfied_leaving (
    list_rank            BIGINT PRIMARY KEY,
    customer_id          BIGINT NOT NULL REFERENCES customers(id) ON DELETE CASCADE,
    location_id          BIGINT,
    last_score           BIGINT NOT NULL,
    last_score_type      TEXT NOT NULL,
    last_answer_at       TIMESTAMPTZ NOT NULL,
    purchases            BIGINT NOT NULL,
    last_purchase_at     TIMESTAMPTZ NOT NULL,
    median_interval_days DOUBLE PRECISION,
    days_since_last      DOUBLE PRECISION NOT NULL,
    p_alive              DOUBLE PRECISION,
    rule                 TEXT NOT NULL
);
CREATE INDEX satisfied_leaving_location ON satisfied_leaving (location_id, list_rank);
-- A customer deleted (erased, merged away) leaves the list at once.
CREATE INDEX satisfied_leaving_customer ON satisfied_leaving (customer_id);

CREATE TABLE satisfied_leaving_state (
    id          BIGINT PRIMARY KEY CHECK (id = 1),
    computed_at TIMESTAMPTZ NOT NULL
);

-- +goose Down
DROP TABLE satisfied_leaving_state;
DROP TABLE satisfied_leaving;
