-- Conversations with customers (issue 12): the outbox carries customer mail
-- beside staff mail, with the thread headers a reply needs; a case keeps its
-- e-mail thread and the attachments that came with it; a customer has a
-- preferred locale and an address that may have bounced. Keep in step with
-- the other engine's 00027.
-- +goose Up
ALTER TABLE email_messages ADD COLUMN customer_id INTEGER REFERENCES customers(id);
ALTER TABLE email_messages ADD COLUMN case_id INTEGER REFERENCES recovery_cases(id);
ALTER TABLE email_messages ADD COLUMN purpose TEXT NOT NULL DEFAULT 'staff';
ALTER TABLE email_messages ADD COLUMN html TEXT NOT NULL DEFAULT '';
ALTER TABLE email_messages ADD COLUMN message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE email_messages ADD COLUMN in_reply_to TEXT NOT NULL DEFAULT '';
ALTER TABLE email_messages ADD COLUMN refs TEXT NOT NULL DEFAULT '';
CREATE INDEX email_messages_message_id ON email_messages (message_id) WHERE message_id <> '';
CREATE INDEX email_messages_customer ON email_messages (customer_id, created_at) WHERE customer_id IS NOT NULL;

ALTER TABLE customers ADD COLUMN locale TEXT NOT NULL DEFAULT '';
ALTER TABLE customers ADD COLUMN email_undeliverable_at TIMESTAMP;

CREATE TABLE case_messages (
    id          INTEGER PRIMARY KEY,
    case_id     INTEGER NOT NULL REFERENCES recovery_cases(id),
    direction   TEXT NOT NULL CHECK (direction IN ('in','out')),
    email_id    INTEGER REFERENCES email_messages(id),
    message_id  TEXT NOT NULL DEFAULT '',
    in_reply_to TEXT NOT NULL DEFAULT '',
    refs        TEXT NOT NULL DEFAULT '',
    from_addr   TEXT NOT NULL DEFAULT '',
    to_addr     TEXT NOT NULL DEFAULT '',
    subject     TEXT NOT NULL DEFAULT '',
    body_text   TEXT NOT NULL DEFAULT '',
    body_html   TEXT NOT NULL DEFAULT '',
    employee_id INTEGER REFERENCES employees(id),
    created_at  TIMESTAMP NOT NULL
);
CREATE INDEX case_messages_case ON case_messages (case_id, id);
CREATE INDEX case_messages_message_id ON case_messages (message_id) WHERE message_id <> '';

CREATE TABLE case_attachments (
    id              INTEGER PRIMARY KEY,
    case_message_id INTEGER NOT NULL REFERENCES case_messages(id),
    filename        TEXT NOT NULL,
    content_type    TEXT NOT NULL,
    size_bytes      INTEGER NOT NULL,
    data            BLOB NOT NULL,
    created_at      TIMESTAMP NOT NULL
);
CREATE INDEX case_attachments_message ON case_attachments (case_message_id);

-- +goose Down
DROP TABLE case_attachments;
DROP TABLE case_messages;
ALTER TABLE customers DROP COLUMN email_undeliverable_at;
ALTER TABLE customers DROP COLUMN locale;
DROP INDEX email_messages_customer;
DROP INDEX email_messages_message_id;
ALTER TABLE email_messages DROP COLUMN refs;
ALTER TABLE email_messages DROP COLUMN in_reply_to;
ALTER TABLE email_messages DROP COLUMN message_id;
ALTER TABLE email_messages DROP COLUMN html;
ALTER TABLE email_messages DROP COLUMN purpose;
ALTER TABLE email_messages DROP COLUMN case_id;
ALTER TABLE email_messages DROP COLUMN customer_id;
