-- Marks that move whenever Fresco's own event log or its outcomes change
-- (sqlite; keep in step with ../postgres/00069_process_marks.sql).
--
-- The process pages mine Fresco's own work (internal/processlog's own
-- log: cases, their events, follow-ups, call tasks, the names of the
-- employees and locations in them) and join the cases to what happened
-- to their customers (store.CustomerCosts: gestures, NPS answers). At a
-- million customers reading all of it costs seconds, so the server keeps
-- the log and the overlays in memory, keyed by these marks: log moves
-- with every write to the own log's tables, outcomes with every write to
-- gestures and to the NPS answers of customers who have a case. A mark
-- read equal means the same rows, so a kept result is never stale. One row
-- holds both: a PostgreSQL transaction that bumps both takes one lock.

-- +goose Up
CREATE TABLE process_marks (
    id       INTEGER PRIMARY KEY CHECK (id = 1),
    log      INTEGER NOT NULL DEFAULT 0,
    outcomes INTEGER NOT NULL DEFAULT 0
);
INSERT INTO process_marks (id) VALUES (1);

-- +goose StatementBegin
CREATE TRIGGER process_marks_case_events_insert AFTER INSERT ON case_events BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_case_events_update AFTER UPDATE ON case_events BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_case_events_delete AFTER DELETE ON case_events BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_cases_insert AFTER INSERT ON recovery_cases BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_cases_update AFTER UPDATE OF customer_id, location_id, category, source, status, opened_at,
    resolved_at, closed_at, reopen_count ON recovery_cases BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_cases_delete AFTER DELETE ON recovery_cases BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_follow_ups_insert AFTER INSERT ON follow_ups BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_follow_ups_update AFTER UPDATE ON follow_ups BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_follow_ups_delete AFTER DELETE ON follow_ups BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_call_tasks_insert AFTER INSERT ON call_tasks BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_call_tasks_update AFTER UPDATE ON call_tasks BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_call_tasks_delete AFTER DELETE ON call_tasks BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_employees_update AFTER UPDATE OF name, role ON employees BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_employees_delete AFTER DELETE ON employees BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_employees_insert AFTER INSERT ON employees BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_locations_update AFTER UPDATE OF name ON locations BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_locations_delete AFTER DELETE ON locations BEGIN UPDATE process_marks SET log = log + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_gestures_insert AFTER INSERT ON gestures BEGIN UPDATE process_marks SET outcomes = outcomes + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_gestures_update AFTER UPDATE ON gestures BEGIN UPDATE process_marks SET outcomes = outcomes + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_gestures_delete AFTER DELETE ON gestures BEGIN UPDATE process_marks SET outcomes = outcomes + 1; END;
-- +goose StatementEnd
-- Only the NPS answers of customers with a case count: the others join to
-- no case (one index lookup a response).
-- +goose StatementBegin
CREATE TRIGGER process_marks_responses_insert AFTER INSERT ON responses
WHEN NEW.nps IS NOT NULL AND EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = NEW.customer_id)
BEGIN UPDATE process_marks SET outcomes = outcomes + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_responses_update AFTER UPDATE OF customer_id, nps, responded_at ON responses
WHEN EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id IN (OLD.customer_id, NEW.customer_id))
BEGIN UPDATE process_marks SET outcomes = outcomes + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_responses_delete AFTER DELETE ON responses
WHEN OLD.nps IS NOT NULL AND EXISTS (SELECT 1 FROM recovery_cases WHERE customer_id = OLD.customer_id)
BEGIN UPDATE process_marks SET outcomes = outcomes + 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER process_marks_responses_delete;
DROP TRIGGER process_marks_responses_update;
DROP TRIGGER process_marks_responses_insert;
DROP TRIGGER process_marks_gestures_delete;
DROP TRIGGER process_marks_gestures_update;
DROP TRIGGER process_marks_gestures_insert;
DROP TRIGGER process_marks_locations_delete;
DROP TRIGGER process_marks_locations_update;
DROP TRIGGER process_marks_employees_insert;
DROP TRIGGER process_marks_employees_delete;
DROP TRIGGER process_marks_employees_update;
DROP TRIGGER process_marks_call_tasks_delete;
DROP TRIGGER process_marks_call_tasks_update;
DROP TRIGGER process_marks_call_tasks_insert;
DROP TRIGGER process_marks_follow_ups_delete;
DROP TRIGGER process_marks_follow_ups_update;
DROP TRIGGER process_marks_follow_ups_insert;
DROP TRIGGER process_marks_cases_delete;
DROP TRIGGER process_marks_cases_update;
DROP TRIGGER process_marks_cases_insert;
DROP TRIGGER process_marks_case_events_delete;
DROP TRIGGER process_marks_case_events_update;
DROP TRIGGER process_marks_case_events_insert;
DROP TABLE process_marks;
