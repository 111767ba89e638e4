-- purchases' customer (SQLite): nothing changes here. Keep in step with
-- ../postgres/00065_purchase_customers.sql, which replaces the foreign key
-- with triggers that check it once a statement instead of once a row, as
-- 00042 did for purchase_lines; SQLite's check is one lookup in the
-- parent's B-tree and stays.

-- +goose Up
SELECT 1;

-- +goose Down
SELECT 1;
