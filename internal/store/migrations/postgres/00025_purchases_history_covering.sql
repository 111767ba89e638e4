-- The customer index of purchases, covering the lifetime-value refit's
-- read (PostgreSQL). Keep in step with ../sqlite/00025_purchases_history_covering.sql
-- and with HistoryReader.eachInRange in internal/store/value_stream.go.
--
-- The refit walks every purchase in (customer, time, id) order with its
-- total, units and promotion code. With purchased_at then total in the
-- index, the id tie-break needed a sort of each customer's same-moment
-- purchases, and units and code a visit to the table row of every
-- purchase. With id, items and promotion_code in the index the walk reads
-- the index alone, in the order asked for. The walks the index served
-- before (by customer and time, with the total) it still covers. Same
-- name, so the writes keep one index to maintain.

-- +goose Up
DROP INDEX purchases_customer;
CREATE INDEX purchases_customer ON purchases (customer_id, purchased_at, id, total, items, promotion_code);

-- +goose Down
DROP INDEX purchases_customer;
CREATE INDEX purchases_customer ON purchases (customer_id, purchased_at, total);
