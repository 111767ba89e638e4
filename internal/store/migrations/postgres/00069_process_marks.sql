-- Marks that move whenever Fresco's own event log or its outcomes change
-- (PostgreSQL; keep in step with ../sqlite/00069_process_marks.sql, which
-- says why).
--
-- The marks are one row, so the transaction that moves them holds its lock
-- until commit. Taken in the middle of a transaction, that lock would
-- serialise every write to cases, follow-ups, call tasks and gestures for
-- the rest of it, and could deadlock: one transaction holding the marks
-- and waiting for a case row that another holds while it waits for the
-- marks. So the triggers are deferred constraint triggers: they run at
-- commit, after every other statement, and the marks are the last lock a
-- transaction takes (no cycle through them is possible) and are held only
-- while it commits. Constraint triggers are per row; a transaction-local
-- setting makes all but the first row of each mark a no-op, so a bulk
-- insert moves each mark once.

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
    IF current_setting('fresco.process_log_moved', true) IS DISTINCT FROM 'on' THEN
        UPDATE process_marks SET log = log + 1;
        PERFORM set_config('fresco.process_log_moved', 'on', true);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION process_marks_outcomes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('fresco.process_outcomes_moved', true) IS DISTINCT FROM 'on' THEN
        UPDATE process_marks SET outcomes = outcomes + 1;
        PERFORM set_config('fresco.process_outcomes_moved', 'on', true);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE FUNCTION process_marks_response() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('fresco.process_outcomes_moved', true) IS DISTINCT FROM 'on' AND (
       (TG_OP <> 'DELETE' AND NEW.nps IS NOT NULL AND EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = NEW.customer_id))
       OR (TG_OP <> 'INSERT' AND OLD.nps IS NOT NULL AND EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = OLD.customer_id))) THEN
        UPDATE process_marks SET outcomes = outcomes + 1;
        PERFORM set_config('fresco.process_outcomes_moved', 'on', true);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER process_marks_case_events AFTER INSERT OR UPDATE OR DELETE ON case_events
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_log();
CREATE CONSTRAINT TRIGGER process_marks_cases AFTER INSERT OR DELETE OR UPDATE OF customer_id, location_id, category, source, status, opened_at,
    resolved_at, closed_at, reopen_count ON recovery_cases
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_log();
CREATE CONSTRAINT TRIGGER process_marks_follow_ups AFTER INSERT OR UPDATE OR DELETE ON follow_ups
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_log();
CREATE CONSTRAINT TRIGGER process_marks_call_tasks AFTER INSERT OR UPDATE OR DELETE ON call_tasks
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_log();
CREATE CONSTRAINT TRIGGER process_marks_employees AFTER INSERT OR DELETE OR UPDATE OF name, role ON employees
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_log();
CREATE CONSTRAINT TRIGGER process_marks_locations AFTER DELETE OR UPDATE OF name ON locations
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_log();
CREATE CONSTRAINT TRIGGER process_marks_gestures AFTER INSERT OR UPDATE OR DELETE ON gestures
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_outcomes();
CREATE CONSTRAINT TRIGGER process_marks_responses AFTER INSERT OR DELETE OR UPDATE OF customer_id, nps, responded_at ON responses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_response();

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
