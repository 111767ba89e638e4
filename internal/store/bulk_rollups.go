package store

// The rollups of bulk writes, set-based: InsertPurchases and
// InsertResponses defer the insert triggers for their own rows (migration
// 00026 says how) and bring the rollups up to date in a few statements,
// from the same selects a rebuild runs. Row by row, those triggers made
// most of the demo's load time.

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// allCustomers is the condition on purchases.customer_id of a rebuild:
// every customer's purchases.
const allCustomers = "customer_id IS NOT NULL"

// idSet is a condition that column is one of ids, and the argument of its
// one placeholder.
func idSet(d Dialect, column string, ids []int64) (cond string, arg any) {
	if d == Postgres {
		return column + " = ANY(?::bigint[])", ids
	}
	list, _ := json.Marshal(ids) // []int64 always marshals
	return column + " IN (SELECT value FROM json_each(?))", string(list)
}

// execEach runs each query with arg for every placeholder: all of them
// are those of idSet conditions on the same ids.
func (tx *Tx) execEach(ctx context.Context, arg any, queries ...string) error {
	for _, q := range queries {
		args := make([]any, strings.Count(q, "?"))
		for i := range args {
			args[i] = arg
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			return err
		}
	}
	return nil
}

// deferRollups turns the insert triggers of migration 00026 off (on =
// true) or back on for the rest of the transaction.
func (tx *Tx) deferRollups(ctx context.Context, on bool) error {
	if err := tx.deferTriggers(ctx, "fresco.defer_rollups", "rollups_deferred", on); err != nil {
		return fmt.Errorf("defer rollups: %w", err)
	}
	return nil
}

// deferTriggers turns off (on = true), or back on, the triggers whose WHEN
// checks setting (PostgreSQL: a setting local to the transaction) or
// table (SQLite: an uncommitted row, which no other connection sees).
func (tx *Tx) deferTriggers(ctx context.Context, setting, table string, on bool) error {
	var err error
	switch {
	case tx.Dialect() == Postgres:
		value := ""
		if on {
			value = "on"
		}
		_, err = tx.Exec(ctx, `SELECT set_config(?, ?, true)`, setting, value)
	case on:
		_, err = tx.Exec(ctx, `INSERT INTO `+table+` (id) VALUES (1)`)
	default:
		_, err = tx.Exec(ctx, `DELETE FROM `+table)
	}
	return err
}

// LeaveRollupsToRebuild makes InsertPurchases and InsertResponses in this
// transaction store their rows without bringing the rollups up to date:
// the caller rebuilds every rollup (RebuildFeedbackRollups) once its load
// is done, before anything reads them. A load into an empty database
// recomputed the rollups of every batch as it went, a third of the
// demo's CPU at 200,000 customers; one rebuild at the end is a pass over
// the tables (issue 10).
func (tx *Tx) LeaveRollupsToRebuild() { tx.rollupsLater = true }

