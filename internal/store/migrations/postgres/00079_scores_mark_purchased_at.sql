-- The scores mark (00074) moves also when a response's purchased_at alone
-- changes (PostgreSQL; keep in step with ../sqlite/00079_scores_mark_purchased_at.sql):
-- the delay rollup (00017) counts a response by the hours from its
-- purchase to its answer, and the listening posts' delay counts are kept
-- in memory under the mark (feedback.Service.PostStats).

-- +goose Up
DROP TRIGGER process_marks_scores ON responses;
CREATE CONSTRAINT TRIGGER process_marks_scores AFTER INSERT OR DELETE
    OR UPDATE OF responded_at, purchased_at, post_id, location_id, employee_id, segment, nps, csat, ces ON responses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_scores();

-- +goose Down
DROP TRIGGER process_marks_scores ON responses;
CREATE CONSTRAINT TRIGGER process_marks_scores AFTER INSERT OR DELETE
    OR UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps, csat, ces ON responses
    DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION process_marks_scores();
