-- Listening posts and feedback (SQLite). Keep in step with
-- ../postgres/00002_feedback.sql: same tables, same columns; only types differ.
-- Closed-loop tables (notifications, webhooks, follow-ups) come in 00005.

-- +goose Up
CREATE TABLE listening_posts (
    id          INTEGER PRIMARY KEY,
    slug        TEXT NOT NULL UNIQUE,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    used_for    TEXT NOT NULL DEFAULT '',
    solicited   BOOLEAN NOT NULL DEFAULT FALSE,
    active      BOOLEAN NOT NULL DEFAULT TRUE,
    created_at  TIMESTAMP NOT NULL
);
INSERT INTO listening_posts (slug, name, description, used_for, solicited, created_at) VALUES
 ('web_form', 'Web form', 'The feedback form and widget on the business''s own web site.', 'Read weekly; suggestions go to the product backlog.', FALSE, CURRENT_TIMESTAMP),
 ('survey', 'Survey', 'Surveys sent after a purchase through a signed, single-use link.', 'NPS, CSAT and CES reporting; detractors are called back.', TRUE, CURRENT_TIMESTAMP),
 ('satisfaction_card', 'Satisfaction card', 'Paper or tablet cards filled in on the premises and entered by staff.', 'Reviewed by the location manager every week.', TRUE, CURRENT_TIMESTAMP),
 ('follow_up_call', 'Follow-up call', 'A short satisfaction call a week after the purchase by the employee who served.', 'Problems found are opened as recovery cases.', TRUE, CURRENT_TIMESTAMP),
 ('ordering_process', 'Ordering process', 'Questions asked while ordering, such as "How did you hear about us?".', 'Acquisition report and marketing spend decisions.', FALSE, CURRENT_TIMESTAMP),
 ('complaint', 'Complaint or incident', 'Complaints and guest incident forms.', 'Service recovery; recurring causes reviewed monthly.', FALSE, CURRENT_TIMESTAMP),
 ('audit', 'Audit / mystery shop', 'Audits and mystery-shopping visits.', 'Training and process fixes.', FALSE, CURRENT_TIMESTAMP),
 ('market_research', 'Market research', 'Market-research studies, entered by staff or imported from CSV.', 'Strategy and positioning.', TRUE, CURRENT_TIMESTAMP),
 ('focus_group', 'Focus group', 'Notes and ratings from focus groups.', 'New products and services.', TRUE, CURRENT_TIMESTAMP);

CREATE TABLE feedback_uses (
    id          INTEGER PRIMARY KEY,
    post_id     INTEGER NOT NULL REFERENCES listening_posts(id),
    response_id INTEGER,
    note        TEXT NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    at          TIMESTAMP NOT NULL
);
CREATE INDEX feedback_uses_post ON feedback_uses (post_id, at);

CREATE TABLE surveys (
    id             INTEGER PRIMARY KEY,
    slug           TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL,
    post_id        INTEGER NOT NULL REFERENCES listening_posts(id),
    intro          TEXT NOT NULL DEFAULT '',
    questions      TEXT NOT NULL DEFAULT '[]',
    active         BOOLEAN NOT NULL DEFAULT TRUE,
    widget_enabled BOOLEAN NOT NULL DEFAULT FALSE,
    created_at     TIMESTAMP NOT NULL,
    updated_at     TIMESTAMP NOT NULL
);

CREATE TABLE survey_invitations (
    id          INTEGER PRIMARY KEY,
    survey_id   INTEGER NOT NULL REFERENCES surveys(id),
    customer_id INTEGER REFERENCES customers(id),
    purchase_id INTEGER REFERENCES purchases(id),
    employee_id INTEGER REFERENCES employees(id),
    location_id INTEGER REFERENCES locations(id),
    channel     TEXT NOT NULL DEFAULT 'link',
    created_at  TIMESTAMP NOT NULL,
    expires_at  TIMESTAMP NOT NULL,
    used_at     TIMESTAMP,
    response_id INTEGER
);
CREATE INDEX survey_invitations_customer ON survey_invitations (customer_id, created_at);
CREATE INDEX survey_invitations_survey ON survey_invitations (survey_id, created_at);

