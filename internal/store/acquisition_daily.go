package store

// acquisition_daily (migration 00071): the customers by UTC day of
// first_seen and source, kept by triggers on customers; a rebuild
// rewrites it from them.

import "context"

// acquisitionDailySelect computes acquisition_daily's rows as its triggers
// keep them.
func acquisitionDailySelect(d Dialect) string {
	day := "date(first_seen)"
	if d == Postgres {
		day = "to_char(first_seen AT TIME ZONE 'UTC', 'YYYY-MM-DD')"
	}
	return `SELECT ` + day + `, acquisition_source, COUNT(*) FROM customers GROUP BY 1, 2`
}

// AcquisitionDailyRow is one row of acquisition_daily.
type AcquisitionDailyRow struct {
	Day, Source string
	Customers   int64
}

// AcquisitionDailyRows is FeedbackRollupRows for acquisition_daily: the
// rows as kept (but those at zero, which the triggers leave and a rebuild
// does not write), or as a rebuild would compute them from the customers.
func AcquisitionDailyRows(ctx context.Context, q Querier, fromCustomers bool) ([]AcquisitionDailyRow, error) {
	src := `SELECT day, source, customers FROM acquisition_daily WHERE customers > 0`
	if fromCustomers {
		src = acquisitionDailySelect(q.Dialect())
	}
	return queryAll(ctx, q, func(row rowScanner) (AcquisitionDailyRow, error) {
		var r AcquisitionDailyRow
		err := row.Scan(&r.Day, &r.Source, &r.Customers)
		return r, err
	}, `SELECT * FROM (`+src+`) t ORDER BY 1, 2`)
}
