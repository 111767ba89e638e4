-- A mark that moves whenever the answers the score rollups count change
-- (sqlite; keep in step with ../postgres/00074_scores_mark.sql).
--
-- The home page's headlines (NPS, CSAT and CES over the last 30 days
-- against the 30 before) read the daily and monthly score rollups: about
-- 20 ms of CPU a view at a million customers, most of the page. The server
-- keeps them in memory with this mark read before they were worked out
-- (feedback.Service.Headlines) and works them out again only once it
-- moves: with every insert and delete of a response and every update of
-- what the rollups count it by, and with every rebuild of a rollup
-- (store's replaceRollup moves it itself). It lives in the process marks'
-- row so that a PostgreSQL transaction moving both takes one lock.

-- +goose Up
ALTER TABLE process_marks ADD COLUMN scores INTEGER NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE TRIGGER process_marks_scores_insert AFTER INSERT ON responses BEGIN UPDATE process_marks SET scores = scores + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_scores_update AFTER UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps, csat, ces
ON responses BEGIN UPDATE process_marks SET scores = scores + 1; END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER process_marks_scores_delete AFTER DELETE ON responses BEGIN UPDATE process_marks SET scores = scores + 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER process_marks_scores_delete;
DROP TRIGGER process_marks_scores_update;
DROP TRIGGER process_marks_scores_insert;
ALTER TABLE process_marks DROP COLUMN scores;
