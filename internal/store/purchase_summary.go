package store

// customer_purchase_summary (migration 00016) keeps, per customer, what the
// per-customer views need of their purchases without reading them all: how
// many, the first and last, the last one's location, the first positive
// one, and the middle gaps between consecutive purchases, from which the
// median interval follows exactly. Triggers recompute a customer's row in
// the transaction of every write to their purchases.

import (
	"context"
	"database/sql"
	"time"
)

// purchaseSummarySelect computes customer_purchase_summary's rows from
// purchases, as the migration's triggers do one customer at a time, for
// the customers the condition who on purchases.customer_id picks
// (allCustomers, or a customerSet). The
// gaps are in microseconds, the precision purchase times are stored at;
// on SQLite they are read from the UTC text, whose fraction SQLite's date
// functions would round to milliseconds.
func purchaseSummarySelect(d Dialect, who string) string {
	us := `unixepoch(substr(purchased_at, 1, 19)) * 1000000
		+ CASE WHEN substr(purchased_at, 20, 1) = '.'
			THEN CAST(substr(substr(purchased_at, 21, length(purchased_at) - 26) || '000000', 1, 6) AS INTEGER) ELSE 0 END`
	if d == Postgres {
		us = `(EXTRACT(EPOCH FROM purchased_at) * 1000000)::BIGINT`
	}
	return `SELECT s.customer_id, s.purchases, s.first_at, s.last_at,
		(SELECT x.location_id FROM purchases x WHERE x.customer_id = s.customer_id ORDER BY x.purchased_at DESC, x.id DESC LIMIT 1),
		s.first_positive_at, m.gap_low, m.gap_high
	FROM (SELECT customer_id, COUNT(*) AS purchases, MIN(purchased_at) AS first_at, MAX(purchased_at) AS last_at,
			MIN(CASE WHEN total > 0 THEN purchased_at END) AS first_positive_at
		FROM purchases WHERE ` + who + ` GROUP BY customer_id) s
	LEFT JOIN (SELECT customer_id, MIN(gap) AS gap_low, MAX(gap) AS gap_high
		FROM (SELECT customer_id, gap, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY gap) AS k,
				COUNT(*) OVER (PARTITION BY customer_id) AS m
			FROM (SELECT customer_id, us - LAG(us) OVER (PARTITION BY customer_id ORDER BY us) AS gap
				FROM (SELECT customer_id, ` + us + ` AS us
					FROM purchases WHERE ` + who + `) p) g
			WHERE gap IS NOT NULL) r
		WHERE k IN ((m + 1) / 2, m / 2 + 1) GROUP BY customer_id) m ON m.customer_id = s.customer_id`
}

// purchaseSummaryColumns are customer_purchase_summary's columns in the
// order purchaseSummarySelect gives them.
const purchaseSummaryColumns = `customer_id, purchases, first_at, last_at, last_location_id, first_positive_at, gap_low_us, gap_high_us`

// purchaseSummaryUpdate sets a customer_purchase_summary row to the
// excluded one of an upsert.
const purchaseSummaryUpdate = `purchases = excluded.purchases, first_at = excluded.first_at, last_at = excluded.last_at,
	last_location_id = excluded.last_location_id, first_positive_at = excluded.first_positive_at,
	gap_low_us = excluded.gap_low_us, gap_high_us = excluded.gap_high_us`

// PurchaseSummary is one customer's row of customer_purchase_summary.
type PurchaseSummary struct {
	CustomerID      int64
	Purchases       int
	FirstAt, LastAt time.Time
	LastLocationID  *int64 // of the latest purchase, the highest id among equals
	FirstPositiveAt *time.Time
	// MiddleGaps are the middle one (twice) or two of the sorted intervals
	// between consecutive purchases; zero below two purchases.
	MiddleGaps [2]time.Duration
}

// PurchaseSummaryRows returns customer_purchase_summary whole, by customer,
// or, with fromPurchases, what a rebuild would write there; tests compare
// the two.
func PurchaseSummaryRows(ctx context.Context, q Querier, fromPurchases bool) ([]PurchaseSummary, error) {
	src := `SELECT ` + purchaseSummaryColumns + ` FROM customer_purchase_summary`
	if fromPurchases {
		src = purchaseSummarySelect(q.Dialect(), allCustomers)
	}
	return queryAll(ctx, q, scanPurchaseSummary, `SELECT * FROM (`+src+`) t ORDER BY 1`)
}

func scanPurchaseSummary(row rowScanner) (PurchaseSummary, error) {
	var s PurchaseSummary
	err := scanWithPurchaseSummary(row, &s)
	return s, err
}

// scanWithPurchaseSummary scans a row of the columns of dest, then those
// of purchaseSummaryColumns into s. The times may come as text, through
// SQLite's MIN and MAX.
func scanWithPurchaseSummary(row rowScanner, s *PurchaseSummary, dest ...any) error {
	var first, last, firstPositive any
	var loc, low, high sql.NullInt64
	dest = append(dest, &s.CustomerID, &s.Purchases, &first, &last, &loc, &firstPositive, &low, &high)
	if err := row.Scan(dest...); err != nil {
		return err
	}
	var err error
	if s.FirstAt, err = zeroOrTime(first); err != nil {
		return err
	}
	if s.LastAt, err = zeroOrTime(last); err != nil {
		return err
	}
	if s.FirstPositiveAt, err = anyTime(firstPositive); err != nil {
		return err
	}
	s.LastLocationID = ptrID(loc)
	s.MiddleGaps = [2]time.Duration{time.Duration(low.Int64) * time.Microsecond, time.Duration(high.Int64) * time.Microsecond}
	return nil
}
