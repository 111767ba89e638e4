-- Indexes for the customer page and the customer search (PostgreSQL). Keep
-- in step with ../sqlite/00020_customer_page.sql.
--
-- The customer page reads one customer's follow-ups and call tasks; without
-- an index on customer_id each would scan its whole table at a million
-- customers. The customer search matches a typed prefix of the name or
-- e-mail with LIKE 'prefix%': text_pattern_ops lets the planner walk these
-- indexes whatever the database's collation (an external id is matched
-- whole, on its unique index).

-- +goose Up
CREATE INDEX follow_ups_customer ON follow_ups (customer_id, id);
CREATE INDEX call_tasks_customer ON call_tasks (customer_id, id);
CREATE INDEX customers_name_lower ON customers (LOWER(name) text_pattern_ops);
CREATE INDEX customers_email_lower ON customers (LOWER(email) text_pattern_ops);

-- +goose Down
DROP INDEX customers_email_lower;
DROP INDEX customers_name_lower;
DROP INDEX call_tasks_customer;
DROP INDEX follow_ups_customer;
