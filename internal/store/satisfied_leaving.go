package store

// The "satisfied but leaving" list as last computed (migration 00034):
// internal/loop computes it from SatisfiedCandidates and PAlive (loop.go)
// on a schedule and on demand and stores it here, so that a view reads the
// rows it shows instead of every candidate.

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const satisfiedLeavingColumns = `list_rank, customer_id, location_id, last_score, last_score_type, last_answer_at,
	purchases, last_purchase_at, median_interval_days, days_since_last, p_alive, rule`

// ReplaceSatisfiedLeaving replaces the stored list with list, in its order,
// computed at computedAt, in one transaction: a reader sees the old list or
// the new one, never a mix. A list computed before the stored one (two
// refreshes that overlapped, the older finishing last) is dropped: it
// reports whether list was stored.
func (db *DB) ReplaceSatisfiedLeaving(ctx context.Context, list []fresco.Leaving, computedAt time.Time) (stored bool, err error) {
	err = db.InTx(ctx, func(tx *Tx) error {
		// First, so that concurrent refreshes queue on the state row.
		err := tx.QueryRow(ctx, `INSERT INTO satisfied_leaving_state (id, computed_at) VALUES (1, ?)
			ON CONFLICT (id) DO UPDATE SET computed_at = excluded.computed_at
			WHERE satisfied_leaving_state.computed_at <= excluded.computed_at RETURNING id`, computedAt.UTC()).Scan(new(int64))
		if stored = err == nil; errors.Is(err, sql.ErrNoRows) {
			return nil
		} else if err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM satisfied_leaving`); err != nil {
			return err
		}
		const cols, chunk = 12, 500
		i := 0
		return tx.insertRows(ctx, `INSERT INTO satisfied_leaving (`+satisfiedLeavingColumns+`) VALUES `, cols, chunk,
			func(args []any) ([]any, bool) {
				if i == len(list) {
					return args, false
				}
				x := list[i]
				i++
				args = append(args, i, x.CustomerID, x.LocationID, x.LastScore, x.LastScoreType, x.LastAnswerAt.UTC(),
					x.Purchases, x.LastPurchaseAt.UTC(), x.MedianIntervalDays, x.DaysSinceLast, x.PAlive, x.Rule)
				return args, i < len(list)
			})
	})
	return stored && err == nil, err
}

// LeavingFilter pages through the stored list.
type LeavingFilter struct {
	LocationID int64 // > 0: that location's customers only
	Cursor     string
	Limit      int
}

// StoredSatisfiedLeaving reads a page of the stored list in its order, with
// the customers' names as they are now, and the cursor of the next page. It
// reads the rows it returns (primary key or the location's index), however
// long the list. computedAt is zero when the list has never been computed.
// The cursor is a rank: after a refresh it goes on from the same rank of
// the new list.
func (db *DB) StoredSatisfiedLeaving(ctx context.Context, f LeavingFilter) (list []fresco.Leaving, next string, computedAt time.Time, err error) {
	after, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", time.Time{}, err
	}
	err = db.QueryRow(ctx, `SELECT computed_at FROM satisfied_leaving_state WHERE id = 1`).Scan(&computedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", time.Time{}, nil
	} else if err != nil {
		return nil, "", time.Time{}, err
	}
	w := &conditions{}
	w.add("l.list_rank > ?", after)
	if f.LocationID > 0 {
		w.add("l.location_id = ?", f.LocationID)
	}
	limit := pageLimit(f.Limit)
	var ranks []int64
	list, err = queryAll(ctx, db, func(row rowScanner) (fresco.Leaving, error) {
		x, rank, err := scanLeaving(row)
		ranks = append(ranks, rank)
		return x, err
	}, `SELECT `+prefixed("l.", satisfiedLeavingColumns)+`, COALESCE(c.name, '')
		FROM satisfied_leaving l LEFT JOIN customers c ON c.id = l.customer_id
		WHERE `+w.sql()+` ORDER BY l.list_rank LIMIT ?`, append(w.args, limit)...)
	if err != nil {
		return nil, "", time.Time{}, err
	}
	if len(list) == limit {
		next = encodeCursor(ranks[len(ranks)-1])
	}
	return list, next, computedAt.UTC(), nil
}

func scanLeaving(row rowScanner) (x fresco.Leaving, rank int64, err error) {
	var loc sql.NullInt64
	var median, pAlive sql.NullFloat64
	err = row.Scan(&rank, &x.CustomerID, &loc, &x.LastScore, &x.LastScoreType, &x.LastAnswerAt, &x.Purchases,
		&x.LastPurchaseAt, &median, &x.DaysSinceLast, &pAlive, &x.Rule, &x.CustomerName)
	x.LocationID = ptrID(loc)
	x.LastAnswerAt, x.LastPurchaseAt = x.LastAnswerAt.UTC(), x.LastPurchaseAt.UTC()
	if median.Valid {
		x.MedianIntervalDays = &median.Float64
	}
	if pAlive.Valid {
		x.PAlive = &pAlive.Float64
	}
	return x, rank, err
}
