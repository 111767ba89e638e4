package store

// Writing a planned batch of purchases in one transaction: new catalogue
// entries first, ids allocated up front, then the purchases and their lines
// in bulk — PostgreSQL by COPY, new purchases straight into the table and
// replaced ones through a staging table (purchase_copy.go), SQLite through
// multi-row INSERTs of prepared statements — and last the customers'
// first_seen moved back.

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fresco-cx/fresco/internal/fresco"
)

// writePlan writes a planned batch inside tx.
func (tx *Tx) writePlan(ctx context.Context, plan *purchasePlan) error {
	if err := tx.createProducts(ctx, plan); err != nil {
		return err
	}
	var fresh, replaced []int
	for i := range plan.batch {
		if !plan.ok(i) {
			continue
		}
		if _, ok := plan.existing[i]; ok {
			replaced = append(replaced, i)
		} else {
			fresh = append(fresh, i)
		}
	}
	ids, err := tx.allocateIDs(ctx, "purchases", len(fresh))
	if err != nil {
		return err
	}
	t := now()
	for k, i := range fresh {
		p := plan.batch[i]
		p.ID, p.CreatedAt, p.Version = ids[k], t, 1
		plan.results[i].ID, plan.results[i].Status = p.ID, StatusCreated
	}
	for _, i := range replaced {
		plan.batch[i].ID = plan.existing[i]
		plan.results[i].ID, plan.results[i].Status = plan.existing[i], StatusUpdated
	}
	plan.resolveLineProducts()
	if err := tx.lockPurchaseCustomers(ctx, plan, fresh, replaced); err != nil {
		return err
	}
	if err := tx.writeRowsDeferred(ctx, plan, fresh, replaced); err != nil {
		return err
	}
	if err := tx.advanceFirstSeen(ctx, plan); err != nil {
		return err
	}
	return tx.applyReferrals(ctx, plan)
}

// writeRowsDeferred writes the purchase rows with the rollups' insert
// triggers deferred (migration 00026) and then recomputes the purchase
// rollups of the new purchases' customers set-based, a few statements a
// batch: the triggers recomputed a customer's purchase summary from their
// whole history once per purchase, about a third of the server's CPU of an
// import (issue 10). A replaced purchase fires its update triggers as
// before.
func (tx *Tx) writeRowsDeferred(ctx context.Context, plan *purchasePlan, fresh, replaced []int) error {
	if err := tx.deferRollups(ctx, true); err != nil {
		return err
	}
	if err := tx.writePurchaseRows(ctx, plan, fresh, replaced); err != nil {
		return err
	}
	if err := tx.refreshPurchaseRollups(ctx, purchaseCustomers(plan.batch, fresh)); err != nil {
		return err
	}
	return tx.deferRollups(ctx, false)
}

// resolveLineProducts sets the product id of every line named by SKU.
func (plan *purchasePlan) resolveLineProducts() {
	for i, p := range plan.batch {
		if !plan.ok(i) {
			continue
		}
		for n := range p.Lines {
			if l := &p.Lines[n]; l.SKU != "" {
				l.ProductID = plan.products[l.SKU]
			}
		}
	}
}

// createProducts adds the SKUs the catalogue does not know yet.

// InsertPurchases stores new purchases and their lines within the
// transaction, setting each one's ID, CreatedAt and Version, for generators
// that produce purchases by the million. Unlike SavePurchases it trusts the
// caller: the purchases are valid, new, and reference stored customers,
// locations, employees and products, every line by ProductID. Nor does it
// move a customer's first_seen back to an earlier purchase: the caller
// stores customers first seen at their first purchase. The rollups come
// out as SavePurchases keeps them (writeRowsDeferred). After an error the
// transaction must be rolled back.
func (tx *Tx) InsertPurchases(ctx context.Context, ps []*fresco.Purchase) error {
	if tx.linesOut && tx.Dialect() != SQLite {
		return fmt.Errorf("insert purchases: lines are left out on SQLite only")
	}
	ids, err := tx.allocateIDs(ctx, "purchases", len(ps))
	if err != nil {
		return err
	}
	t := now()
	fresh := make([]int, len(ps))
	for i, p := range ps {
		p.ID, p.CreatedAt, p.Version = ids[i], t, 1
		fresh[i] = i
	}
	return tx.writeRowsDeferred(ctx, &purchasePlan{batch: ps, results: make([]BatchResult, len(ps))}, fresh, nil)
}

// writePurchaseRows writes the new purchases at fresh and replaces the
// stored ones at replaced, with all their lines: by COPY on PostgreSQL, by
// multi-row INSERTs on SQLite.
func (tx *Tx) writePurchaseRows(ctx context.Context, plan *purchasePlan, fresh, replaced []int) error {
	if tx.Dialect() == Postgres {
		return tx.copyPurchases(ctx, plan, fresh, replaced)
	}
	return tx.insertPurchases(ctx, plan, fresh, replaced)
}

