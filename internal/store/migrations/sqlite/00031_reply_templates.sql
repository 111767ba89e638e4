-- Reply templates (macros) staff pick when they answer a customer from a
-- case (issue 12, item 4): a name, a subject and a body with placeholders.
-- Keep in step with the other engine's 00031.
-- +goose Up
CREATE TABLE reply_templates (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    subject    TEXT NOT NULL DEFAULT '',
    body       TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX reply_templates_name ON reply_templates (name);

-- +goose Down
DROP TABLE reply_templates;
