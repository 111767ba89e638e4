package store

import (
	"context"
	"encoding/json"
	"time"
)

// Reads for the service-profit chain (package chain): the customer half per
// location or serving employee, and the record of cycle-of-mediocrity
// alerts already sent (migration 00045).

// ChainNPSRow is how many answers gave one NPS score in one UTC month, for
// one location or one serving employee (Ref).
type ChainNPSRow struct {
	Month string // YYYY-MM-01
	Ref   int64
	Score int
	N     int
}

// ChainNPS returns the NPS answers per month from fromMonth to toMonth
// (YYYY-MM-01, inclusive) per location (dim "location") or per serving
// employee (dim "employee"), from the monthly rollup; answers without one
// are left out.
func (db *DB) ChainNPS(ctx context.Context, dim, fromMonth, toMonth string) ([]ChainNPSRow, error) {
	return queryAll(ctx, db, func(row rowScanner) (ChainNPSRow, error) {
		var r ChainNPSRow
		err := row.Scan(&r.Month, &r.Ref, &r.Score, &r.N)
		return r, err
	}, `SELECT month, ref, score, n FROM feedback_score_monthly
		WHERE scale = 'nps' AND dim = ? AND segment = '' AND ref <> 0 AND month >= ? AND month <= ? AND n > 0
		ORDER BY month, ref, score`, dim, fromMonth, toMonth)
}

// ChainCustomer is one customer's buying at one location from one
// employee (0: none recorded) in a period: net revenue, the cost of what
// they bought, and whether they bought again (anywhere) in the window
// after the period.
type ChainCustomer struct {
	LocationID int64 // 0: none
	ServedBy   int64 // 0: none
	CustomerID int64
	Revenue    int64
	Cost       int64
	Again      bool
}

// ChainCustomers returns, for the purchases of known customers in
// [from, to), one row per location, serving employee and customer, with
// whether the customer bought again in [to, againTo). Cost is each line's
// quantity at its product's unit cost.
func (db *DB) ChainCustomers(ctx context.Context, from, to, againTo time.Time) ([]ChainCustomer, error) {
	return queryAll(ctx, db, func(row rowScanner) (ChainCustomer, error) {
		var c ChainCustomer
		var again int
		err := row.Scan(&c.LocationID, &c.ServedBy, &c.CustomerID, &c.Revenue, &c.Cost, &again)
		c.Again = again == 1
		return c, err
	}, `SELECT x.location_id, x.served_by, x.customer_id, SUM(x.total), SUM(x.cost),
			CASE WHEN EXISTS (SELECT 1 FROM purchases a WHERE a.customer_id = x.customer_id
				AND a.purchased_at >= ? AND a.purchased_at < ? AND a.total > 0) THEN 1 ELSE 0 END
		FROM (SELECT COALESCE(p.location_id, 0) AS location_id, COALESCE(p.served_by, 0) AS served_by, p.customer_id, p.total,
				(SELECT COALESCE(SUM(l.quantity * pr.unit_cost), 0) FROM purchase_lines l
					JOIN products pr ON pr.id = l.product_id WHERE l.purchase_id = p.id) AS cost
			FROM purchases p
			WHERE p.customer_id IS NOT NULL AND p.purchased_at >= ? AND p.purchased_at < ?) x
		GROUP BY x.location_id, x.served_by, x.customer_id
		ORDER BY x.location_id, x.served_by, x.customer_id`, to, againTo, from, to)
}

// ChainPurchasesSince returns when the purchases stored with an id above
// afterID were made (first and last; nil when there are none) and the
// largest purchase id (afterID when none is larger). Ids only grow, so
// this finds purchases imported since afterID was read, whatever their
// date, through the primary key.
func (db *DB) ChainPurchasesSince(ctx context.Context, afterID int64) (first, last *time.Time, maxID int64, err error) {
	var lo, hi any
	err = db.QueryRow(ctx, `SELECT MIN(purchased_at), MAX(purchased_at), COALESCE(MAX(id), ?) FROM purchases WHERE id > ?`,
		afterID, afterID).Scan(&lo, &hi, &maxID)
	if err != nil {
		return nil, nil, 0, err
	}
	if first, err = anyTime(lo); err != nil {
		return nil, nil, 0, err
	}
	last, err = anyTime(hi)
	return first, last, maxID, err
}

// OwnerIDs returns the active owners.
func (db *DB) OwnerIDs(ctx context.Context) ([]int64, error) {
	return queryAll(ctx, db, scanValue[int64], `SELECT id FROM employees WHERE role = 'owner' AND active ORDER BY id`)
}

// ClaimMediocrityAlert records that the cycle-of-mediocrity alert for a
// unit ("team" or "location") and period has been raised, with its
// figures, and reports whether this call recorded it: false when it was
// raised before, so that each unit-period alerts once however often the
// check runs.
func (tx *Tx) ClaimMediocrityAlert(ctx context.Context, unitKind string, unitID int64, period string, figures any) (bool, error) {
	raw, err := json.Marshal(figures)
	if err != nil {
		return false, err
	}
	res, err := tx.Exec(ctx, `INSERT INTO mediocrity_alerts (unit_kind, unit_id, period, figures, created_at)
		VALUES (?, ?, ?, ?, ?) ON CONFLICT (unit_kind, unit_id, period) DO NOTHING`, unitKind, unitID, period, string(raw), now())
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// MediocrityAlert is one raised alert.
type MediocrityAlert struct {
	UnitKind  string
	UnitID    int64
	Period    string
	Figures   json.RawMessage
	CreatedAt time.Time
}

// MediocrityAlerts returns the alerts raised, newest first.
func (db *DB) MediocrityAlerts(ctx context.Context) ([]MediocrityAlert, error) {
	return queryAll(ctx, db, func(row rowScanner) (MediocrityAlert, error) {
		var a MediocrityAlert
		var figures string
		err := row.Scan(&a.UnitKind, &a.UnitID, &a.Period, &figures, &a.CreatedAt)
		a.Figures, a.CreatedAt = json.RawMessage(figures), a.CreatedAt.UTC()
		return a, err
	}, `SELECT unit_kind, unit_id, period, figures, created_at FROM mediocrity_alerts ORDER BY created_at DESC, period DESC, unit_id`)
}