func (tx *Tx) createProducts(ctx context.Context, plan *purchasePlan) error {
	// In SKU order, so that two batches adding the same new SKUs lock them
	// in the same order and cannot deadlock on PostgreSQL.
	slices.SortFunc(plan.newSKUs, func(a, b *fresco.Product) int { return strings.Compare(a.SKU, b.SKU) })
	t := now()
	rows := make([][]any, len(plan.newSKUs))
	for i, p := range plan.newSKUs {
		rows[i] = []any{p.SKU, p.Name, int64(p.ListPrice), t, t}
	}
	// ON CONFLICT: a concurrent batch may have added the same SKU. The
	// no-op update sets a column no key holds, so that PostgreSQL locks the
	// row FOR NO KEY UPDATE: setting sku locked it FOR UPDATE, which waits
	// for, and blocks, the KEY SHARE lock of another batch's lines naming
	// the product, a deadlock once that batch waits for our customers.
	err := tx.upsertIDs(ctx, `INSERT INTO products (sku, name, category, list_price, unit_cost, created_at, updated_at) VALUES `,
		`(?, ?, '', ?, 0, ?, ?)`, ` ON CONFLICT (sku) DO UPDATE SET name = products.name RETURNING sku, id`, rows, plan.products)
	if err != nil {
		return fmt.Errorf("add products: %w", err)
	}
	plan.newSKUs = nil
	return nil
}

// upsertIDs runs the multi-row `head row, row, … tail` over rows, in chunks;
// tail ends in RETURNING key, id, read into ids.
func (tx *Tx) upsertIDs(ctx context.Context, head, row, tail string, rows [][]any, ids map[string]int64) error {
	const chunk = 500
	for start := 0; start < len(rows); start += chunk {
		part := rows[start:min(start+chunk, len(rows))]
		var args []any
		for _, r := range part {
			args = append(args, r...)
		}
		err := queryMap(ctx, tx, ids, scanPair[string, int64], head+rowsList(row, len(part))+tail, args...)
		if err != nil {
			return err
		}
	}
	return nil
}

