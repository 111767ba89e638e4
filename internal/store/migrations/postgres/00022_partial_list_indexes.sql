-- Partial indexes for lists that pick a few rows of a big table by a flag
-- (both engines alike; keep in step with the other engine's 00022). Without them each list scanned the whole table:
--
-- - the /value page's apostles (by referral value) and mercenaries (by last
--   purchase), and GET /api/v1/clv/customers?flag=…: every row of
--   customer_value, one per customer with a purchase;
-- - the count of staff-labelled comments on /feedback/comments and
--   GET /api/v1/feedback/classifier, and the classifier's training set:
--   every response, newest first, when few or none are labelled.
--
-- Each index holds only the flagged rows, in the order the list reads, so
-- a page is an index range scan; the refit and the writes of responses
-- keep them at the cost of the flagged rows only. The WHERE of each query
-- repeats the index's condition word for word, which is what lets SQLite
-- use a partial index.
-- +goose Up
CREATE INDEX customer_value_apostles ON customer_value (referral_value DESC, customer_id) WHERE apostle;
CREATE INDEX customer_value_mercenaries ON customer_value (last_purchase DESC, customer_id) WHERE mercenary;
CREATE INDEX responses_labelled ON responses (id) WHERE categorised_by <> '' AND comment <> '';

-- +goose Down
DROP INDEX responses_labelled;
DROP INDEX customer_value_mercenaries;
DROP INDEX customer_value_apostles;
