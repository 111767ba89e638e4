-- Dashboards worked out in the background (PostgreSQL). Keep in step with
-- ../sqlite/00043_report_snapshots.sql and internal/store/report_snapshots.go.
--
-- The recovery report of the last twelve months reads every case of the
-- year and its customer's purchases around it: about 70 ms of CPU at 50k
-- customers, over a second at a million, on every view, and its medians
-- and once-per-customer counts cannot be summed from monthly rollups. A
-- periodic job (claimed once across replicas) works it out here instead, as
-- JSON, and a view reads one row. computed_at is the time it is as of.

-- +goose Up
CREATE TABLE report_snapshots (
    name        TEXT PRIMARY KEY,
    computed_at TIMESTAMPTZ NOT NULL,
    body        TEXT NOT NULL
);

-- +goose Down
DROP TABLE report_snapshots;
