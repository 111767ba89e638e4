-- Fresco core schema (SQLite). Keep in step with ../postgres/00001_core.sql:
-- same tables, same columns; only the types differ.
-- Money columns hold integer minor units (cents). Times are UTC.

-- +goose Up
CREATE TABLE locations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    timezone   TEXT NOT NULL DEFAULT 'UTC',
    address    TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL
);

CREATE TABLE employees (
    id            INTEGER PRIMARY KEY,
    email         TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('owner','manager','agent','analyst')),
    location_id   INTEGER REFERENCES locations(id),
    team_id       INTEGER,
    active        BOOLEAN NOT NULL DEFAULT TRUE,
    hired_at      TIMESTAMP,
    password_hash TEXT NOT NULL DEFAULT '',
    created_at    TIMESTAMP NOT NULL,
    updated_at    TIMESTAMP NOT NULL
);

CREATE TABLE teams (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL UNIQUE,
    location_id INTEGER REFERENCES locations(id),
    manager_id  INTEGER REFERENCES employees(id),
    created_at  TIMESTAMP NOT NULL
);

CREATE TABLE customers (
    id                      INTEGER PRIMARY KEY,
    external_id             TEXT UNIQUE,
    name                    TEXT NOT NULL DEFAULT '',
    email                   TEXT NOT NULL DEFAULT '',
    phone                   TEXT NOT NULL DEFAULT '',
    address                 TEXT NOT NULL DEFAULT '',
    consent_surveys         BOOLEAN NOT NULL DEFAULT FALSE,
    consent_marketing       BOOLEAN NOT NULL DEFAULT FALSE,
    consent_personalisation BOOLEAN NOT NULL DEFAULT FALSE,
    acquisition_source      TEXT NOT NULL DEFAULT '',
    referred_by             INTEGER REFERENCES customers(id),
    first_seen              TIMESTAMP NOT NULL,
    tags                    TEXT NOT NULL DEFAULT '[]',
    created_at              TIMESTAMP NOT NULL,
    updated_at              TIMESTAMP NOT NULL
);
CREATE INDEX customers_referred_by ON customers (referred_by);
CREATE INDEX customers_email ON customers (email);

CREATE TABLE products (
    id         INTEGER PRIMARY KEY,
    sku        TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL DEFAULT '',
    category   TEXT NOT NULL DEFAULT '',
    list_price BIGINT NOT NULL DEFAULT 0,
    unit_cost  BIGINT NOT NULL DEFAULT 0,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE purchases (
    id             INTEGER PRIMARY KEY,
    external_id    TEXT UNIQUE,
    customer_id    INTEGER REFERENCES customers(id),
    purchased_at   TIMESTAMP NOT NULL,
    location_id    INTEGER REFERENCES locations(id),
    channel        TEXT NOT NULL DEFAULT '',
    served_by      INTEGER REFERENCES employees(id),
    promotion_code TEXT NOT NULL DEFAULT '',
    total          BIGINT NOT NULL,
    items          BIGINT NOT NULL,
    created_at     TIMESTAMP NOT NULL
);
CREATE INDEX purchases_customer ON purchases (customer_id, purchased_at);
CREATE INDEX purchases_at ON purchases (purchased_at);
CREATE INDEX purchases_served_by ON purchases (served_by);

CREATE TABLE purchase_lines (
    purchase_id INTEGER NOT NULL REFERENCES purchases(id) ON DELETE CASCADE,
    line_no     INTEGER NOT NULL,
    product_id  INTEGER NOT NULL REFERENCES products(id),
    description TEXT NOT NULL DEFAULT '',
    quantity    BIGINT NOT NULL,
    unit_price  BIGINT NOT NULL,
    discount    BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (purchase_id, line_no)
) WITHOUT ROWID;
CREATE INDEX purchase_lines_product ON purchase_lines (product_id);

CREATE TABLE marketing_spend (
    id           INTEGER PRIMARY KEY,
    period_start TIMESTAMP NOT NULL,
    period_end   TIMESTAMP NOT NULL,
    channel      TEXT NOT NULL DEFAULT '',
    amount       BIGINT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('owner','manager','agent','analyst')),
    token_hash   TEXT NOT NULL UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at   TIMESTAMP
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    employee_id INTEGER NOT NULL REFERENCES employees(id) ON DELETE CASCADE,
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL
);

CREATE TABLE idempotency_keys (
    key          TEXT PRIMARY KEY,
    request_hash TEXT NOT NULL,
    status       INTEGER NOT NULL,
    response     TEXT NOT NULL,
    created_at   TIMESTAMP NOT NULL
);

CREATE TABLE jobs (
    id           INTEGER PRIMARY KEY,
    kind         TEXT NOT NULL,
    payload      TEXT NOT NULL DEFAULT '{}',
    status       TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','running','done','failed')),
    run_at       TIMESTAMP NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL DEFAULT 10,
    locked_until TIMESTAMP,
    last_error   TEXT NOT NULL DEFAULT '',
    unique_key   TEXT UNIQUE,
    created_at   TIMESTAMP NOT NULL,
    finished_at  TIMESTAMP
);
CREATE INDEX jobs_ready ON jobs (status, run_at);

CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TIMESTAMP NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    entity    TEXT NOT NULL,
    entity_id TEXT NOT NULL DEFAULT '',
    detail    TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_entity ON audit_log (entity, entity_id);

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- +goose Down
DROP TABLE settings;
DROP TABLE audit_log;
DROP TABLE jobs;
DROP TABLE idempotency_keys;
DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE marketing_spend;
DROP TABLE purchase_lines;
DROP TABLE purchases;
DROP TABLE products;
DROP TABLE customers;
DROP TABLE teams;
DROP TABLE employees;
DROP TABLE locations;
