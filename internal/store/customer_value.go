package store

// The customer_value and clv_fits tables the lifetime-value refit job
// writes, one customer's row, and the identity of the refit they hold.

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"iter"
	"slices"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

const customerValueColumns = `customer_id, frequency, recency, t, monetary, purchases, first_purchase, last_purchase,
	p_alive, expected_purchases, expected_spend, clv, historical_value, historical_profit, related_sales_value,
	referral_value, referrals, referrals_total, rfm_r, rfm_f, rfm_m, segment, mercenary, apostle, computed_at, items`

const customerValueArgs = 26

// customerValueColumnList is customerValueColumns as COPY wants them.
var customerValueColumnList = func() []string {
	cols := strings.Split(customerValueColumns, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return cols
}()

// customerValueRow is v as the arguments of an INSERT of customerValueColumns.
func customerValueRow(v *fresco.CustomerValue) []any {
	return []any{v.CustomerID, v.Frequency, v.Recency, v.T, v.Monetary, v.Purchases, v.FirstPurchase.UTC(), v.LastPurchase.UTC(),
		v.PAlive, v.ExpectedPurchases, v.ExpectedSpend, v.CLV, int64(v.HistoricalValue), int64(v.HistoricalProfit), int64(v.RelatedSalesValue),
		int64(v.ReferralValue), v.Referrals, v.ReferralsTotal, v.R, v.F, v.M, v.Segment, v.Mercenary, v.Apostle, v.ComputedAt.UTC(), v.Items}
}

func scanCustomerValue(row rowScanner, withName bool) (*fresco.CustomerValue, error) {
	var v fresco.CustomerValue
	var hv, hp, rs, rv int64
	var items sql.NullInt64 // NULL in a refit written before the column
	dest := []any{&v.CustomerID, &v.Frequency, &v.Recency, &v.T, &v.Monetary, &v.Purchases, &v.FirstPurchase, &v.LastPurchase,
		&v.PAlive, &v.ExpectedPurchases, &v.ExpectedSpend, &v.CLV, &hv, &hp, &rs,
		&rv, &v.Referrals, &v.ReferralsTotal, &v.R, &v.F, &v.M, &v.Segment, &v.Mercenary, &v.Apostle, &v.ComputedAt, &items}
	if withName {
		dest = append(dest, &v.Name)
	}
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	v.Items = items.Int64
	v.HistoricalValue, v.HistoricalProfit, v.RelatedSalesValue, v.ReferralValue = fresco.Money(hv), fresco.Money(hp), fresco.Money(rs), fresco.Money(rv)
	v.FirstPurchase, v.LastPurchase, v.ComputedAt = v.FirstPurchase.UTC(), v.LastPurchase.UTC(), v.ComputedAt.UTC()
	return &v, nil
}

// ReplaceCustomerValues replaces the whole of customer_value with values and
// records fits: ReplaceCustomerValuesSeq over a slice.
func (db *DB) ReplaceCustomerValues(ctx context.Context, values []*fresco.CustomerValue, fits []*fresco.CLVFit) error {
	return db.ReplaceCustomerValuesSeq(ctx, slices.Values(values), fits)
}

// ReplaceCustomerValuesSeq replaces the whole of customer_value with the
// rows values yields and records fits (dropping fits more than 90 days
// older): readers see the old refit or the new one, never a mix. The
// caller may build each row as it is asked for (and reuse it: its
// arguments are copied at once).
//
// SQLite has one writer, and a million rows written in one transaction held
// it for about 20 s (1 s at 50k customers), every other write waiting
// behind: SQLite writes the new refit beside the old in short transactions
// and switches to it in one small one (customer_value_swap.go).
// PostgreSQL writes the rows with one COPY in one transaction: its writers
// take row locks, so the long transaction blocks none of them, and its
// readers see the old rows until it commits.
func (db *DB) ReplaceCustomerValuesSeq(ctx context.Context, values iter.Seq[*fresco.CustomerValue], fits []*fresco.CLVFit) error {
	if db.dialect == SQLite {
		return db.swapCustomerValues(ctx, values, fits)
	}
	return db.InTx(ctx, func(tx *Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM customer_value`); err != nil {
			return err
		}
		next, stop := iter.Pull(values)
		defer stop()
		err := tx.copyFrom(ctx, "customer_value", customerValueColumnList, func(buf []any) bool {
			v, ok := next()
			if ok {
				copy(buf, customerValueRow(v))
			}
			return ok
		})
		if err != nil {
			return fmt.Errorf("insert customer_value: %w", err)
		}
		// Every row is new: statistics taken before (an empty table after
		// the demo's load) left PostgreSQL guessing, and at a million
		// customers it read the lists by value in parallel workers, 18 ms
		// instead of 0.6 (docs/operations.md). ANALYZE in the transaction
		// samples its own rows, so readers get the rows and their
		// statistics at once; autovacuum may be off or slow to come.
		if _, err := tx.Exec(ctx, `ANALYZE customer_value`); err != nil {
			return fmt.Errorf("analyze customer_value: %w", err)
		}
		return tx.recordRefit(ctx, fits)
	})
}

// recordRefit records fits, drops the fits more than 90 days older than
// them, and marks customer_value as holding a new refit: the end of the
// transaction that makes a refit's rows the ones readers see.
func (tx *Tx) recordRefit(ctx context.Context, fits []*fresco.CLVFit) error {
	if len(fits) > 0 { // keep 90 days of fit history
		if _, err := tx.Exec(ctx, `DELETE FROM clv_fits WHERE computed_at < ?`, fits[0].ComputedAt.UTC().AddDate(0, 0, -90)); err != nil {
			return err
		}
	}
	for _, f := range fits {
		if err := tx.QueryRow(ctx, `INSERT INTO clv_fits (model, params, log_likelihood, customers, converged, detail, computed_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id`,
			f.Model, f.Params, f.LogLikelihood, f.Customers, f.Converged, f.Detail, f.ComputedAt.UTC()).Scan(&f.ID); err != nil {
			return fmt.Errorf("insert clv_fits: %w", err)
		}
	}
	return tx.markCustomerValueRefit(ctx)
}

// customerValueRefitKey is the settings row that names the refit in
// customer_value. ReplaceCustomerValues rewrites it in the same transaction
// as the rows, so a reader on any replica learns from one primary-key lookup
// whether the rows have changed since it last looked (internal/value caches
// its views on it). Neither computed_at nor the fits would do on their own:
// two refits may share a computed_at, and a refit may record no fits.
const customerValueRefitKey = "clv.refit"

// markCustomerValueRefit gives the refit being written a new random token.
// Random rather than a counter: a database restored from a backup brings
// back its own token, which can never be mistaken for a later refit's.
func (tx *Tx) markCustomerValueRefit(ctx context.Context) error {
	_, err := tx.Exec(ctx, `INSERT INTO settings (key, value) VALUES (?, ?)
		ON CONFLICT (key) DO UPDATE SET value = excluded.value`, customerValueRefitKey, rand.Text())
	if err != nil {
		return fmt.Errorf("mark clv refit: %w", err)
	}
	return nil
}

// CustomerValueRefit identifies the refit customer_value holds: equal
// values, same rows. The zero value is "no refit recorded".
type CustomerValueRefit struct {
	// Token is rewritten by every ReplaceCustomerValues ("" before the first).
	Token string
	// LastFitID is the highest id in clv_fits. It also moves when a binary
	// older than Token writes a refit (during a rolling upgrade), as long as
	// the refit records fits — which a refit with customers always does.
	LastFitID int64
}

// CurrentCustomerValueRefit reads the identity of the refit in
// customer_value: a primary-key lookup in settings and the top of clv_fits'
// primary key, as cheap on a million customers as on ten.
func (db *DB) CurrentCustomerValueRefit(ctx context.Context) (CustomerValueRefit, error) {
	var token sql.NullString
	var lastFit sql.NullInt64
	err := db.QueryRow(ctx, `SELECT (SELECT value FROM settings WHERE key = ?), (SELECT MAX(id) FROM clv_fits)`,
		customerValueRefitKey).Scan(&token, &lastFit)
	if err != nil {
		return CustomerValueRefit{}, fmt.Errorf("current clv refit: %w", err)
	}
	return CustomerValueRefit{Token: token.String, LastFitID: lastFit.Int64}, nil
}

// CustomerValueOf returns a customer's row of customer_value, or an
// ENOTFOUND error when the last refit has none (no purchases, or no refit).
func (db *DB) CustomerValueOf(ctx context.Context, customerID int64) (*fresco.CustomerValue, error) {
	v, err := scanCustomerValue(db.QueryRow(ctx, `SELECT `+prefixed("v.", customerValueColumns)+`, c.name
		FROM customer_value v JOIN customers c ON c.id = v.customer_id WHERE v.customer_id = ?`, customerID), true)
	if err == sql.ErrNoRows {
		return nil, fresco.Errorf(fresco.ENOTFOUND, "no lifetime value for customer %d yet", customerID)
	}
	return v, err
}

// LatestCLVFits returns the fits of the most recent refit (empty before the
// first).
func (db *DB) LatestCLVFits(ctx context.Context) ([]*fresco.CLVFit, error) {
	return queryAll(ctx, db, scanCLVFit, `SELECT id, model, params, log_likelihood, customers, converged, detail, computed_at
		FROM clv_fits WHERE computed_at = (SELECT MAX(computed_at) FROM clv_fits) ORDER BY id`)
}

func scanCLVFit(row rowScanner) (*fresco.CLVFit, error) {
	var f fresco.CLVFit
	if err := row.Scan(&f.ID, &f.Model, &f.Params, &f.LogLikelihood, &f.Customers, &f.Converged, &f.Detail, &f.ComputedAt); err != nil {
		return nil, err
	}
	f.ComputedAt = f.ComputedAt.UTC()
	return &f, nil
}

// prefixed puts prefix before every column of a comma-separated list.
func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}
