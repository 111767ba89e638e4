-- Survey invitations that send themselves (issue 12 item 2): rules per
-- survey saying which event asks whom, when and how; one row per (rule,
-- trigger record) that the sweep fills when it sees the event and works off
-- at the due time; e-mail templates per survey and language; the first
-- open of a survey link. Keep in step with the other engine's 00029.
-- +goose Up
CREATE TABLE invitation_rules (
    id               INTEGER PRIMARY KEY,
    survey_id        INTEGER NOT NULL REFERENCES surveys(id),
    trigger_kind     TEXT NOT NULL CHECK (trigger_kind IN ('purchase','case_closed','call_done')),
    location_id      INTEGER REFERENCES locations(id),
    purchase_channel TEXT NOT NULL DEFAULT '',
    delay_hours      INTEGER NOT NULL,
    channel          TEXT NOT NULL CHECK (channel IN ('email','sms')),
    reminder_days    INTEGER NOT NULL DEFAULT 0,
    quiet_start      TEXT NOT NULL DEFAULT '',
    quiet_end        TEXT NOT NULL DEFAULT '',
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    created_by       TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL
);
CREATE INDEX invitation_rules_survey ON invitation_rules (survey_id);

CREATE TABLE invitation_sends (
    id                INTEGER PRIMARY KEY,
    rule_id           INTEGER NOT NULL REFERENCES invitation_rules(id),
    survey_id         INTEGER NOT NULL REFERENCES surveys(id),
    trigger_kind      TEXT NOT NULL,
    trigger_id        INTEGER NOT NULL,
    customer_id       INTEGER NOT NULL REFERENCES customers(id),
    purchase_id       INTEGER REFERENCES purchases(id),
    event_at          TIMESTAMP NOT NULL,
    due_at            TIMESTAMP NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('pending','sent','skipped')),
    skip_reason       TEXT NOT NULL DEFAULT '',
    skip_detail       TEXT NOT NULL DEFAULT '',
    invitation_id     INTEGER REFERENCES survey_invitations(id),
    sent_at           TIMESTAMP,
    remind_at         TIMESTAMP,
    reminder_status   TEXT NOT NULL DEFAULT '',
    reminded_at       TIMESTAMP,
    created_at        TIMESTAMP NOT NULL,
    UNIQUE (rule_id, trigger_kind, trigger_id)
);
CREATE INDEX invitation_sends_due ON invitation_sends (due_at) WHERE status = 'pending';
CREATE INDEX invitation_sends_remind ON invitation_sends (remind_at) WHERE reminder_status = 'due';
CREATE INDEX invitation_sends_survey ON invitation_sends (survey_id, created_at);
CREATE INDEX invitation_sends_customer ON invitation_sends (customer_id);

CREATE TABLE invitation_templates (
    survey_id  INTEGER NOT NULL REFERENCES surveys(id),
    lang       TEXT NOT NULL,
    subject    TEXT NOT NULL,
    body       TEXT NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (survey_id, lang)
);

ALTER TABLE survey_invitations ADD COLUMN opened_at TIMESTAMP;

-- +goose Down
ALTER TABLE survey_invitations DROP COLUMN opened_at;
DROP TABLE invitation_templates;
DROP TABLE invitation_sends;
DROP TABLE invitation_rules;
