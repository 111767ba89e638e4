-- Autovacuum settings (SQLite): nothing changes here. Keep in step with
-- ../postgres/00076_autovacuum.sql, which has PostgreSQL analyse and
-- vacuum the big append-only tables sooner; SQLite has no autovacuum
-- daemon, and its plans come from the indexes, not from statistics.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
