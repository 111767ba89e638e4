-- The scores mark (00074) moves also when a response's purchased_at alone
-- changes (sqlite; keep in step with ../postgres/00079_scores_mark_purchased_at.sql):
-- the delay rollup (00017) counts a response by the hours from its
-- purchase to its answer, and the listening posts' delay counts are kept
-- in memory under the mark (feedback.Service.PostStats).

-- +goose Up
DROP TRIGGER process_marks_scores_update;
-- +goose StatementBegin
CREATE TRIGGER process_marks_scores_update AFTER UPDATE OF responded_at, purchased_at, post_id, location_id, employee_id, segment, nps, csat, ces
ON responses BEGIN UPDATE process_marks SET scores = scores + 1; END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER process_marks_scores_update;
-- +goose StatementBegin
CREATE TRIGGER process_marks_scores_update AFTER UPDATE OF responded_at, post_id, location_id, employee_id, segment, nps, csat, ces
ON responses BEGIN UPDATE process_marks SET scores = scores + 1; END;
-- +goose StatementEnd
