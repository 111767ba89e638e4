-- Lifetime value (SQLite/PostgreSQL: sqlite). Keep in step with
-- ../postgres/00004_clv.sql: same tables, same columns; only types differ.
-- Owned by internal/value.

-- +goose Up
-- customer_value holds the latest lifetime-value refit, one row per customer
-- with at least one purchase; the refit job ("clv.refit") replaces the whole
-- table in one transaction. Money columns are in cents.
CREATE TABLE customer_value (
    customer_id         INTEGER PRIMARY KEY REFERENCES customers(id) ON DELETE CASCADE,
    frequency           INTEGER NOT NULL,
    recency             REAL NOT NULL,
    t                   REAL NOT NULL,
    monetary            REAL NOT NULL,
    purchases           INTEGER NOT NULL,
    first_purchase      TIMESTAMP NOT NULL,
    last_purchase       TIMESTAMP NOT NULL,
    p_alive             REAL NOT NULL,
    expected_purchases  REAL NOT NULL,
    expected_spend      REAL NOT NULL,
    clv                 REAL NOT NULL,
    historical_value    BIGINT NOT NULL,
    historical_profit   BIGINT NOT NULL,
    related_sales_value BIGINT NOT NULL,
    referral_value      BIGINT NOT NULL,
    referrals           INTEGER NOT NULL,
    referrals_total     INTEGER NOT NULL,
    rfm_r               INTEGER NOT NULL,
    rfm_f               INTEGER NOT NULL,
    rfm_m               INTEGER NOT NULL,
    segment             TEXT NOT NULL,
    mercenary           BOOLEAN NOT NULL DEFAULT FALSE,
    apostle             BOOLEAN NOT NULL DEFAULT FALSE,
    computed_at         TIMESTAMP NOT NULL
);
CREATE INDEX customer_value_segment ON customer_value (segment);
CREATE INDEX customer_value_clv ON customer_value (clv);

-- clv_fits records every refit's models: the purchase model and Gamma-Gamma.
CREATE TABLE clv_fits (
    id             INTEGER PRIMARY KEY,
    model          TEXT NOT NULL,
    params         TEXT NOT NULL DEFAULT '{}',
    log_likelihood REAL NOT NULL,
    customers      INTEGER NOT NULL,
    converged      BOOLEAN NOT NULL,
    detail         TEXT NOT NULL DEFAULT '{}',
    computed_at    TIMESTAMP NOT NULL
);
CREATE INDEX clv_fits_computed ON clv_fits (computed_at);

-- +goose Down
DROP TABLE clv_fits;
DROP TABLE customer_value;