// allocateIDs reserves n ids for table so that purchases and their lines can
// be written with multi-row INSERTs without reading ids back row by row.
func (tx *Tx) allocateIDs(ctx context.Context, table string, n int) ([]int64, error) {
	if n == 0 {
		return nil, nil
	}
	if tx.Dialect() == Postgres {
		// The sequence is looked up once: in the select list,
		// pg_get_serial_sequence ran for every id, about a twentieth of
		// the server's CPU of a batch.
		return queryAll(ctx, tx, scanValue[int64], `SELECT nextval(s.seq) FROM
			(SELECT pg_get_serial_sequence('`+table+`', 'id')::regclass AS seq OFFSET 0) s, generate_series(1, ?)`, n)
	}
	ids := make([]int64, n)
	// SQLite: the transaction holds the write lock from BEGIN IMMEDIATE, so
	// nobody else can take ids between this read and our inserts.
	var top int64
	if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(id), 0) FROM `+table).Scan(&top); err != nil {
		return nil, err
	}
	for i := range ids {
		ids[i] = top + int64(i) + 1
	}
	return ids, nil
}

// insertPurchases is SQLite's write: replaced purchases updated in place and
// their old lines deleted, new purchases and every line inserted.
func (tx *Tx) insertPurchases(ctx context.Context, plan *purchasePlan, fresh, replaced []int) error {
	if err := tx.replacePurchases(ctx, plan, replaced); err != nil {
		return err
	}
	k := 0
	err := tx.insertRows(ctx, `INSERT INTO purchases (id, external_id, customer_id, purchased_at, location_id,
			channel, served_by, promotion_code, total, items, created_at) VALUES `, purchaseRowArgs, purchaseChunk,
		func(args []any) ([]any, bool) {
			if k == len(fresh) {
				return args, false
			}
			p := plan.batch[fresh[k]]
			k++
			return append(args, purchaseRow(p)...), true
		})
	if err != nil {
		return fmt.Errorf("insert purchases: %w", err)
	}
	if tx.linesOut {
		return nil
	}
	return tx.insertLines(ctx, plan, append(replaced, fresh...))
}

// insertLines inserts the lines of the purchases of plan at indexes.
func (tx *Tx) insertLines(ctx context.Context, plan *purchasePlan, indexes []int) error {
	next := plan.lineRows(indexes)
	err := tx.insertRows(ctx, `INSERT INTO purchase_lines (purchase_id, line_no, product_id, description, quantity, unit_price, discount) VALUES `,
		lineRowArgs, lineChunk, func(args []any) ([]any, bool) {
			n := len(args)
			args = slices.Grow(args, lineRowArgs)[:n+lineRowArgs]
			if !next(args[n:]) {
				return args[:n], false
			}
			return args, true
		})
	if err != nil {
		return fmt.Errorf("insert purchase lines: %w", err)
	}
	return nil
}

// purchaseRow is the values of p's purchases row, in purchaseColumns order
// less version (purchaseRowArgs of them).
func purchaseRow(p *fresco.Purchase) []any {
	return []any{p.ID, nullString(p.ExternalID), nullID(p.CustomerID), utc(p.PurchasedAt),
		nullID(p.LocationID), p.Channel, nullID(p.ServedBy), p.PromotionCode, int64(p.Total()), p.Items(), p.CreatedAt}
}

// lineRows returns an iterator over the lines of the purchases at indexes:
// each call fills row with one purchase_lines row and reports false after
// the last.
func (plan *purchasePlan) lineRows(indexes []int) func(row []any) bool {
	k, n := 0, 0
	return func(row []any) bool {
		for k < len(indexes) && n == len(plan.batch[indexes[k]].Lines) {
			k, n = k+1, 0
		}
		if k == len(indexes) {
			return false
		}
		p := plan.batch[indexes[k]]
		l := &p.Lines[n]
		n++
		row[0], row[1], row[2], row[3], row[4], row[5], row[6] = p.ID, int64(n), l.ProductID, l.Description, l.Quantity, int64(l.UnitPrice), int64(l.Discount)
		return true
	}
}

// insertRows writes rows of cols values with multi-row INSERTs of up to chunk
// rows: `head (?, …), (?, …)`. next appends the next row's values to args and
// reports false when there are none. The full-size statement is prepared
// once: parsing a thousand-row INSERT costs about as much as running it.
func (tx *Tx) insertRows(ctx context.Context, head string, cols, chunk int, next func(args []any) ([]any, bool)) error {
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	args := make([]any, 0, chunk*cols)
	for more := true; more; {
		args, more = next(args)
		rows := len(args) / cols
		if rows < chunk && (more || rows == 0) {
			continue
		}
		var err error
		switch {
		case rows < chunk:
			_, err = tx.Exec(ctx, head+valuesList(rows, cols), args...)
		case full == nil:
			if full, err = tx.tx.PrepareContext(ctx, tx.db.rebind(head+valuesList(chunk, cols))); err != nil {
				return err
			}
			fallthrough
		default:
			_, err = full.ExecContext(ctx, args...)
		}
		if err != nil {
			return err
		}
		args = args[:0]
	}
	return nil
}

// replacePurchases overwrites stored purchases in place and deletes their
// old lines; insertPurchases then inserts the new lines with everyone else's.
func (tx *Tx) replacePurchases(ctx context.Context, plan *purchasePlan, indexes []int) error {
	ids := make([]any, 0, len(indexes))
	for _, i := range indexes {
		p := plan.batch[i]
		_, err := tx.Exec(ctx, `UPDATE purchases SET external_id = ?, customer_id = ?, purchased_at = ?, location_id = ?,
			channel = ?, served_by = ?, promotion_code = ?, total = ?, items = ?, version = version + 1 WHERE id = ?`,
			nullString(p.ExternalID), nullID(p.CustomerID), utc(p.PurchasedAt), nullID(p.LocationID),
			p.Channel, nullID(p.ServedBy), p.PromotionCode, int64(p.Total()), p.Items(), p.ID)
		if err != nil {
			return fmt.Errorf("update purchase %d: %w", p.ID, err)
		}
		ids = append(ids, p.ID)
	}
	return forChunks(ids, func(chunk []any) error {
		_, err := tx.Exec(ctx, `DELETE FROM purchase_lines WHERE purchase_id IN (`+placeholders(len(chunk))+`)`, chunk...)
		return err
	})
}

// advanceFirstSeen moves a customer's first_seen back to their earliest
// purchase, so imported history and live data agree on tenure.
func (tx *Tx) advanceFirstSeen(ctx context.Context, plan *purchasePlan) error {
	earliest := map[int64]time.Time{}
	for i, p := range plan.batch {
		if !plan.ok(i) || p.CustomerID == nil {
			continue
		}
		if t, ok := earliest[*p.CustomerID]; !ok || p.PurchasedAt.Before(t) {
			earliest[*p.CustomerID] = p.PurchasedAt
		}
	}
	args := make([]any, 0, 2*len(earliest))
	for id, t := range earliest {
		args = append(args, id, utc(t))
	}
	// A new first_seen is a change to the customer like any other: it bumps
	// the version, so a PATCH based on the old one cannot undo it.
	row := `(?, ?)`
	if tx.Dialect() == Postgres {
		row = `(?::bigint, ?::timestamptz)`
	}
	for start := 0; start < len(args); start += 2 * setQueryChunk {
		chunk := args[start:min(start+2*setQueryChunk, len(args))]
		_, err := tx.Exec(ctx, `WITH earliest (id, t) AS (VALUES `+rowsList(row, len(chunk)/2)+`)
			UPDATE customers SET first_seen = earliest.t, version = version + 1
			FROM earliest WHERE customers.id = earliest.id AND customers.first_seen > earliest.t`, chunk...)
		if err != nil {
			return err
		}
	}
	return nil
}
