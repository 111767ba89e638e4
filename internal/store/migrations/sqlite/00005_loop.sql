-- The closed loop and notifications (SQLite). Keep in step with
-- ../postgres/00005_loop.sql: same tables, same columns; only types differ.
-- Owned by internal/notify (notifications, e-mails, webhooks) and
-- internal/loop (follow-ups).

-- +goose Up
CREATE TABLE notifications (
    id          INTEGER PRIMARY KEY,
    event       TEXT NOT NULL,
    employee_id INTEGER REFERENCES employees(id),
    subject     TEXT NOT NULL DEFAULT '',
    body        TEXT NOT NULL DEFAULT '',
    link        TEXT NOT NULL DEFAULT '',
    data        TEXT NOT NULL DEFAULT '{}',
    created_at  TIMESTAMP NOT NULL,
    read_at     TIMESTAMP
);
CREATE INDEX notifications_employee ON notifications (employee_id, id);

CREATE TABLE email_messages (
    id              INTEGER PRIMARY KEY,
    notification_id INTEGER REFERENCES notifications(id),
    to_addr         TEXT NOT NULL,
    subject         TEXT NOT NULL,
    body            TEXT NOT NULL,
    status          TEXT NOT NULL DEFAULT 'queued' CHECK (status IN ('queued','sent','skipped','failed')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    sent_at         TIMESTAMP
);

CREATE TABLE webhook_subscriptions (
    id              INTEGER PRIMARY KEY,
    url             TEXT NOT NULL,
    events          TEXT NOT NULL DEFAULT '[]',
    secret          TEXT NOT NULL,
    active          BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      TIMESTAMP NOT NULL,
    deleted_at      TIMESTAMP
);

CREATE TABLE webhook_deliveries (
    id               INTEGER PRIMARY KEY,
    uid              TEXT NOT NULL UNIQUE,
    subscription_id  INTEGER NOT NULL REFERENCES webhook_subscriptions(id),
    event            TEXT NOT NULL,
    payload          TEXT NOT NULL,
    status           TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','delivered','failed','cancelled')),
    attempts         INTEGER NOT NULL DEFAULT 0,
    last_status_code INTEGER,
    last_latency_ms  INTEGER,
    last_error       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    delivered_at     TIMESTAMP
);
CREATE INDEX webhook_deliveries_subscription ON webhook_deliveries (subscription_id, id);

CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    attempt     INTEGER NOT NULL,
    status_code INTEGER,
    latency_ms  INTEGER NOT NULL,
    error       TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL
);
CREATE INDEX webhook_attempts_delivery ON webhook_attempts (delivery_id, id);

CREATE TABLE follow_ups (
    id                  INTEGER PRIMARY KEY,
    response_id         INTEGER NOT NULL UNIQUE REFERENCES responses(id),
    customer_id         INTEGER REFERENCES customers(id),
    location_id         INTEGER REFERENCES locations(id),
    owner_id            INTEGER REFERENCES employees(id),
    manager_id          INTEGER REFERENCES employees(id),
    reasons             TEXT NOT NULL DEFAULT '[]',
    due_at              TIMESTAMP NOT NULL,
    status              TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
    contact_at          TIMESTAMP,
    contact_channel     TEXT NOT NULL DEFAULT '',
    outcome             TEXT NOT NULL DEFAULT '',
    closed_by           TEXT NOT NULL DEFAULT '',
    closed_at           TIMESTAMP,
    overdue_notified_at TIMESTAMP,
    created_at          TIMESTAMP NOT NULL
);
CREATE INDEX follow_ups_owner ON follow_ups (owner_id, status, due_at);
CREATE INDEX follow_ups_due ON follow_ups (status, due_at);

-- +goose Down
DROP TABLE follow_ups;
DROP TABLE webhook_attempts;
DROP TABLE webhook_deliveries;
DROP TABLE webhook_subscriptions;
DROP TABLE email_messages;
DROP TABLE notifications;