// purchaseCustomers returns the distinct customers of the purchases of ps
// at indexes, in id order.
func purchaseCustomers(ps []*fresco.Purchase, indexes []int) []int64 {
	var ids []int64
	for _, i := range indexes {
		if c := ps[i].CustomerID; c != nil {
			ids = append(ids, *c)
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// lockPurchaseCustomers locks, on PostgreSQL, the customers whose purchase
// rollups a batch changes — those of its purchases and those the replaced
// purchases had before — in id order, before the first purchase is
// written. refreshPurchaseRollups recomputes a customer's rows from their
// purchases and takes away what the rows held before; holding the customer
// keeps another batch's purchases of theirs from landing in between, as
// the row trigger's refresh_customer_purchase_summary locked the customer
// it recomputed. (SQLite's transactions write one at a time.)
func (tx *Tx) lockPurchaseCustomers(ctx context.Context, plan *purchasePlan, fresh, replaced []int) error {
	if tx.Dialect() != Postgres || tx.rollupsLater {
		return nil
	}
	ids := purchaseCustomers(plan.batch, append(append([]int(nil), fresh...), replaced...))
	stored := make([]int64, len(replaced))
	for k, i := range replaced {
		stored[k] = plan.batch[i].ID
	}
	if len(ids) == 0 && len(stored) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `SELECT id FROM customers
		WHERE id = ANY(?::bigint[]) OR id IN (SELECT customer_id FROM purchases WHERE id = ANY(?::bigint[]))
		ORDER BY id FOR NO KEY UPDATE`, ids, stored)
	if err != nil {
		return fmt.Errorf("lock the purchases' customers: %w", err)
	}
	return nil
}

// refreshPurchaseRollups recomputes the purchase rollups of the customers
// ids from their purchases, as the insert triggers would have kept them:
// their acquisition_customer rows, with the difference carried into
// acquisition_rollup; their customer_purchase_summary rows; and their
// baseline_customer_month rows, with the difference carried into
// baseline_month.
func (tx *Tx) refreshPurchaseRollups(ctx context.Context, ids []int64) error {
	if len(ids) == 0 || tx.rollupsLater {
		return nil
	}
	who, arg := idSet(tx.Dialect(), "customer_id", ids)
	err := tx.execEach(ctx, arg,
		acquisitionDelta("-", who),
		`DELETE FROM acquisition_customer WHERE `+who,
		`INSERT INTO acquisition_customer (customer_id, positive, revenue) `+acquisitionCustomerSelect(who),
		acquisitionDelta("+", who),
		// Rows kept are updated in place, not deleted and inserted again:
		// an insert checked the foreign key to customers row by row, and
		// on PostgreSQL planned that check afresh each time (the
		// connections' force_custom_plan), about 5% of an import's server
		// CPU. A customer with no purchase left loses the row.
		`DELETE FROM customer_purchase_summary WHERE `+who+`
			AND NOT EXISTS (SELECT 1 FROM purchases p WHERE p.customer_id = customer_purchase_summary.customer_id)`,
		`INSERT INTO customer_purchase_summary (`+purchaseSummaryColumns+`) SELECT * FROM (`+purchaseSummarySelect(tx.Dialect(), who)+`) x WHERE true
			ON CONFLICT (customer_id) DO UPDATE SET `+purchaseSummaryUpdate)
	if err == nil {
		err = tx.refreshBaselineMonths(ctx, who, arg)
	}
	if err != nil {
		return fmt.Errorf("refresh purchase rollups: %w", err)
	}
	return nil
}

// refreshBaselineMonths recomputes the baseline_customer_month rows of the
// customers who picks and moves baseline_month by what their rows counted
// before and count after: two grouped statements instead of the counting
// triggers' one lookup and update for every row deleted and inserted
// (migration 00050), most of them rows that did not change. Both moves go
// in (month, shard) order, as concurrent batches on PostgreSQL must take
// the rows' locks; months left with no customers are dropped, as the
// delete trigger drops them. On PostgreSQL the refresh first takes a
// transaction lock of its own: the two moves lock different sets of rows,
// each in order, so two batches between them could each hold a row the
// other's second move wants; with the lock they refresh one after the
// other (SQLite's transactions write one at a time anyway).
func (tx *Tx) refreshBaselineMonths(ctx context.Context, who string, arg any) error {
	d := tx.Dialect()
	if d == Postgres {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(?, ?)`, baselineLockClass, baselineLockID); err != nil {
			return err
		}
	}
	mine := "(SELECT * FROM baseline_customer_month WHERE " + who + ")"
	move := func(sign string) string {
		return `INSERT INTO baseline_month AS m (month, shard, customers, retained)
			SELECT month, shard, ` + sign + `customers, ` + sign + `retained FROM (` + baselineMonthSelect(d, mine) + `) x WHERE true ORDER BY 1, 2
			ON CONFLICT (month, shard) DO UPDATE SET customers = m.customers + excluded.customers, retained = m.retained + excluded.retained`
	}
	if err := tx.execEach(ctx, arg, move("-")); err != nil {
		return err
	}
	if err := tx.deferBaseline(ctx, true); err != nil {
		return err
	}
	err := tx.execEach(ctx, arg,
		`DELETE FROM baseline_customer_month WHERE `+who,
		`INSERT INTO baseline_customer_month (customer_id, month, first_at, next_at) `+baselineCustomerMonthSelect(d, who))
	if err != nil {
		return err
	}
	if err := tx.deferBaseline(ctx, false); err != nil {
		return err
	}
	return tx.execEach(ctx, arg, move(""), `DELETE FROM baseline_month WHERE customers = 0`)
}

// baselineLockClass and baselineLockID name refreshBaselineMonths' advisory
// lock ("fres", "base"); two-key advisory locks never meet the one-key lock
// of the migrations.
const baselineLockClass, baselineLockID = 0x66726573, 0x62617365

// deferBaseline turns the counting triggers of baseline_customer_month off
// (on = true) or back on (migration 00050).
func (tx *Tx) deferBaseline(ctx context.Context, on bool) error {
	return tx.deferTriggers(ctx, "fresco.defer_baseline", "baseline_deferred", on)
}

// addResponseRollups adds the responses ids, with their answers, to the
// rollups their insert triggers would have counted them in: each table's
// counts of those responses alone, added to its rows.
func (tx *Tx) addResponseRollups(ctx context.Context, ids []int64) error {
	if len(ids) == 0 || tx.rollupsLater {
		return nil
	}
	who, arg := idSet(tx.Dialect(), "id", ids)
	answers, _ := idSet(tx.Dialect(), "response_id", ids)
	var queries []string
	for _, r := range responseRollups(tx.Dialect(), "(SELECT * FROM responses WHERE "+who+")", answers) {
		key := strings.TrimSuffix(r.cols, ", n")
		queries = append(queries, `INSERT INTO `+r.table+` (`+r.cols+`) SELECT * FROM (`+r.sel+`) x WHERE true
			ON CONFLICT (`+key+`) DO UPDATE SET n = `+r.table+`.n + excluded.n`)
	}
	if err := tx.execEach(ctx, arg, queries...); err != nil {
		return fmt.Errorf("add responses to the rollups: %w", err)
	}
	return nil
}

// acquisitionDelta adds (sign "+") or takes away ("-") the contribution of
// the customers who, as acquisition_customer holds it, to their sources'
// rows of acquisition_rollup. Those rows exist: the trigger on customers
// made them when the customers were stored.
func acquisitionDelta(sign, who string) string {
	return `UPDATE acquisition_rollup SET repeat = repeat ` + sign + ` d.k, revenue = revenue ` + sign + ` d.v
		FROM (SELECT c.acquisition_source AS source, c.id % 16 AS shard,
				SUM(CASE WHEN t.positive > 1 THEN 1 ELSE 0 END) AS k, SUM(t.revenue) AS v
			FROM (SELECT customer_id, positive, revenue FROM acquisition_customer WHERE ` + who + `) t
			JOIN customers c ON c.id = t.customer_id
			GROUP BY c.acquisition_source, c.id % 16) d
		WHERE acquisition_rollup.source = d.source AND acquisition_rollup.shard = d.shard`
}
