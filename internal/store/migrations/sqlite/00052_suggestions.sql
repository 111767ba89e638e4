-- Suggestions (issue 15): the trained model every replica serves, the
-- products and categories the owner marks sensitive (never suggested), and
-- the customers who opted out. Keep in step with ../postgres/00052_suggestions.sql
-- and with internal/store/suggestions.go.
--
-- A model is kept whole as a blob (recommend.Encode: each item's top
-- neighbours and weights); servers cache it by id and look for a newer id
-- on each request, so all replicas serve the newest. Item indexes in the
-- blob are listed in product_ids (JSON), so a product deleted or added
-- later changes nothing until the next training.

-- +goose Up
CREATE TABLE suggestion_models (
    id          INTEGER PRIMARY KEY,
    trained_at  TIMESTAMP NOT NULL,
    algorithm   TEXT NOT NULL,
    customers   INTEGER NOT NULL,
    items       INTEGER NOT NULL,
    k_floor     INTEGER NOT NULL,
    seconds     REAL NOT NULL,
    stats       TEXT NOT NULL DEFAULT '{}',
    model       BLOB NOT NULL
);

ALTER TABLE products ADD COLUMN sensitive BOOLEAN NOT NULL DEFAULT FALSE;
-- Each request reads the sensitive products: the few marked ones, and
-- those of the marked categories.
CREATE INDEX products_sensitive ON products (id) WHERE sensitive;
CREATE INDEX products_category ON products (category);

CREATE TABLE sensitive_categories (
    category   TEXT PRIMARY KEY,
    marked_at  TIMESTAMP NOT NULL
);

CREATE TABLE suggestion_opt_outs (
    customer_id  INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    opted_out_at TIMESTAMP NOT NULL
);

-- +goose Down
DROP TABLE suggestion_opt_outs;
DROP TABLE sensitive_categories;
DROP INDEX products_category;
DROP INDEX products_sensitive;
ALTER TABLE products DROP COLUMN sensitive;
DROP TABLE suggestion_models;
