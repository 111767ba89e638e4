-- Issue 10 (postgres; keep in step with ../sqlite/00078_case_mail_followups_index.sql).
--
-- Two reads of the pages that grow with the business found no index:
-- a case's page reads the e-mails of the case (store.CaseEmails), which
-- read every e-mail sent to anyone; and the follow-up list's tabs (open,
-- closed) newest first, which PostgreSQL read either by walking every
-- follow-up backwards past the other status or by joining every open one
-- and sorting. With these, each is a range of an index read in order.

-- +goose Up
CREATE INDEX email_messages_case ON email_messages (case_id, id) WHERE case_id IS NOT NULL;
CREATE INDEX follow_ups_status_id ON follow_ups (status, id);

-- +goose Down
DROP INDEX follow_ups_status_id;
DROP INDEX email_messages_case;
