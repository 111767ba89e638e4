-- Indexes for the customer page and the customer search (SQLite). Keep in
-- step with ../postgres/00020_customer_page.sql.
--
-- The customer page reads one customer's follow-ups and call tasks; without
-- an index on customer_id each would scan its whole table at a million
-- customers. The customer search ("Open a case", survey links) matches a
-- typed prefix of the name or e-mail, case-insensitively: a range on
-- LOWER(…) walks these expression indexes (an external id is matched whole,
-- on its unique index).

-- +goose Up
CREATE INDEX follow_ups_customer ON follow_ups (customer_id, id);
CREATE INDEX call_tasks_customer ON call_tasks (customer_id, id);
CREATE INDEX customers_name_lower ON customers (LOWER(name));
CREATE INDEX customers_email_lower ON customers (LOWER(email));

-- +goose Down
DROP INDEX customers_email_lower;
DROP INDEX customers_name_lower;
DROP INDEX call_tasks_customer;
DROP INDEX follow_ups_customer;
