package store

// What one customer's page reads beyond the customer row: their follow-ups,
// call tasks and the employee's kind words. Each query walks an index that
// starts with the customer (or employee), newest first, with a limit, so a
// page costs the same at a thousand customers and at a million.

import (
	"context"
	"database/sql"
	"errors"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// CustomerFollowUps returns the customer's latest follow-ups, newest first.
func (db *DB) CustomerFollowUps(ctx context.Context, customerID int64, limit int) ([]*fresco.FollowUp, error) {
	return queryAll(ctx, db, scanFollowUp, `SELECT `+followUpColumns+followUpFrom+`
		WHERE f.customer_id = ? ORDER BY f.id DESC LIMIT ?`, customerID, pageLimit(limit))
}

// CustomerCallTasks returns the customer's latest call tasks, newest first.
func (db *DB) CustomerCallTasks(ctx context.Context, customerID int64, limit int) ([]*fresco.CallTask, error) {
	return queryAll(ctx, db, scanCallTask, `SELECT `+callTaskColumns+callTaskFrom+`
		WHERE t.customer_id = ? ORDER BY t.id DESC LIMIT ?`, customerID, pageLimit(limit))
}

// CustomerResponses returns the customer's latest responses with their
// answers, newest first.
func (db *DB) CustomerResponses(ctx context.Context, customerID int64, limit int) ([]*fresco.Response, error) {
	return db.queryResponses(ctx, `SELECT `+responseColumns+` FROM responses r JOIN listening_posts p ON p.id = r.post_id
		WHERE r.customer_id = ? ORDER BY r.responded_at DESC, r.id DESC LIMIT ?`, customerID, pageLimit(limit))
}

// KindWords returns the latest praise an employee received: comments of
// responses they served that came with a promoter's score (NPS 9–10) or that
// staff or the classifier filed as praise, newest first.
func (db *DB) KindWords(ctx context.Context, employeeID int64, limit int) ([]*fresco.Response, error) {
	return db.queryResponses(ctx, `SELECT `+responseColumns+` FROM responses r JOIN listening_posts p ON p.id = r.post_id
		WHERE r.employee_id = ? AND r.comment <> '' AND `+kindWords+`
		ORDER BY r.responded_at DESC, r.id DESC LIMIT ?`, employeeID, pageLimit(limit))
}

// kindWords is when a response r's comment counts as kind words: a
// promoter's (NPS 9–10), or one staff or the classifier filed as praise.
// The employee page lists them and the scorecard counts them
// (internal/store/rewards.go).
const kindWords = `(r.nps >= 9 OR r.categories LIKE '%"praise"%' OR (r.categorised_by = '' AND r.suggested LIKE '%"praise"%'))`

// CaseOfResponse returns the id of the case opened from the response, if any.
func (db *DB) CaseOfResponse(ctx context.Context, responseID int64) (int64, bool, error) {
	var id int64
	err := db.QueryRow(ctx, `SELECT id FROM recovery_cases WHERE source_response_id = ?`, responseID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, false, nil
	}
	return id, err == nil, err
}

// CasesOfResponses maps each of the responses that a case was opened from
// to that case's id: CaseOfResponse for a page of responses at once.
func (db *DB) CasesOfResponses(ctx context.Context, responseIDs []int64) (map[int64]int64, error) {
	cases := map[int64]int64{}
	err := forChunks(asArgs(responseIDs), func(chunk []any) error {
		return queryEach(ctx, db, func(row rowScanner) error {
			var response, id int64
			if err := row.Scan(&response, &id); err != nil {
				return err
			}
			cases[response] = id
			return nil
		}, `SELECT source_response_id, id FROM recovery_cases WHERE source_response_id IN (`+placeholders(len(chunk))+`)`, chunk...)
	})
	return cases, err
}

// CustomerPurchases returns the customer's latest purchases with their
// lines, newest first.
func (db *DB) CustomerPurchases(ctx context.Context, customerID int64, limit int) ([]*fresco.Purchase, error) {
	return db.queryPurchases(ctx, `SELECT `+purchaseColumns+` FROM purchases
		WHERE customer_id = ? ORDER BY purchased_at DESC, id DESC LIMIT ?`, customerID, pageLimit(limit))
}
