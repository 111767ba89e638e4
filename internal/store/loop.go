package store

// What the closed loop (internal/loop) reads besides its follow-ups: the
// response that opens one, and the raw material of the "satisfied but
// leaving" detector: the positive answers and the purchase summaries of
// those customers (purchase_summary.go).

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// LoopResponse is what the closed loop needs to know about a response.
type LoopResponse struct {
	ID           int64
	PostSlug     string
	CustomerID   *int64
	PurchaseID   *int64
	EmployeeID   *int64
	LocationID   *int64
	NPS, CSAT    *int
	Comment      string
	RespondedAt  time.Time
	CustomerName string
	EmployeeName string
}

// LoopResponse reads a response for the closed loop.
func (tx *Tx) LoopResponse(ctx context.Context, id int64) (*LoopResponse, error) {
	var r LoopResponse
	var cust, purchase, emp, loc, nps, csat sql.NullInt64
	err := tx.QueryRow(ctx, `SELECT r.id, p.slug, r.customer_id, r.purchase_id, r.employee_id, r.location_id, r.nps, r.csat, r.comment,
			r.responded_at, COALESCE(c.name, ''), COALESCE(e.name, '')
		FROM responses r
		JOIN listening_posts p ON p.id = r.post_id
		LEFT JOIN customers c ON c.id = r.customer_id
		LEFT JOIN employees e ON e.id = r.employee_id
		WHERE r.id = ?`, id).Scan(&r.ID, &r.PostSlug, &cust, &purchase, &emp, &loc, &nps, &csat, &r.Comment, &r.RespondedAt,
		&r.CustomerName, &r.EmployeeName)
	if err != nil {
		return nil, notFound(err, "response", id)
	}
	r.CustomerID, r.PurchaseID, r.EmployeeID, r.LocationID = ptrID(cust), ptrID(purchase), ptrID(emp), ptrID(loc)
	r.NPS, r.CSAT = ptrInt(nps), ptrInt(csat)
	r.RespondedAt = r.RespondedAt.UTC()
	return &r, nil
}

// PositiveAnswer is a customer whose latest scored answer since a time was
// passive or promoter (NPS ≥ 7, or CSAT ≥ 4 when there is no NPS).
type PositiveAnswer struct {
	CustomerID   int64
	CustomerName string
	NPS, CSAT    *int
	AnsweredAt   time.Time
	LocationID   *int64 // of the answer
}

// SatisfiedCandidate is a positive answer and its customer's purchases,
// as customer_purchase_summary keeps them.
type SatisfiedCandidate struct {
	Answer  PositiveAnswer
	Summary PurchaseSummary
}

// candidatesCTE selects each customer's latest scored answer since ? when it
// was positive.
const candidatesCTE = `WITH latest AS (
	SELECT r.customer_id, r.nps, r.csat, r.responded_at, r.location_id,
		ROW_NUMBER() OVER (PARTITION BY r.customer_id ORDER BY r.responded_at DESC, r.id DESC) AS rn
	FROM responses r
	WHERE r.customer_id IS NOT NULL AND r.responded_at >= ? AND (r.nps IS NOT NULL OR r.csat IS NOT NULL)
), cand AS (
	SELECT customer_id, nps, csat, responded_at, location_id FROM latest
	WHERE rn = 1 AND ((nps IS NOT NULL AND nps >= 7) OR (nps IS NULL AND csat >= 4))
)`

// SatisfiedCandidates returns the customers with purchases whose latest
// scored answer since `since` was positive, by customer: one row each,
// however long their history.
func (db *DB) SatisfiedCandidates(ctx context.Context, since time.Time) ([]SatisfiedCandidate, error) {
	return queryAll(ctx, db, scanSatisfiedCandidate, candidatesCTE+` SELECT cand.customer_id, COALESCE(c.name, ''), cand.nps, cand.csat,
			cand.responded_at, cand.location_id, `+prefixed("s.", purchaseSummaryColumns)+`
		FROM cand
		JOIN customer_purchase_summary s ON s.customer_id = cand.customer_id
		LEFT JOIN customers c ON c.id = cand.customer_id
		ORDER BY cand.customer_id`, since.UTC())
}

func scanSatisfiedCandidate(row rowScanner) (SatisfiedCandidate, error) {
	var c SatisfiedCandidate
	var nps, csat, loc sql.NullInt64
	var at any
	a := &c.Answer
	if err := scanWithPurchaseSummary(row, &c.Summary, &a.CustomerID, &a.CustomerName, &nps, &csat, &at, &loc); err != nil {
		return c, err
	}
	t, err := anyTime(at)
	if err != nil || t == nil {
		return c, fmt.Errorf("answer time: %v", err)
	}
	a.AnsweredAt, a.NPS, a.CSAT, a.LocationID = *t, ptrInt(nps), ptrInt(csat), ptrID(loc)
	return c, nil
}

// PAliveTable is where the lifetime-value engine (migration 00004) keeps each
// customer's latest P(alive): customer_value(customer_id, p_alive). The
// detector uses it for the customers it scores and falls back on purchase
// gaps for the others, or when the table does not exist.
const PAliveTable = "customer_value"

// PAlive returns P(alive) per customer from PAliveTable, or nil when the
// table does not exist.
func (db *DB) PAlive(ctx context.Context) (map[int64]float64, error) {
	var n int
	var err error
	if db.dialect == Postgres {
		err = db.QueryRow(ctx, `SELECT COUNT(*) FROM information_schema.columns
			WHERE table_schema = current_schema() AND table_name = ? AND column_name = 'p_alive'`, PAliveTable).Scan(&n)
	} else {
		err = db.QueryRow(ctx, `SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = 'p_alive'`, PAliveTable).Scan(&n)
	}
	if err != nil || n == 0 {
		return nil, err
	}
	out := map[int64]float64{}
	if err := queryMap(ctx, db, out, scanPair[int64, float64], `SELECT customer_id, p_alive FROM `+PAliveTable+` WHERE p_alive IS NOT NULL`); err != nil {
		return nil, err
	}
	return out, nil
}
