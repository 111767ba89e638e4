-- A mark that moves whenever the answers the score rollups count change
-- (PostgreSQL; keep in step with ../sqlite/00074_scores_mark.sql, which
-- says why). As the process marks (00069), it moves at commit, once a
-- transaction: a deferred constraint trigger, made a no-op after its first
-- row by a transaction-local setting.

-- +goose Up
ALTER TABLE process_marks ADD COLUMN scores BIGINT NOT NULL DEFAULT 0;

-- +goose StatementBegin
CREATE FUNCTION process_marks_scores() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('fresco.process_scores_moved', true) IS DISTINCT FROM 'on' THEN
        UPDATE process_marks SET scores = scores + 1;
        PERFORM set_config('fresco.process_scores_moved', 'on', true);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE CONSTRAINT TRIGGER process_marks_scores AFTER INSERT OR DELETE
    OR UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps, csat, ces ON responses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_scores();

-- +goose Down
DROP TRIGGER process_marks_scores ON responses;
DROP FUNCTION process_marks_scores();
ALTER TABLE process_marks DROP COLUMN scores;
