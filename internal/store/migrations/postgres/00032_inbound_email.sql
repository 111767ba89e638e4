-- Inbound e-mail (issue 12): the listening post of the mail customers send
-- the business of their own accord. Each new conversation that arrives by
-- e-mail is recorded there, so it runs through the same text analysis and
-- closed loop as every other listening post. Same on both engines.
-- +goose Up
INSERT INTO listening_posts (slug, name, description, used_for, solicited, created_at) VALUES
 ('email', 'E-mail', 'E-mail customers send the business: new conversations received by the inbound SMTP listener or a provider''s webhook.', 'Each message opens a case; complaints are flagged for special attention.', FALSE, CURRENT_TIMESTAMP);

-- +goose Down
DELETE FROM listening_posts WHERE slug = 'email' AND NOT EXISTS (SELECT 1 FROM responses r JOIN listening_posts p ON p.id = r.post_id WHERE p.slug = 'email');