CREATE TABLE customer_contacts (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers(id),
    channel     TEXT NOT NULL,
    at          TIMESTAMP NOT NULL
);
CREATE INDEX customer_contacts_customer ON customer_contacts (customer_id, at);

CREATE TABLE responses (
    id                 INTEGER PRIMARY KEY,
    external_id        TEXT UNIQUE,
    post_id            INTEGER NOT NULL REFERENCES listening_posts(id),
    survey_id          INTEGER REFERENCES surveys(id),
    invitation_id      INTEGER UNIQUE REFERENCES survey_invitations(id),
    customer_id        INTEGER REFERENCES customers(id),
    purchase_id        INTEGER REFERENCES purchases(id),
    employee_id        INTEGER REFERENCES employees(id),
    location_id        INTEGER REFERENCES locations(id),
    segment            TEXT NOT NULL DEFAULT '',
    source             TEXT NOT NULL DEFAULT 'api',
    responded_at       TIMESTAMP NOT NULL,
    purchased_at       TIMESTAMP,
    nps                INTEGER CHECK (nps BETWEEN 0 AND 10),
    csat               INTEGER CHECK (csat BETWEEN 1 AND 5),
    ces                INTEGER CHECK (ces BETWEEN 1 AND 7),
    acquisition_source TEXT NOT NULL DEFAULT '',
    comment            TEXT NOT NULL DEFAULT '',
    sentiment          DOUBLE PRECISION,
    sentiment_label    TEXT NOT NULL DEFAULT '',
    categories         TEXT NOT NULL DEFAULT '[]',
    categorised_by     TEXT NOT NULL DEFAULT '',
    suggested          TEXT NOT NULL DEFAULT '[]',
    created_by         TEXT NOT NULL DEFAULT '',
    created_at         TIMESTAMP NOT NULL
);
CREATE INDEX responses_at ON responses (responded_at);
CREATE INDEX responses_post ON responses (post_id, responded_at);
CREATE INDEX responses_employee ON responses (employee_id, responded_at);
CREATE INDEX responses_location ON responses (location_id, responded_at);
CREATE INDEX responses_customer ON responses (customer_id, responded_at);
CREATE INDEX responses_purchase ON responses (purchase_id);

CREATE TABLE response_answers (
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    position    INTEGER NOT NULL,
    question    TEXT NOT NULL DEFAULT '',
    type        TEXT NOT NULL,
    item        TEXT NOT NULL DEFAULT '',
    score       INTEGER,
    choices     TEXT NOT NULL DEFAULT '[]',
    text        TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (response_id, position)
) WITHOUT ROWID;

CREATE TABLE call_tasks (
    id           INTEGER PRIMARY KEY,
    purchase_id  INTEGER NOT NULL UNIQUE REFERENCES purchases(id),
    customer_id  INTEGER NOT NULL REFERENCES customers(id),
    employee_id  INTEGER REFERENCES employees(id),
    team_id      INTEGER REFERENCES teams(id),
    location_id  INTEGER REFERENCES locations(id),
    due_at       TIMESTAMP NOT NULL,
    status       TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','done','no_answer','declined','skipped')),
    outcome      TEXT NOT NULL DEFAULT '',
    response_id  INTEGER REFERENCES responses(id),
    completed_at TIMESTAMP,
    completed_by TEXT NOT NULL DEFAULT '',
    created_at   TIMESTAMP NOT NULL
);
CREATE INDEX call_tasks_employee ON call_tasks (employee_id, status, due_at);
CREATE INDEX call_tasks_due ON call_tasks (status, due_at);

CREATE TABLE feedback_categories (
    slug        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    keywords    TEXT NOT NULL DEFAULT '[]',
    position    INTEGER NOT NULL DEFAULT 0,
    active      BOOLEAN NOT NULL DEFAULT TRUE
);

-- +goose Down
DROP TABLE feedback_categories;
DROP TABLE call_tasks;
DROP TABLE response_answers;
DROP TABLE responses;
DROP TABLE customer_contacts;
DROP TABLE survey_invitations;
DROP TABLE surveys;
DROP TABLE feedback_uses;
DROP TABLE listening_posts;
