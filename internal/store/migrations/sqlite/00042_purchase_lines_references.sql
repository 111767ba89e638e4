-- purchase_lines' references (SQLite): nothing changes here. Keep in step
-- with ../postgres/00042_purchase_lines_references.sql, which replaces the
-- table's two foreign keys with triggers that check them once a statement
-- instead of once a row. SQLite's foreign keys stay: a check is one lookup
-- in the parent's B-tree, without the row lock and the per-row query
-- PostgreSQL pays, and the schema parity test knows about the difference.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
