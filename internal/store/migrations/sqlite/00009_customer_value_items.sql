-- The calculator's default period (internal/value) is read from the last
-- refit: it needs the units bought per customer besides the purchases,
-- revenue and profit customer_value already holds. NULL in a refit written
-- before this column: the calculator then computes from the purchases.
-- +goose Up
ALTER TABLE customer_value ADD COLUMN items BIGINT;

-- +goose Down
ALTER TABLE customer_value DROP COLUMN items;
