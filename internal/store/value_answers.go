package store

// value_answers (migration 00070): each scored value answer with its
// response's time, so the value equation reads a period's value answers
// without walking the period's responses. Triggers keep it; a rebuild
// rewrites it from response_answers.

import (
	"context"
	"time"
)

// valueAnswersSelect computes value_answers' rows as its triggers keep them.
const valueAnswersSelect = `SELECT a.response_id, a.position, r.responded_at, a.item, a.score
	FROM response_answers a JOIN responses r ON r.id = a.response_id
	WHERE a.type = 'value' AND a.score IS NOT NULL`

// ValueAnswerRow is one row of value_answers.
type ValueAnswerRow struct {
	ResponseID  int64
	Position    int
	RespondedAt time.Time
	Item        string
	Score       int
}

// ValueAnswerRows is FeedbackRollupRows for value_answers: the rows as
// kept, or as a rebuild would compute them from the answers.
func ValueAnswerRows(ctx context.Context, q Querier, fromAnswers bool) ([]ValueAnswerRow, error) {
	src := `SELECT response_id, position, responded_at, item, score FROM value_answers`
	if fromAnswers {
		src = valueAnswersSelect
	}
	return queryAll(ctx, q, func(row rowScanner) (ValueAnswerRow, error) {
		var r ValueAnswerRow
		err := row.Scan(&r.ResponseID, &r.Position, &r.RespondedAt, &r.Item, &r.Score)
		r.RespondedAt = r.RespondedAt.UTC()
		return r, err
	}, `SELECT * FROM (`+src+`) t ORDER BY 1, 2`)
}
