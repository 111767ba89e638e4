package store

// The latitude audit's reads (internal/latitude): the gestures asked for in
// a window, each reduced to what the audit weighs — who asked (their role),
// for what and how much, whether it waited for approval and how that
// ended.

import (
	"context"
	"database/sql"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// GestureFact is one gesture as the latitude audit sees it.
type GestureFact struct {
	Role      fresco.Role
	Kind      string
	Amount    fresco.Money
	Status    string // granted, pending_approval, rejected
	Waited    bool   // it needed approval: decided by someone other than the requester, or not yet
	CreatedAt time.Time
	DecidedAt *time.Time
}

// GestureFacts returns the gestures asked for in [from, to), oldest first.
// A gesture waited for approval when it is pending or rejected, or granted
// by someone other than its requester (a requester never approves their
// own: recovery.GestureDecisionAllowed).
func (db *DB) GestureFacts(ctx context.Context, from, to time.Time) ([]GestureFact, error) {
	return queryAll(ctx, db, func(row rowScanner) (GestureFact, error) {
		var f GestureFact
		var role string
		var amount int64
		var decided sql.NullTime
		err := row.Scan(&role, &f.Kind, &amount, &f.Status, &f.Waited, &f.CreatedAt, &decided)
		f.Role, f.Amount, f.CreatedAt, f.DecidedAt = fresco.Role(role), fresco.Money(amount), f.CreatedAt.UTC(), ptrTime(decided)
		if f.DecidedAt != nil {
			t := f.DecidedAt.UTC()
			f.DecidedAt = &t
		}
		return f, err
	}, `SELECT requested_role, kind, amount, status,
		status <> 'granted' OR decided_by <> requested_by, created_at, decided_at
		FROM gestures WHERE created_at >= ? AND created_at < ? ORDER BY created_at, id`, utc(from), utc(to))
}
