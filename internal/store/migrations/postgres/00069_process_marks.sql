-- Marks that move whenever Fresco's own event log or its outcomes change
-- (PostgreSQL; keep in step with ../sqlite/00069_process_marks.sql, which
-- says why). Here the triggers are per statement, but for the NPS answers
-- (per row: only those of customers with a case count), and the marks are
-- one row: a transaction that bumps both takes one row lock, so two such
-- transactions wait for each other rather than deadlock. The lock is held
-- until commit, which serialises writes to cases, gestures and case
-- customers' answers: all at the pace of people, not of bulk imports.

-- +goose Up
CREATE TABLE process_marks (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    log      BIGINT NOT NULL DEFAULT 0,
    outcomes BIGINT NOT NULL DEFAULT 0
);
INSERT INTO process_marks (id) VALUES (1);

-- +goose StatementBegin
CREATE FUNCTION process_marks_log() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE process_marks SET log = log + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION process_marks_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE process_marks SET outcomes = outcomes + 1;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION process_marks_response() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (TG_OP <> 'DELETE' AND NEW.nps IS NOT NULL AND EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = NEW.customer_id))
       OR (TG_OP <> 'INSERT' AND OLD.nps IS NOT NULL AND EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = OLD.customer_id)) THEN
        UPDATE process_marks SET outcomes = outcomes + 1;
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER process_marks_case_events AFTER INSERT OR UPDATE OR DELETE ON case_events
    FOR EACH STATEMENT EXECUTE FUNCTION process_marks_log();
CREATE TRIGGER process_marks_cases AFTER INSERT OR DELETE OR UPDATE OF customer_id, location_id, category, source, status, opened_at,
    resolved_at, closed_at, reopen_count ON recovery_cases
    FOR EACH STATEMENT EXECUTE FUNCTION process_marks_log();
CREATE TRIGGER process_marks_follow_ups AFTER INSERT OR UPDATE OR DELETE ON follow_ups
    FOR EACH STATEMENT EXECUTE FUNCTION process_marks_log();
CREATE TRIGGER process_marks_call_tasks AFTER INSERT OR UPDATE OR DELETE ON call_tasks
    FOR EACH STATEMENT EXECUTE FUNCTION process_marks_log();
CREATE TRIGGER process_marks_employees AFTER INSERT OR DELETE OR UPDATE OF name, role ON employees
    FOR EACH STATEMENT EXECUTE FUNCTION process_marks_log();
CREATE TRIGGER process_marks_locations AFTER DELETE OR UPDATE OF name ON locations
    FOR EACH STATEMENT EXECUTE FUNCTION process_marks_log();
CREATE TRIGGER process_marks_gestures AFTER INSERT OR UPDATE OR DELETE ON gestures
    FOR EACH STATEMENT EXECUTE FUNCTION process_marks_outcomes();
CREATE TRIGGER process_marks_responses AFTER INSERT OR DELETE OR UPDATE OF customer_id, nps, responded_at ON responses
    FOR EACH ROW EXECUTE FUNCTION process_marks_response();

-- +goose Down
DROP TRIGGER process_marks_responses ON responses;
DROP TRIGGER process_marks_gestures ON gestures;
DROP TRIGGER process_marks_locations ON locations;
DROP TRIGGER process_marks_employees ON employees;
DROP TRIGGER process_marks_call_tasks ON call_tasks;
DROP TRIGGER process_marks_follow_ups ON follow_ups;
DROP TRIGGER process_marks_cases ON recovery_cases;
DROP TRIGGER process_marks_case_events ON case_events;
DROP FUNCTION process_marks_response();
DROP FUNCTION process_marks_outcomes();
DROP FUNCTION process_marks_log();
DROP TABLE process_marks;
